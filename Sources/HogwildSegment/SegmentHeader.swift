// SegmentHeader.swift — typed access to hw_header: identity, what runs,
// counters, the layer table and the hyperparameters.

import CHogwild

/// The lifecycle state stored in the header.
public enum RunState: UInt32, Sendable, CustomStringConvertible {
  case initializing = 0, running = 1, stopping = 2, done = 3
  public var description: String {
    switch self {
    case .initializing: "initializing"
    case .running: "running"
    case .stopping: "stopping"
    case .done: "done"
    }
  }
}

/// One row of the layer table.
public struct LayerEntry: Equatable, Sendable {
  public var name: String
  public var rows: Int
  public var cols: Int
  /// Floats from the start of θ.
  public var offset: Int
  public var count: Int
  public init(name: String, rows: Int, cols: Int, offset: Int, count: Int) {
    self.name = name; self.rows = rows; self.cols = cols; self.offset = offset; self.count = count
  }
}

/// A view of the segment header. Setters are for the creator, before
/// `SharedSegment.publish()`; `state` and the counters stay live afterwards.
public struct SegmentHeader {
  @usableFromInline let p: UnsafeMutablePointer<hw_header>
  /// The header as validated (attach) or published (create): the fields
  /// that say where things are — procs, counts, the regions, the layer
  /// table — are read from it, not from the live header a worker (or its
  /// environment) could overwrite. nil before publication.
  let trusted: hw_header?
  init(_ p: UnsafeMutablePointer<hw_header>, trusted: hw_header? = nil) {
    self.p = p
    self.trusted = trusted
  }

  /// The geometry fields: the trusted copy's, else the live header's.
  var geometry: hw_header { trusted ?? p.pointee }

  public var magic: UInt64 { hw_load_u64_acquire(p.pointer(to: \.magic)!) }
  public var layoutVersion: UInt32 { p.pointee.layout_version }
  public var headerSize: Int { Int(p.pointee.header_size) }
  public var totalSize: Int { Int(clamping: geometry.total_size) }
  public var creatorPID: Int32 { p.pointee.creator_pid }
  public var createdUnixNanoseconds: UInt64 { p.pointee.created_unix_ns }
  public var createdMonotonicNanoseconds: UInt64 { p.pointee.created_mono_ns }
  public var procs: Int { Int(geometry.procs) }
  public var parameterCount: Int { Int(clamping: geometry.params_count) }
  public var optimizerCount: Int { Int(clamping: geometry.opt_count) }
  public var targetCount: Int { Int(clamping: geometry.target_count) }
  /// How many times θ⁻ ← θ has been copied (relaxed atomic).
  public var targetVersion: SharedCounter { SharedCounter(p.pointer(to: \.target_version)!) }
  public var ringCapacity: Int { Int(clamping: geometry.ring_capacity) }
  /// Whether the segment holds the lost-update audit (`run --audit`).
  public var hasAudit: Bool { geometry.study.audit_stride > 0 }
  /// K of `run --stale-updates` (0: off).
  public var staleUpdates: Int { Int(clamping: geometry.study.stale_k) }
  /// U when the staleness ring was filled (creator only sets it).
  public var staleBase: UInt64 {
    get { p.pointee.study.stale_base }
    nonmutating set { p.pointee.study.stale_base = newValue }
  }
  /// The next ticket of `--stale-updates` (see include/hogwild.h NOTES (g)).
  public var staleTicket: SharedCounter { SharedCounter(p.pointer(to: \.stale_ticket.value)!) }
  /// A2C rounds whose update is fully applied (0 for asynchronous methods).
  public var syncRounds: UInt64 { hw_load_u64_seqcst(p.pointer(to: \.sync.round)!) }

  /// Region offsets in bytes, for `dump`.
  public var regions: [(name: String, offset: UInt64, bytes: UInt64)] {
    let h = geometry
    // Overflow-safe: a segment's numbers are only as sane as its validation.
    func times(_ a: UInt64, _ b: UInt64) -> UInt64 {
      let (r, o) = a.multipliedReportingOverflow(by: b)
      return o ? .max : r
    }
    return [
      ("header", 0, UInt64(h.header_size)),
      ("parameters", h.params_offset, times(h.params_count, 4)),
      ("target_parameters", h.target_offset, times(h.target_count, 4)),
      ("optimizer", h.opt_offset, times(h.opt_count, 4)),
      ("lock", h.lock_offset, UInt64(HW_LOCK_BYTES)),
      ("episode_ring", h.ring_offset, times(h.ring_capacity, UInt64(SegmentLayout.recordSize))),
      ("worker_slots", h.slots_offset, times(UInt64(h.procs), UInt64(SegmentLayout.slotSize))),
      ("gradient_exchange", h.exchange_offset, times(times(UInt64(h.procs), h.exchange_stride), 4)),
      ("audit_start", h.study.audit_start_offset, h.study.audit_stride > 0 ? times(h.params_count, 4) : 0),
      ("audit_sums", h.study.audit_sums_offset, times(times(UInt64(h.procs), h.study.audit_stride), 8)),
      ("staleness_ring", h.study.stale_ring_offset,
       h.study.stale_k > 0 ? times(times(h.study.stale_k &+ 1, h.study.stale_stride), 4) : 0),
    ] + distributedRegions
  }

  /// A distributed run's regions (none otherwise; the validator checked
  /// them against the segment's size when it was attached).
  var distributedRegions: [(name: String, offset: UInt64, bytes: UInt64)] {
    let offset = geometry.dist_offset
    guard offset > 0 else { return [] }
    let d = (UnsafeMutableRawPointer(p) + Int(offset)).assumingMemoryBound(to: hw_dist.self).pointee
    let (inbox, o1) = d.inbox_capacity.multipliedReportingOverflow(by: UInt64(SegmentLayout.recordSize))
    let (nodes, o2) = UInt64(d.nodes).multipliedReportingOverflow(by: UInt64(SegmentLayout.nodeStatsSize))
    return [
      ("distributed", offset, UInt64(SegmentLayout.distributedSize)),
      ("episode_inbox", d.inbox_offset, o1 ? .max : inbox),
      ("node_table", d.nodes_offset, o2 ? .max : nodes),
    ]
  }

  public var state: RunState {
    get { RunState(rawValue: hw_load_u32_relaxed(p.pointer(to: \.state)!)) ?? .done }
    nonmutating set { hw_store_u32_relaxed(p.pointer(to: \.state)!, newValue.rawValue) }
  }

  public var nonce: UInt64 {
    get { p.pointee.nonce }
    nonmutating set { p.pointee.nonce = newValue }
  }
  public var seed: UInt64 {
    get { p.pointee.seed }
    nonmutating set { p.pointee.seed = newValue }
  }
  public var tMax: UInt64 {
    get { p.pointee.t_max }
    nonmutating set { p.pointee.t_max = newValue }
  }
  public var observationSize: Int {
    get { Int(p.pointee.obs_size) }
    nonmutating set { p.pointee.obs_size = UInt32(newValue) }
  }
  public var actionCount: Int {
    get { Int(p.pointee.n_actions) }
    nonmutating set { p.pointee.n_actions = UInt32(newValue) }
  }

  public var envID: String {
    get { FixedString.read(p.pointer(to: \.env_id)!) }
    nonmutating set { FixedString.write(newValue, to: p.pointer(to: \.env_id)!) }
  }
  public var algorithm: String {
    get { FixedString.read(p.pointer(to: \.algo)!) }
    nonmutating set { FixedString.write(newValue, to: p.pointer(to: \.algo)!) }
  }
  public var optimizer: String {
    get { FixedString.read(p.pointer(to: \.optimizer)!) }
    nonmutating set { FixedString.write(newValue, to: p.pointer(to: \.optimizer)!) }
  }
  public var updateMode: String {
    get { FixedString.read(p.pointer(to: \.update_mode)!) }
    nonmutating set { FixedString.write(newValue, to: p.pointer(to: \.update_mode)!) }
  }
  public var activation: String {
    get { FixedString.read(p.pointer(to: \.activation)!) }
    nonmutating set { FixedString.write(newValue, to: p.pointer(to: \.activation)!) }
  }

  /// T: environment steps taken by all workers.
  public var globalSteps: SharedCounter { SharedCounter(p.pointer(to: \.T.value)!) }
  /// U: gradients applied to θ by all workers.
  public var globalUpdates: SharedCounter { SharedCounter(p.pointer(to: \.U.value)!) }

  /// The layer table (at most HW_MAX_LAYERS rows).
  public var layers: [LayerEntry] {
    get {
      if var copy = trusted {
        return withUnsafeMutablePointer(to: &copy) { SegmentHeader($0).layers }
      }
      let n = min(Int(p.pointee.n_layers), SegmentLayout.maxLayers)
      return withLayerTable { table in
        (0..<n).map { i in
          var e = table[i]
          return LayerEntry(
            name: FixedString.read(&e.name), rows: Int(e.rows), cols: Int(e.cols),
            offset: Int(clamping: e.offset), count: Int(clamping: e.count))
        }
      }
    }
    nonmutating set {
      precondition(newValue.count <= SegmentLayout.maxLayers, "too many layers")
      withLayerTable { table in
        for (i, layer) in newValue.enumerated() {
          var e = hw_layer()
          FixedString.write(layer.name, to: &e.name)
          e.rows = UInt32(layer.rows); e.cols = UInt32(layer.cols)
          e.offset = UInt64(layer.offset); e.count = UInt64(layer.count)
          table[i] = e
        }
      }
      p.pointee.n_layers = UInt32(newValue.count)
    }
  }

  /// Numeric hyperparameters by name, in insertion order.
  public var hyperparameters: [(key: String, value: Double)] {
    get {
      let n = min(Int(p.pointee.n_hparams), SegmentLayout.maxHyperparameters)
      return withHyperparameterTable { table in
        (0..<n).map { i in
          var e = table[i]
          return (FixedString.read(&e.key), e.value)
        }
      }
    }
    nonmutating set {
      precondition(newValue.count <= SegmentLayout.maxHyperparameters, "too many hyperparameters")
      withHyperparameterTable { table in
        for (i, kv) in newValue.enumerated() {
          var e = hw_hparam()
          FixedString.write(kv.key, to: &e.key)
          e.value = kv.value
          table[i] = e
        }
      }
      p.pointee.n_hparams = UInt32(newValue.count)
    }
  }

  private func withLayerTable<R>(_ body: (UnsafeMutablePointer<hw_layer>) -> R) -> R {
    UnsafeMutableRawPointer(p.pointer(to: \.layers)!).withMemoryRebound(
      to: hw_layer.self, capacity: SegmentLayout.maxLayers, body)
  }

  private func withHyperparameterTable<R>(_ body: (UnsafeMutablePointer<hw_hparam>) -> R) -> R {
    UnsafeMutableRawPointer(p.pointer(to: \.hparams)!).withMemoryRebound(
      to: hw_hparam.self, capacity: SegmentLayout.maxHyperparameters, body)
  }
}

/// NUL-terminated strings in fixed-size C char arrays (imported as tuples).
enum FixedString {
  static func read<T>(_ field: UnsafePointer<T>) -> String {
    let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(field), count: MemoryLayout<T>.size)
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: bytes[..<end], as: UTF8.self)
  }

  /// Writes `s` truncated to capacity − 1 bytes (on a UTF-8 boundary), NUL-padded.
  static func write<T>(_ s: String, to field: UnsafeMutablePointer<T>) {
    let cap = MemoryLayout<T>.size
    let raw = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(field), count: cap)
    raw.initializeMemory(as: UInt8.self, repeating: 0)
    // Whole scalars only, so a cut never leaves invalid UTF-8 behind.
    var utf8: [UInt8] = []
    for scalar in s.unicodeScalars {
      let encoded = Array(String(scalar).utf8)
      if utf8.count + encoded.count > cap - 1 { break }
      utf8 += encoded
    }
    for (i, b) in utf8.enumerated() { raw[i] = b }
  }
}
