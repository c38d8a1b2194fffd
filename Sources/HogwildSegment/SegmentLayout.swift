// SegmentLayout.swift — computes where every region of a segment lies.
//
// The one function that turns counts into byte offsets, with overflow-checked
// arithmetic and 64-byte alignment for every region (PostgreSQL's
// add_size/mul_size discipline). The struct definitions it lays out live in
// include/hogwild.h.

import CHogwild

/// Byte offsets and sizes of a segment's regions.
public struct SegmentLayout: Equatable, Sendable {
  public var parameterCount: Int
  public var optimizerCount: Int
  /// Floats of the target network θ⁻ (the Q-learning family; 0 for A3C).
  public var targetCount: Int
  public var workerCount: Int
  public var ringCapacity: Int
  /// Whether the segment holds A2C's gradient exchange: one row of
  /// `exchangeStride` floats per worker.
  public var hasExchange: Bool
  /// Whether the segment holds the lost-update audit (`run --audit`): θ at
  /// its start and one row of double sums per worker.
  public var hasAudit: Bool
  /// K of `run --stale-updates` (0: no staleness ring).
  public var staleUpdates: Int
  /// P, the nodes of a `run --distributed` (0: not distributed, no `hw_dist`).
  public var distributedNodes: Int

  public private(set) var parametersOffset = 0
  public private(set) var targetOffset = 0
  public private(set) var optimizerOffset = 0
  public private(set) var lockOffset = 0
  public private(set) var ringOffset = 0
  public private(set) var slotsOffset = 0
  public private(set) var exchangeOffset = 0
  /// Floats per exchange row: θ's size rounded up to whole cache lines.
  public private(set) var exchangeStride = 0
  /// θ when the audit began (float32, `parameterCount`).
  public private(set) var auditStartOffset = 0
  /// The audit sums: one row of `auditStride` doubles per worker.
  public private(set) var auditSumsOffset = 0
  /// Doubles per audit row: θ's size rounded up to whole cache lines (0: no audit).
  public private(set) var auditStride = 0
  /// The staleness ring: K + 1 snapshots of `staleStride` floats.
  public private(set) var staleRingOffset = 0
  /// Floats per snapshot: θ's size rounded up to whole cache lines (0: no ring).
  public private(set) var staleStride = 0
  /// A distributed run's `hw_dist` (0: none), its episode inbox and its node table.
  public private(set) var distributedOffset = 0
  public private(set) var inboxOffset = 0
  public private(set) var inboxCapacity = 0
  public private(set) var nodeTableOffset = 0
  public private(set) var totalSize = 0

  public static let headerSize = MemoryLayout<hw_header>.size
  public static let slotSize = MemoryLayout<hw_worker_slot>.size
  public static let recordSize = MemoryLayout<hw_episode_record>.size
  public static let maxWorkers = Int(HW_MAX_WORKERS)
  public static let maxLayers = Int(HW_MAX_LAYERS)
  public static let maxHyperparameters = Int(HW_MAX_HPARAMS)
  public static let defaultRingCapacity = Int(HW_RING_CAPACITY)
  public static let maxNodes = Int(HW_MAX_NODES)
  public static let distributedSize = MemoryLayout<hw_dist>.size
  public static let nodeStatsSize = MemoryLayout<hw_node_stats>.size

  /// Lays out a segment for `parameterCount` floats of θ, `optimizerCount`
  /// floats of shared optimizer statistics, `targetCount` floats of θ⁻ and
  /// `workerCount` slots (and, with `exchange`, one gradient row per worker;
  /// with `audit`, the audit's regions; with `staleUpdates` K > 0, a ring of
  /// K + 1 snapshots of θ; with `distributedNodes` P > 0, a distributed
  /// run's state, inbox and a node table of P rows).
  public init(parameterCount: Int, optimizerCount: Int, targetCount: Int = 0, workerCount: Int,
              ringCapacity: Int = SegmentLayout.defaultRingCapacity, exchange: Bool = false,
              audit: Bool = false, staleUpdates: Int = 0, distributedNodes: Int = 0) throws(SegmentError) {
    guard parameterCount >= 0, optimizerCount >= 0, targetCount >= 0, staleUpdates >= 0 else {
      throw .layoutTooLarge("negative count")
    }
    guard workerCount >= 1, workerCount <= Self.maxWorkers else {
      throw .layoutTooLarge("\(workerCount) workers (at most \(Self.maxWorkers))")
    }
    guard distributedNodes >= 0, distributedNodes <= Self.maxNodes else {
      throw .layoutTooLarge("\(distributedNodes) nodes (at most \(Self.maxNodes))")
    }
    guard ringCapacity > 0, ringCapacity & (ringCapacity - 1) == 0 else {
      throw .layoutTooLarge("ring capacity \(ringCapacity) is not a power of two")
    }
    self.parameterCount = parameterCount
    self.optimizerCount = optimizerCount
    self.targetCount = targetCount
    self.workerCount = workerCount
    self.ringCapacity = ringCapacity
    self.hasExchange = exchange
    self.hasAudit = audit
    self.staleUpdates = staleUpdates
    self.distributedNodes = distributedNodes

    var cursor = Self.headerSize
    func region(_ bytes: Int) throws(SegmentError) -> Int {
      let start = try Self.align(cursor)
      let (end, overflow) = start.addingReportingOverflow(bytes)
      guard !overflow else { throw .layoutTooLarge("size overflows") }
      cursor = end
      return start
    }
    parametersOffset = try region(try Self.product(parameterCount, 4))
    targetOffset = try region(try Self.product(targetCount, 4))
    optimizerOffset = try region(try Self.product(optimizerCount, 4))
    lockOffset = try region(Int(HW_LOCK_BYTES))
    ringOffset = try region(try Self.product(ringCapacity, Self.recordSize))
    slotsOffset = try region(try Self.product(workerCount, Self.slotSize))
    if exchange {
      exchangeStride = try Self.align(try Self.product(parameterCount, 4)) / 4
      exchangeOffset = try region(try Self.product(try Self.product(workerCount, exchangeStride), 4))
    } else {
      exchangeOffset = try Self.align(cursor)
    }
    if audit {
      auditStartOffset = try region(try Self.product(parameterCount, 4))
      auditStride = try Self.align(try Self.product(parameterCount, 8)) / 8
      auditSumsOffset = try region(try Self.product(try Self.product(workerCount, auditStride), 8))
    } else {
      auditStartOffset = try Self.align(cursor)
      auditSumsOffset = auditStartOffset
    }
    if staleUpdates > 0 {
      staleStride = try Self.align(try Self.product(parameterCount, 4)) / 4
      let (slots, o) = staleUpdates.addingReportingOverflow(1)
      guard !o else { throw .layoutTooLarge("size overflows") }
      staleRingOffset = try region(try Self.product(try Self.product(slots, staleStride), 4))
    } else {
      staleRingOffset = try Self.align(cursor)
    }
    if distributedNodes > 0 {
      distributedOffset = try region(Self.distributedSize)
      inboxCapacity = Int(HW_INBOX_CAPACITY)
      inboxOffset = try region(try Self.product(inboxCapacity, Self.recordSize))
      nodeTableOffset = try region(try Self.product(distributedNodes, Self.nodeStatsSize))
    }
    totalSize = try Self.align(cursor)
  }

  static func product(_ a: Int, _ b: Int) throws(SegmentError) -> Int {
    let (p, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw .layoutTooLarge("size overflows") }
    return p
  }

  static func align(_ n: Int) throws(SegmentError) -> Int {
    let line = Int(HW_CACHE_LINE)
    let (p, overflow) = n.addingReportingOverflow(line - 1)
    guard !overflow else { throw .layoutTooLarge("size overflows") }
    return p / line * line
  }
}
