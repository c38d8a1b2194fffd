// DistributedState.swift — the `hw_dist` region of a `run --distributed`
// node: what the supervisor asks of its communicator, what the communicator
// reports back, rank 0's inbox of the other nodes' episodes and its node
// table. The protocol is include/hogwild.h, NOTES (i); the communicator
// (Sources/hogwild-comm) is the region's other party.

import CHogwild

/// How the nodes combine their changes of θ at a sync (`run --sync`).
public enum SyncMode: String, CaseIterable, Sendable {
  /// θ_ref += ΣΔ: every node's updates are applied everywhere (A3C across nodes).
  case sum
  /// θ_ref += ΣΔ / P: periodic averaging (local SGD).
  case mean

  public var code: UInt32 { self == .sum ? UInt32(HW_SYNC_SUM) : UInt32(HW_SYNC_MEAN) }
  public init?(code: UInt32) {
    switch code {
    case UInt32(HW_SYNC_SUM): self = .sum
    case UInt32(HW_SYNC_MEAN): self = .mean
    default: return nil
    }
  }
}

/// What happens to the shared RMSProp statistics g at a sync (`run --sync-rmsprop`).
public enum RMSPropSync: String, CaseIterable, Sendable {
  /// Every node's g moves to the nodes' mean at each sync.
  case mean
  /// Each node keeps its own g.
  case local

  public var code: UInt32 { self == .mean ? UInt32(HW_SYNC_RMSPROP_MEAN) : UInt32(HW_SYNC_RMSPROP_LOCAL) }
  public init(code: UInt32) { self = code == UInt32(HW_SYNC_RMSPROP_MEAN) ? .mean : .local }
}

/// The communicator's progress (`hw_dist.phase`).
public enum CommunicatorPhase: UInt32, Sendable, CustomStringConvertible {
  case starting = 0, attached = 1, ready = 2, finished = 3, failed = 4
  public var description: String {
    switch self {
    case .starting: "starting"
    case .attached: "attached"
    case .ready: "syncing"
    case .finished: "finished"
    case .failed: "failed"
    }
  }
}

/// Why the nodes stop: a stop word of NOTES (i) (the code in the second
/// byte, so the largest word is the most serious stop; a signal number in
/// the low byte).
public enum DistributedStop: Equatable, Sendable {
  case tMax
  case targetReached
  case signal(Int32)
  case error

  public var word: UInt32 {
    switch self {
    case .tMax: UInt32(HW_STOP_T_MAX) << 8
    case .targetReached: UInt32(HW_STOP_TARGET) << 8
    case .signal(let s): UInt32(HW_STOP_SIGNAL) << 8 | UInt32(UInt8(clamping: s))
    case .error: UInt32(HW_STOP_ERROR) << 8
    }
  }

  /// nil for 0 (go on) and for codes this build does not know (read as an error).
  public init?(word: UInt32) {
    guard word != 0 else { return nil }
    switch word >> 8 {
    case UInt32(HW_STOP_T_MAX): self = .tMax
    case UInt32(HW_STOP_TARGET): self = .targetReached
    case UInt32(HW_STOP_SIGNAL): self = .signal(Int32(word & 0xFF))
    default: self = .error
    }
  }
}

/// One node's figures in rank 0's node table (`hw_node_stats`).
public struct NodeStatistics: Sendable, Equatable {
  /// The node's sync count + 1 when written (0: nothing received yet).
  public var sequence: UInt64 = 0
  public var procs: UInt64 = 0
  public var steps: UInt64 = 0
  public var updates: UInt64 = 0
  public var episodes: UInt64 = 0
  public var testEpisodes: UInt64 = 0
  public var testSteps: UInt64 = 0
  public var restarts: UInt64 = 0
  public var droppedGradients: UInt64 = 0
  public var training = TrainingSums()
  public var learningRate = 0.0
  public var epsilon = Double.nan
  public var stalenessSum: UInt64 = 0
  public var stalenessMax: UInt64 = 0
  public var stalenessHistogram: [UInt64] = []
  public var syncs: UInt64 = 0
  public var remoteUpdatesTotal: UInt64 = 0
  public var localUpdatesTotal: UInt64 = 0
  public var intervalNanosecondsTotal: UInt64 = 0
  public var syncNanosecondsTotal: UInt64 = 0
  public var syncNanosecondsMax: UInt64 = 0
  public var remoteHistogram: [UInt64] = []
  public init() {}
}

/// A view of one node's `hw_dist`. Setters of the creator's fields are for
/// the supervisor before it spawns the communicator.
public struct DistributedState {
  @usableFromInline let base: UnsafeMutableRawPointer
  @usableFromInline let d: UnsafeMutablePointer<hw_dist>

  init(base: UnsafeMutableRawPointer, offset: Int) {
    self.base = base
    d = (base + offset).assumingMemoryBound(to: hw_dist.self)
  }

  func u32(_ kp: WritableKeyPath<hw_dist, UInt32>) -> UnsafeMutablePointer<UInt32> { d.pointer(to: kp)! }
  func u64(_ kp: WritableKeyPath<hw_dist, UInt64>) -> UnsafeMutablePointer<UInt64> { d.pointer(to: kp)! }
  func load(_ kp: WritableKeyPath<hw_dist, UInt64>) -> UInt64 { hw_load_u64_relaxed(u64(kp)) }

  // MARK: the creator's settings

  /// This node's MPI rank.
  public var node: Int {
    get { Int(d.pointee.node) }
    nonmutating set { d.pointee.node = UInt32(newValue) }
  }
  /// P, the ranks of the job.
  public var nodes: Int { Int(d.pointee.nodes) }
  public var syncEveryNanoseconds: UInt64 {
    get { d.pointee.sync_every_ns }
    nonmutating set { d.pointee.sync_every_ns = newValue }
  }
  /// nil for a code this build does not know.
  public var syncMode: SyncMode? {
    get { SyncMode(code: d.pointee.sync_mode) }
    nonmutating set { d.pointee.sync_mode = newValue?.code ?? 0 }
  }
  public var rmspropSync: RMSPropSync {
    get { RMSPropSync(code: d.pointee.rmsprop_mode) }
    nonmutating set { d.pointee.rmsprop_mode = newValue.code }
  }
  public var supervisorPID: Int32 {
    get { d.pointee.supervisor_pid }
    nonmutating set { d.pointee.supervisor_pid = newValue }
  }

  // MARK: the supervisor's requests

  /// The stop the supervisor asks for (nil: go on).
  public var stopRequest: DistributedStop? {
    get { DistributedStop(word: hw_load_u32_relaxed(u32(\.stop_request))) }
    nonmutating set { hw_store_u32_relaxed(u32(\.stop_request), newValue?.word ?? 0) }
  }
  /// Set once every worker of this node is reaped: the node's last update is in θ.
  public var workersStopped: Bool {
    get { hw_load_u32_relaxed(u32(\.workers_stopped)) != 0 }
    nonmutating set { hw_store_u32_relaxed(u32(\.workers_stopped), newValue ? 1 : 0) }
  }

  // MARK: the communicator's reports

  public var communicatorPID: Int32 { hw_load_i32_relaxed(d.pointer(to: \.comm_pid)!) }
  /// nil for a value this build does not know.
  public var phase: CommunicatorPhase? { CommunicatorPhase(rawValue: hw_load_u32_relaxed(u32(\.phase))) }
  /// READY with acquire order: rank 0's θ, g, T and U are in the segment.
  public var isReady: Bool {
    // The communicator stores READY with release order after the broadcast.
    hw_load_u32_acquire(u32(\.phase)) == UInt32(HW_COMM_READY)
  }
  /// The stop every node agreed on (nil: go on).
  public var stopAgreed: DistributedStop? { DistributedStop(word: hw_load_u32_relaxed(u32(\.stop_agreed))) }
  public var heartbeat: UInt64 { load(\.heartbeat_ns) }
  public var syncs: UInt64 { load(\.syncs) }
  public var lastSyncNanoseconds: UInt64 { load(\.last_sync_ns) }
  public var lastSyncBytes: UInt64 { load(\.last_sync_bytes) }
  public var lastSyncEnd: UInt64 { load(\.last_sync_end_ns) }
  /// U right after the last sync.
  public var updatesAtLastSync: UInt64 { load(\.u_ref) }
  public var syncNanosecondsTotal: UInt64 { load(\.sync_ns_total) }
  public var syncNanosecondsMax: UInt64 { load(\.sync_ns_max) }
  public var bytesTotal: UInt64 { load(\.bytes_total) }
  public var remoteUpdatesLast: UInt64 { load(\.remote_updates_last) }
  public var remoteUpdatesTotal: UInt64 { load(\.remote_updates_total) }
  public var localUpdatesTotal: UInt64 { load(\.local_updates_total) }
  public var intervalNanosecondsTotal: UInt64 { load(\.interval_ns_total) }
  public var episodesForwarded: UInt64 { load(\.episodes_forwarded) }
  public var episodesLost: UInt64 { load(\.episodes_lost) }
  /// Syncs per log2 bucket of the remote updates they merged.
  public var remoteHistogram: [UInt64] {
    UnsafeMutableRawPointer(d.pointer(to: \.remote_hist)!).withMemoryRebound(
      to: UInt64.self, capacity: WorkerSlot.stalenessBuckets
    ) { h in (0..<WorkerSlot.stalenessBuckets).map { hw_load_u64_relaxed(h + $0) } }
  }
  /// The communicator's reason for failing ("" unless it failed).
  public var error: String {
    withUnsafeBytes(of: d.pointee.error) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  // MARK: rank 0's inbox and node table

  /// The other nodes' episodes (written by rank 0's communicator).
  public var inbox: EpisodeRing {
    EpisodeRing(
      records: (base + Int(d.pointee.inbox_offset)).assumingMemoryBound(to: hw_episode_record.self),
      capacity: Int(d.pointee.inbox_capacity),
      head: SharedCounter(u64(\.inbox_head)))
  }

  /// Node `rank`'s row of the node table, read as a seqlock; nil before
  /// anything was received from it (or while it changed under every try).
  public func statistics(ofNode rank: Int) -> NodeStatistics? {
    precondition(rank >= 0 && rank < nodes, "node out of range")
    let row = (base + Int(d.pointee.nodes_offset) + rank * SegmentLayout.nodeStatsSize)
      .assumingMemoryBound(to: hw_node_stats.self)
    for _ in 0..<8 {
      let before = hw_load_u64_acquire(row.pointer(to: \.seq)!)
      guard before > 0 else { return nil }
      let s = Self.read(row)
      if hw_load_u64_acquire(row.pointer(to: \.seq)!) == before { return s }
    }
    return nil
  }

  static func read(_ row: UnsafeMutablePointer<hw_node_stats>) -> NodeStatistics {
    func u(_ kp: WritableKeyPath<hw_node_stats, UInt64>) -> UInt64 { hw_load_u64_relaxed(row.pointer(to: kp)!) }
    func f(_ kp: WritableKeyPath<hw_node_stats, Double>) -> Double { hw_load_f64_relaxed(row.pointer(to: kp)!) }
    func histogram(_ kp: WritableKeyPath<hw_node_stats, (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                                         UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                                         UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                                         UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)>) -> [UInt64] {
      UnsafeMutableRawPointer(row.pointer(to: kp)!).withMemoryRebound(to: UInt64.self, capacity: WorkerSlot.stalenessBuckets) { h in
        (0..<WorkerSlot.stalenessBuckets).map { hw_load_u64_relaxed(h + $0) }
      }
    }
    var s = NodeStatistics()
    s.sequence = u(\.seq)
    s.procs = u(\.procs)
    s.steps = u(\.steps)
    s.updates = u(\.updates)
    s.episodes = u(\.episodes)
    s.testEpisodes = u(\.test_episodes)
    s.testSteps = u(\.test_steps)
    s.restarts = u(\.restarts)
    s.droppedGradients = u(\.dropped_grads)
    s.training.gradients = u(\.train_grads)
    s.training.policyLoss = f(\.policy_loss_sum)
    s.training.valueLoss = f(\.value_loss_sum)
    s.training.entropy = f(\.entropy_sum)
    s.training.gradientNorm = f(\.grad_norm_sum)
    s.training.clipped = u(\.clipped_grads)
    s.training.tdError = f(\.td_abs_sum)
    s.learningRate = f(\.learning_rate)
    s.epsilon = f(\.epsilon)
    s.stalenessSum = u(\.staleness_sum)
    s.stalenessMax = u(\.staleness_max)
    s.stalenessHistogram = histogram(\.staleness_hist)
    s.syncs = u(\.syncs)
    s.remoteUpdatesTotal = u(\.remote_updates_total)
    s.localUpdatesTotal = u(\.local_updates_total)
    s.intervalNanosecondsTotal = u(\.interval_ns_total)
    s.syncNanosecondsTotal = u(\.sync_ns_total)
    s.syncNanosecondsMax = u(\.sync_ns_max)
    s.remoteHistogram = histogram(\.remote_hist)
    return s
  }
}
