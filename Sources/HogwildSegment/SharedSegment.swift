// SharedSegment.swift — one mapped hogwild-rl segment: create, attach, unlink.
//
// Lifecycle (see include/hogwild.h NOTES): the supervisor creates the segment
// with O_CREAT|O_EXCL, fills the header and publishes `magic` last, so a
// reader attaching during initialisation sees a bad magic rather than a
// half-written header. Workers inherit the mapping through fork and never
// unlink. `unlink(name:)` is the single place that removes a name.

import CHogwild
import Glibc
import HogwildSys

/// A mapped shared-memory segment and the typed views over it.
///
/// This module is the only place that handles raw pointers into the segment;
/// everything else goes through `SegmentHeader`, `WorkerSlot`, `SharedFloats`,
/// `GradientApplier` and `EpisodeRing`.
public final class SharedSegment {
  /// The POSIX name, with its leading slash.
  public let name: String
  /// Mapped bytes.
  public let size: Int
  public let isWritable: Bool
  @usableFromInline let base: UnsafeMutableRawPointer
  /// The creator's descriptor holding the liveness lock (-1 when attached).
  let lockDescriptor: Int32
  /// The header as created, or as validated when attached: where every
  /// region lies. The views use it, not the live header, so nothing written
  /// into the segment later (a stray write, a truncated object) can move a
  /// view outside the mapping.
  private(set) var trusted: hw_header
  /// Whether this process armed the SIGBUS guard over the mapping.
  private var guarded = false

  init(name: String, base: UnsafeMutableRawPointer, size: Int, writable: Bool, lockDescriptor: Int32 = -1,
       trusted: hw_header = hw_header()) {
    self.name = name
    self.base = base
    self.size = size
    self.isWritable = writable
    self.lockDescriptor = lockDescriptor
    self.trusted = trusted
  }

  deinit {
    if guarded { hw_segment_unguard() }
    _ = hw_unmap(base, size)
    _ = hw_close(lockDescriptor)
  }

  /// Whether a live process holds the segment's liveness lock (its creator
  /// or one of the creator's workers). Unlike a pid check, this cannot be
  /// fooled by pid reuse. nil if the object cannot be opened.
  public static func isHeld(name: String) -> Bool? {
    var held: Int32 = 0
    guard hw_shm_lock_state(name, &held) == 0 else { return nil }
    return held != 0
  }

  /// Normalises a user-given name to the POSIX form "/name".
  public static func normalizedName(_ raw: String) throws(SegmentError) -> String {
    let n = raw.hasPrefix("/") ? raw : "/" + raw
    let body = n.dropFirst()
    guard !body.isEmpty, body.utf8.count <= 250, !body.contains("/"), !body.contains("\0"),
      body != ".", body != ".."
    else { throw .invalidName(raw) }
    return n
  }

  /// Creates and maps a new, zero-filled segment of `layout.totalSize` bytes.
  /// Fails with `.create(name, .fileExists)` if the name is taken.
  public static func create(name: String, layout: SegmentLayout) throws(SegmentError) -> SharedSegment {
    let n = try normalizedName(name)
    var base: UnsafeMutableRawPointer?
    var lockFD: Int32 = -1
    let rc = hw_shm_create(n, layout.totalSize, &base, &lockFD)
    guard rc == 0, let base else { throw .create(name: n, Errno(rc)) }
    let seg = SharedSegment(name: n, base: base, size: layout.totalSize, writable: true, lockDescriptor: lockFD)
    seg.writeLayout(layout)
    return seg
  }

  /// Maps an existing segment and validates it before returning. Only a
  /// regular, fully allocated object owned by this user is opened at all.
  public static func attach(name: String, writable: Bool = false) throws(SegmentError) -> SharedSegment {
    let n = try normalizedName(name)
    var base: UnsafeMutableRawPointer?
    var size = 0
    var facts = hw_shm_facts()
    let rc = hw_shm_attach(n, writable ? 1 : 0, &base, &size, &facts)
    if let why = refusal(facts) { throw .untrusted(name: n, why: why) }
    guard rc == 0 else { throw .attach(name: n, Errno(rc)) }
    guard let base else { throw .truncated(name: n, size: 0, needed: SegmentLayout.headerSize) }
    do {
      let header = try SegmentValidator.validatedHeader(UnsafeRawBufferPointer(start: base, count: size), name: n)
      return SharedSegment(name: n, base: base, size: size, writable: writable, trusted: header)
    } catch {
      _ = hw_unmap(base, size)
      throw error
    }
  }

  /// Why `hw_shm_attach` refused to open or map an object, or nil.
  static func refusal(_ f: hw_shm_facts) -> String? {
    switch Int32(f.refusal) {
    case 0: return nil
    case Int32(HW_SHM_NOT_REGULAR): return "not a regular file (a FIFO, socket, device, directory or symlink)"
    case Int32(HW_SHM_NOT_OWNED): return "owned by uid \(f.owner), not by this user"
    case Int32(HW_SHM_SPARSE):
      return "sparse (\(f.allocated) of \(f.size) bytes allocated); a hogwild-rl segment is fully allocated, "
        + "and reading a sparse one would fill /dev/shm"
    default: return "\(f.size) bytes is larger than any hogwild-rl segment"
    }
  }

  /// The creator's protection against its segment going bad under it
  /// (truncated by its owner): arms the SIGBUS guard (CHogwild guard.c), so
  /// an access past the new end reads zeros instead of killing the process.
  public func guardAgainstTruncation() {
    guard lockDescriptor >= 0, !guarded else { return }
    guarded = hw_segment_guard(base, size) == 0
  }

  /// Why the segment can no longer be trusted, or nil while it is intact: the
  /// guard caught a fault in it, or its object shrank (then the mapping is
  /// replaced by zeros at once, before any access faults). Creator only;
  /// called by the supervisor once per poll.
  public func damage() -> String? {
    if lockDescriptor >= 0 {
      var now: UInt64 = 0
      if hw_fd_size(lockDescriptor, &now) == 0, now < UInt64(size), hw_segment_guard_tripped() == 0 {
        _ = hw_segment_replace_with_zeros(base, size)
        return "\(name) was truncated to \(now) of its \(size) bytes under the run"
      }
    }
    if hw_segment_guard_tripped() != 0 { return "\(name) was truncated under the run (an access faulted)" }
    return nil
  }

  /// Removes the name from /dev/shm. Mappings stay valid until unmapped.
  public static func unlink(name: String) throws(SegmentError) {
    let n = try normalizedName(name)
    let rc = hw_shm_unlink(n)
    guard rc == 0 else { throw .unlink(name: n, Errno(rc)) }
  }

  // MARK: typed views

  @usableFromInline var headerPointer: UnsafeMutablePointer<hw_header> {
    base.assumingMemoryBound(to: hw_header.self)
  }

  /// The header: identity, configuration, counters, layer table.
  public var header: SegmentHeader {
    SegmentHeader(headerPointer, trusted: trusted.magic == HW_MAGIC ? trusted : nil)
  }

  /// θ, the shared parameters.
  public var parameters: SharedFloats {
    SharedFloats(
      base: (base + Int(trusted.params_offset)).assumingMemoryBound(to: Float.self),
      count: Int(trusted.params_count))
  }

  /// θ⁻, the target network of the Q-learning family; empty for A3C.
  public var targetParameters: SharedFloats {
    SharedFloats(
      base: (base + Int(trusted.target_offset)).assumingMemoryBound(to: Float.self),
      count: Int(trusted.target_count))
  }

  /// The shared optimizer statistics (RMSProp g); empty when unused.
  public var optimizerStatistics: SharedFloats {
    SharedFloats(
      base: (base + Int(trusted.opt_offset)).assumingMemoryBound(to: Float.self),
      count: Int(trusted.opt_count))
  }

  /// The worker slot of `rank` (0 ..< procs).
  public func slot(_ rank: Int) -> WorkerSlot {
    precondition(rank >= 0 && rank < Int(trusted.procs), "worker rank out of range")
    let p = base + Int(trusted.slots_offset) + rank * SegmentLayout.slotSize
    return WorkerSlot(p.assumingMemoryBound(to: hw_worker_slot.self))
  }

  /// A2C's gradient exchange rows and barrier; nil unless the segment has
  /// them.
  public var gradientExchange: GradientExchange? {
    let h = headerPointer
    guard trusted.exchange_stride > 0 else { return nil }
    let procs = Int(trusted.procs)
    return GradientExchange(
      rows: (base + Int(trusted.exchange_offset)).assumingMemoryBound(to: Float.self),
      stride: Int(trusted.exchange_stride), count: Int(trusted.params_count),
      slots: (0..<procs).map { slot($0) },
      sync: h.pointer(to: \.sync)!)
  }

  /// A distributed run's state, inbox and node table; nil unless the
  /// segment belongs to a `run --distributed`.
  public var distributed: DistributedState? {
    let h = headerPointer
    guard h.pointee.dist_offset > 0 else { return nil }
    return DistributedState(base: base, offset: Int(h.pointee.dist_offset))
  }

  /// The episode ring through which workers publish finished episodes.
  public var episodeRing: EpisodeRing {
    let h = headerPointer
    return EpisodeRing(
      records: (base + Int(trusted.ring_offset)).assumingMemoryBound(to: hw_episode_record.self),
      capacity: Int(trusted.ring_capacity),
      head: SharedCounter(h.pointer(to: \.ring_head.value)!))
  }

  /// Builds the applier a worker uses to write gradients into θ.
  ///
  /// With `replica`, the worker's θ and optimizer statistics are a private
  /// copy instead of the segment's (see `makePrivateReplica`). With
  /// `auditRank` (and `--audit` in the segment), every applied step is also
  /// added to that worker's row of the audit sums.
  public func makeApplier(optimizer: OptimizerKind, mode: UpdateMode,
                          alpha: Float, epsilon: Float, sqrt: RMSPropSqrt = .exact,
                          replica: PrivateReplica? = nil, auditRank: Int? = nil) -> GradientApplier {
    let theta = replica?.parameters ?? parameters
    let stats = replica?.optimizerStatistics ?? optimizerStatistics
    return GradientApplier(
      theta: theta.base, count: theta.count,
      sharedStatistics: optimizer == .sharedRMSProp ? stats.base : nil,
      lock: base + Int(trusted.lock_offset),
      optimizer: optimizer, mode: mode, alpha: alpha, epsilon: epsilon, sqrt: sqrt,
      auditRow: replica == nil ? auditRank.flatMap { audit?.row($0) } : nil)
  }

  /// A worker-private copy of θ and the optimizer statistics, for the
  /// "independent workers" baseline (`run --independent`): the same code
  /// path, but no worker ever writes memory another worker reads.
  public struct PrivateReplica {
    public let parameters: SharedFloats
    public let optimizerStatistics: SharedFloats
    /// θ⁻ and its version counter, private too.
    public let targetParameters: SharedFloats
    public let targetVersion: SharedCounter
  }

  /// Copies θ and the statistics into memory private to this process. The
  /// memory lives until the process exits (a worker never returns).
  public func makePrivateReplica() -> PrivateReplica {
    func copy(_ region: SharedFloats) -> SharedFloats {
      let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, region.count))
      p.update(from: region.base, count: region.count)
      return SharedFloats(base: p, count: region.count)
    }
    let version = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    version.initialize(to: 0)
    return PrivateReplica(parameters: copy(parameters), optimizerStatistics: copy(optimizerStatistics),
                          targetParameters: copy(targetParameters), targetVersion: SharedCounter(version))
  }

  /// Initialises the process-shared lock (creator only, before forking).
  public func initializeLock() throws(SegmentError) {
    let rc = hw_lock_init(base + Int(trusted.lock_offset))
    guard rc == 0 else { throw .create(name: name, Errno(rc)) }
  }

  /// Marks the header complete: stores `magic` last, with release order, so
  /// concurrent readers never trust a half-written header.
  public func publish() {
    let h = headerPointer
    // What the creator wrote is what it trusts from now on (layers included).
    trusted = h.pointee
    trusted.magic = HW_MAGIC
    hw_store_u64_release(h.pointer(to: \.magic)!, HW_MAGIC)
  }

  private func writeLayout(_ layout: SegmentLayout) {
    let h = headerPointer
    h.pointee.layout_version = HW_LAYOUT_VERSION
    h.pointee.header_size = UInt32(SegmentLayout.headerSize)
    h.pointee.total_size = UInt64(layout.totalSize)
    h.pointee.creator_pid = CurrentProcess.id
    h.pointee.state = UInt32(HW_STATE_INITIALIZING)
    h.pointee.procs = UInt32(layout.workerCount)
    h.pointee.worker_slot_size = UInt32(SegmentLayout.slotSize)
    h.pointee.params_offset = UInt64(layout.parametersOffset)
    h.pointee.params_count = UInt64(layout.parameterCount)
    h.pointee.target_offset = UInt64(layout.targetOffset)
    h.pointee.target_count = UInt64(layout.targetCount)
    h.pointee.opt_offset = UInt64(layout.optimizerOffset)
    h.pointee.opt_count = UInt64(layout.optimizerCount)
    h.pointee.lock_offset = UInt64(layout.lockOffset)
    h.pointee.ring_offset = UInt64(layout.ringOffset)
    h.pointee.ring_capacity = UInt64(layout.ringCapacity)
    h.pointee.slots_offset = UInt64(layout.slotsOffset)
    h.pointee.exchange_offset = UInt64(layout.exchangeOffset)
    h.pointee.exchange_stride = UInt64(layout.exchangeStride)
    h.pointee.study.audit_start_offset = UInt64(layout.auditStartOffset)
    h.pointee.study.audit_sums_offset = UInt64(layout.auditSumsOffset)
    h.pointee.study.audit_stride = UInt64(layout.auditStride)
    h.pointee.study.stale_k = UInt64(layout.staleUpdates)
    h.pointee.study.stale_ring_offset = UInt64(layout.staleRingOffset)
    h.pointee.study.stale_stride = UInt64(layout.staleStride)
    if layout.distributedNodes > 0 {
      h.pointee.dist_offset = UInt64(layout.distributedOffset)
      let d = (base + layout.distributedOffset).assumingMemoryBound(to: hw_dist.self)
      d.pointee.nodes = UInt32(layout.distributedNodes)
      d.pointee.inbox_offset = UInt64(layout.inboxOffset)
      d.pointee.inbox_capacity = UInt64(layout.inboxCapacity)
      d.pointee.nodes_offset = UInt64(layout.nodeTableOffset)
    }
    h.pointee.created_unix_ns = WallClock.now
    h.pointee.created_mono_ns = MonotonicClock.now
    trusted = h.pointee
    for rank in 0..<layout.workerCount {
      let s = slot(rank)
      s.rank = rank
      s.epsilon = .nan
    }
  }
}
