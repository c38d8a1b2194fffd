// WorkerSlot.swift — one worker's cache-line-padded slot in the segment.
// Each field has a single writer (the worker; `restarts` and a failed status
// are written by the supervisor), so relaxed loads and stores suffice.

import CHogwild

/// A worker's status as stored in its slot.
public enum WorkerStatus: UInt32, Sendable, CustomStringConvertible {
  case empty = 0, starting = 1, running = 2, delayed = 3, exited = 4, failed = 5
  public var description: String {
    switch self {
    case .empty: "empty"
    case .starting: "starting"
    case .running: "running"
    case .delayed: "delayed"
    case .exited: "exited"
    case .failed: "failed"
    }
  }
}

/// A view of one `hw_worker_slot`.
public struct WorkerSlot {
  @usableFromInline let p: UnsafeMutablePointer<hw_worker_slot>
  init(_ p: UnsafeMutablePointer<hw_worker_slot>) { self.p = p }

  public static let stalenessBuckets = Int(HW_STALENESS_BUCKETS)

  @inlinable func u64(_ kp: WritableKeyPath<hw_worker_slot, UInt64>) -> UnsafeMutablePointer<UInt64> {
    p.pointer(to: kp)!
  }

  public var pid: Int32 {
    get { hw_load_i32_relaxed(p.pointer(to: \.pid)!) }
    nonmutating set { hw_store_i32_relaxed(p.pointer(to: \.pid)!, newValue) }
  }
  public var status: WorkerStatus {
    get { WorkerStatus(rawValue: hw_load_u32_relaxed(p.pointer(to: \.status)!)) ?? .failed }
    nonmutating set { hw_store_u32_relaxed(p.pointer(to: \.status)!, newValue.rawValue) }
  }
  public var rank: Int {
    get { Int(hw_load_u32_relaxed(p.pointer(to: \.rank)!)) }
    nonmutating set { hw_store_u32_relaxed(p.pointer(to: \.rank)!, UInt32(newValue)) }
  }
  public var restarts: Int {
    get { Int(hw_load_u32_relaxed(p.pointer(to: \.restarts)!)) }
    nonmutating set { hw_store_u32_relaxed(p.pointer(to: \.restarts)!, UInt32(newValue)) }
  }
  /// This worker's environment steps, t.
  public var steps: UInt64 {
    get { hw_load_u64_relaxed(u64(\.t)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.t), newValue) }
  }
  public var updates: UInt64 {
    get { hw_load_u64_relaxed(u64(\.updates)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.updates), newValue) }
  }
  public var episodes: UInt64 {
    get { hw_load_u64_relaxed(u64(\.episodes)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.episodes), newValue) }
  }
  /// CLOCK_MONOTONIC nanoseconds of the worker's last sign of life.
  public var heartbeat: UInt64 {
    get { hw_load_u64_relaxed(u64(\.heartbeat_ns)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.heartbeat_ns), newValue) }
  }
  public var lastReturn: Double {
    get { hw_load_f64_relaxed(p.pointer(to: \.last_return)!) }
    nonmutating set { hw_store_f64_relaxed(p.pointer(to: \.last_return)!, newValue) }
  }
  public var lastLength: UInt64 {
    get { hw_load_u64_relaxed(u64(\.last_length)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.last_length), newValue) }
  }
  public var droppedGradients: UInt64 {
    get { hw_load_u64_relaxed(u64(\.dropped_grads)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.dropped_grads), newValue) }
  }
  public var delayNanoseconds: UInt64 {
    get { hw_load_u64_relaxed(u64(\.delay_ns_total)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.delay_ns_total), newValue) }
  }
  /// The current ε of a value-based worker; NaN for policy-gradient ones.
  public var epsilon: Double {
    get { hw_load_f64_relaxed(p.pointer(to: \.epsilon)!) }
    nonmutating set { hw_store_f64_relaxed(p.pointer(to: \.epsilon)!, newValue) }
  }
  /// Greedy test episodes played (value-based methods).
  public var testEpisodes: UInt64 {
    get { hw_load_u64_relaxed(u64(\.test_episodes)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.test_episodes), newValue) }
  }
  /// Environment steps of those test episodes (not part of `steps` or T).
  public var testSteps: UInt64 {
    get { hw_load_u64_relaxed(u64(\.test_steps)) }
    nonmutating set { hw_store_u64_relaxed(u64(\.test_steps), newValue) }
  }
  /// `--stale-updates`: the ticket this worker read θ for and has not yet
  /// applied, kept here so a re-forked worker takes it over (nil: none).
  public var staleTicket: UInt64? {
    get {
      let v = hw_load_u64_relaxed(u64(\.stale_ticket))
      return v == 0 ? nil : v - 1
    }
    nonmutating set { hw_store_u64_relaxed(u64(\.stale_ticket), newValue.map { $0 + 1 } ?? 0) }
  }
  /// A2C: the last round whose gradient row this worker wrote.
  public var syncGradientRound: UInt64 {
    get { hw_load_u64_seqcst(u64(\.sync_grad_round)) }
    nonmutating set { hw_store_u64_seqcst(u64(\.sync_grad_round), newValue) }
  }
  /// A2C: the last round whose slice of θ this worker applied.
  public var syncReduceRound: UInt64 {
    get { hw_load_u64_seqcst(u64(\.sync_reduce_round)) }
    nonmutating set { hw_store_u64_seqcst(u64(\.sync_reduce_round), newValue) }
  }
  public var stalenessSum: UInt64 { hw_load_u64_relaxed(u64(\.staleness_sum)) }
  public var stalenessMax: UInt64 { hw_load_u64_relaxed(u64(\.staleness_max)) }

  /// The staleness histogram: bucket 0 counts s = 0, bucket b ≥ 1 counts
  /// 2^(b−1) ≤ s < 2^b (the last bucket is open-ended).
  public var stalenessHistogram: [UInt64] {
    UnsafeMutableRawPointer(p.pointer(to: \.staleness_hist)!).withMemoryRebound(
      to: UInt64.self, capacity: Self.stalenessBuckets
    ) { h in (0..<Self.stalenessBuckets).map { hw_load_u64_relaxed(h + $0) } }
  }

  /// The histogram bucket of staleness `s`.
  @inlinable public static func bucket(of s: UInt64) -> Int {
    s == 0 ? 0 : min(64 - s.leadingZeroBitCount, stalenessBuckets - 1)
  }

  /// Records one applied gradient's staleness (single writer: the worker).
  @inlinable public func recordStaleness(_ s: UInt64) {
    let b = Self.bucket(of: s)
    UnsafeMutableRawPointer(p.pointer(to: \.staleness_hist)!).withMemoryRebound(
      to: UInt64.self, capacity: Self.stalenessBuckets
    ) { h in hw_store_u64_relaxed(h + b, hw_load_u64_relaxed(h + b) &+ 1) }
    hw_store_u64_relaxed(u64(\.staleness_sum), hw_load_u64_relaxed(u64(\.staleness_sum)) &+ s)
    if s > hw_load_u64_relaxed(u64(\.staleness_max)) { hw_store_u64_relaxed(u64(\.staleness_max), s) }
  }

  /// The worker's RNG state (four words; all zero before it first saves).
  public var randomState: [UInt64] {
    get {
      UnsafeMutableRawPointer(p.pointer(to: \.rng_state)!).withMemoryRebound(to: UInt64.self, capacity: 4) { r in
        (0..<4).map { hw_load_u64_relaxed(r + $0) }
      }
    }
    nonmutating set {
      precondition(newValue.count == 4, "an RNG state is four words")
      storeRandomState(newValue[0], newValue[1], newValue[2], newValue[3])
    }
  }

  /// Saves the RNG state without allocating (the worker's hot path).
  @inlinable public func storeRandomState(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) {
    UnsafeMutableRawPointer(p.pointer(to: \.rng_state)!).withMemoryRebound(to: UInt64.self, capacity: 4) { r in
      hw_store_u64_relaxed(r, a); hw_store_u64_relaxed(r + 1, b)
      hw_store_u64_relaxed(r + 2, c); hw_store_u64_relaxed(r + 3, d)
    }
  }

  /// Claims the slot for a (re)started worker process. Counters carry over
  /// a restart, so a rank's totals cover its whole run.
  public func claim(pid: Int32) {
    self.pid = pid
    self.status = .starting
  }
}
