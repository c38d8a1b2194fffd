// WorkerLink.swift — everything a worker process shares with the others:
// reading θ, counting steps, publishing episodes, the delay, and writing its
// gradient. Algorithms call these in the order of the paper's pseudo-code;
// the link keeps the bookkeeping (T, U, staleness, heartbeat) out of them.

import Envs
import Glibc
import HogwildSegment

/// One worker's connection to the shared segment.
public struct WorkerLink {
  public let rank: Int
  /// The RNG stream this process should train with: its rank, and after a
  /// restart a stream of its own, so a re-forked worker does not replay its
  /// predecessor's random numbers.
  public let randomStream: UInt64
  let header: SegmentHeader
  let slot: WorkerSlot
  let ring: EpisodeRing
  let theta: SharedFloats
  /// θ⁻ (empty unless the algorithm has a target network) and its version.
  let target: SharedFloats
  let targetVersion: SharedCounter
  /// The version of θ⁻ last copied by `pullTarget(into:)`.
  var targetReadVersion: UInt64?
  /// This worker's t before its last `addSteps` (the target-sync rule of
  /// an independent worker counts its own steps).
  var localStepsBefore: UInt64 = 0
  let T: SharedCounter
  let U: SharedCounter
  var applier: GradientApplier
  public let tMax: UInt64
  let delay: Delay
  var delayRNG: Xoshiro256
  /// U when θ was last read: the version the next gradient is computed on.
  var readVersion: UInt64 = 0
  var episodes: UInt64
  var lastHeartbeat: UInt64 = 0
  /// Training a private θ: staleness is 0 by construction.
  let independent: Bool
  /// θ′ was refreshed by the last push and not yet used.
  var localIsFresh = false
  /// A2C's gradient rows and barrier (nil for the asynchronous methods).
  let exchange: GradientExchange?
  /// A2C: the part of θ this worker reduces, and room for its mean gradient.
  let ownSlice: Range<Int>
  var sliceGradient: [Float]
  /// A2C: completed rounds when θ′ was last read.
  var syncReadRound: UInt64 = 0
  /// `--stale-updates K`: the ring of θ snapshots (nil: off), the ticket
  /// counter, and this worker's ticket: the update number its gradient will
  /// be applied as (see include/hogwild.h NOTES (g)).
  let staleRing: StaleRing?
  let staleTickets: SharedCounter
  let staleBase: UInt64
  var ticket: UInt64?
  /// θ′ already holds the snapshot for `ticket`.
  var ticketRead = false

  /// - Parameters:
  ///   - delay: this worker's delay (`.none` unless its rank is delayed).
  ///   - independent: train a private copy of θ (the scaling baseline of
  ///     `run --independent`): no gradient reaches the segment.
  public init(segment: SharedSegment, rank: Int, optimizer: OptimizerKind, mode: UpdateMode,
              rmsAlpha: Float, rmsEpsilon: Float, rmsSqrt: RMSPropSqrt = .exact, delay: Delay, seed: UInt64,
              independent: Bool = false) {
    self.rank = rank
    header = segment.header
    slot = segment.slot(rank)
    randomStream = UInt64(rank) | UInt64(slot.restarts) << 32
    ring = segment.episodeRing
    let replica = independent ? segment.makePrivateReplica() : nil
    theta = replica?.parameters ?? segment.parameters
    target = replica?.targetParameters ?? segment.targetParameters
    targetVersion = replica?.targetVersion ?? segment.header.targetVersion
    self.independent = independent
    T = header.globalSteps
    U = header.globalUpdates
    applier = segment.makeApplier(optimizer: optimizer, mode: mode, alpha: rmsAlpha, epsilon: rmsEpsilon, sqrt: rmsSqrt,
                                  replica: replica, auditRank: rank)
    staleRing = independent ? nil : segment.staleRing
    staleTickets = header.staleTicket
    staleBase = header.staleBase
    // A predecessor's ticket that was not applied is taken over (else the
    // others would wait for its update forever); one it applied is dropped.
    if staleRing != nil, let held = slot.staleTicket {
      if U.load() <= held { ticket = held } else { slot.staleTicket = nil }
    }
    // Stagger where each worker's pass over θ begins (see GradientApplier).
    applier.startOffset = applier.count * rank / max(1, header.procs)
    applier.reverse = rank % 2 == 1
    tMax = header.tMax
    exchange = independent ? nil : segment.gradientExchange
    ownSlice = exchange?.slice(of: rank) ?? 0..<0
    sliceGradient = [Float](repeating: 0, count: ownSlice.count)
    self.delay = delay
    // A stream of its own, so the delay never perturbs the training RNG.
    delayRNG = Xoshiro256(seed: seed, stream: 0xDE1A_0000 &+ UInt64(rank))
    episodes = slot.episodes
    slot.status = .running
    beat(force: true)
  }

  /// The RNG to train with: the state a resumed checkpoint left in this
  /// rank's slot (first start after a resume), else a fresh stream.
  public func trainingRandomSource(seed: UInt64) -> Xoshiro256 {
    let saved = slot.randomState
    if slot.restarts == 0, saved.contains(where: { $0 != 0 }) {
      var rng = Xoshiro256(seed: 0)
      rng.s0 = saved[0]; rng.s1 = saved[1]; rng.s2 = saved[2]; rng.s3 = saved[3]
      return rng
    }
    return Xoshiro256(seed: seed, stream: randomStream)
  }

  /// Publishes the RNG state so checkpoints carry it (four relaxed stores).
  public func saveRandomState(_ rng: Xoshiro256) {
    slot.storeRandomState(rng.s0, rng.s1, rng.s2, rng.s3)
  }

  /// Global steps so far, T.
  public var globalSteps: UInt64 { T.load() }

  /// True once T reached T_max or the supervisor asked everyone to stop.
  public var shouldStop: Bool {
    header.state != .running || T.load() >= tMax
  }

  /// θ′ ← θ. Records the update count the copy corresponds to. If the last
  /// `pushGradient(_:learningRate:refreshing:)` already refreshed θ′ in its
  /// pass over θ, there is nothing left to copy.
  public mutating func pullParameters(into local: inout [Float]) {
    if let ring = staleRing {
      pullSnapshot(ring, into: &local)
      return
    }
    if localIsFresh {
      localIsFresh = false
      return
    }
    readVersion = U.load()
    theta.copy(into: &local)
  }

  /// T ← T + n and t ← t + n. Returns T before the addition.
  /// (Counted once per rollout, not per step, to keep 16 workers from
  /// fighting over one cache line at every step.)
  @discardableResult
  public mutating func addSteps(_ n: Int) -> UInt64 {
    let before = T.add(UInt64(n))
    localStepsBefore = slot.steps
    slot.steps = slot.steps &+ UInt64(n)
    beat()
    return before
  }

  /// θ⁻ ← θ if the last `addSteps` crossed a multiple of `interval` (see
  /// `TargetSync`): exactly one worker copies, the others keep going.
  /// Returns whether this worker copied.
  @discardableResult
  public mutating func syncTargetIfDue(globalStepsBefore: UInt64, steps: Int, interval: UInt64) -> Bool {
    guard target.count > 0 else { return false }
    // An independent worker has θ⁻ of its own: its own steps decide.
    let before = independent ? localStepsBefore : globalStepsBefore
    guard TargetSync.isDue(before: before, after: before + UInt64(steps), interval: interval) else { return false }
    target.copy(from: theta)
    targetVersion.add(1)
    return true
  }

  /// θ⁻ into `local` if it changed since the last call (first call: always).
  /// Returns whether it copied.
  @discardableResult
  public mutating func pullTarget(into local: inout [Float]) -> Bool {
    let version = targetVersion.load()
    guard version != targetReadVersion else { return false }
    targetReadVersion = version
    target.copy(into: &local)
    return true
  }

  /// Publishes a finished episode to the supervisor.
  public mutating func finishEpisode(return ret: Double, length: Int, globalStep: UInt64) {
    ring.publish(EpisodeRecord(
      globalStep: globalStep, endNanoseconds: Self.now(), worker: rank,
      episode: episodes, length: length, episodeReturn: ret))
    episodes += 1
    slot.episodes = episodes
    slot.lastReturn = ret
    slot.lastLength = UInt64(length)
  }

  /// This worker's own training steps t (over restarts and resumes).
  public var workerSteps: UInt64 { slot.steps }

  /// Greedy test episodes this worker has played (over restarts and resumes).
  public var testEpisodes: UInt64 { slot.testEpisodes }

  /// θ into `local` for a test episode: a plain copy that leaves the
  /// training bookkeeping (the version θ′ was read at, θ′'s freshness) alone.
  public func snapshotParameters(into local: inout [Float]) {
    theta.copy(into: &local)
  }

  /// Publishes a finished greedy test episode (kind test, numbered apart
  /// from training episodes). Its steps go to the slot's test count, not
  /// to t or T.
  public mutating func finishTestEpisode(return ret: Double, length: Int) {
    let index = slot.testEpisodes
    ring.publish(EpisodeRecord(
      globalStep: T.load(), endNanoseconds: Self.now(), worker: rank,
      episode: index, length: length, episodeReturn: ret, kind: .test))
    slot.testEpisodes = index + 1
    slot.testSteps = slot.testSteps &+ UInt64(length)
    beat()
  }

  /// Keeps the heartbeat fresh during a long test episode; false once the
  /// run is stopping (the test is then abandoned).
  public mutating func testMayContinue() -> Bool {
    beat()
    return header.state == .running
  }

  /// Waits out this worker's delay between reading θ and writing the
  /// gradient. Sleeps in slices so the heartbeat stays fresh and a stop
  /// request is noticed within 50 ms.
  public mutating func waitDelay() {
    let total = delay.sample(&delayRNG)
    guard total > 0 else { return }
    slot.status = .delayed
    let start = Self.now()
    var left = total
    while left > 0, header.state == .running {
      let slice = min(left, 50_000_000)
      var ts = timespec(tv_sec: Int(slice / 1_000_000_000), tv_nsec: Int(slice % 1_000_000_000))
      _ = nanosleep(&ts, nil)
      let elapsed = Self.now() - start
      left = elapsed >= total ? 0 : total - elapsed
      beat(force: true)
    }
    slot.delayNanoseconds = slot.delayNanoseconds &+ (Self.now() - start)
    slot.status = .running
  }

  /// Writes the gradient into θ (Hogwild!, atomic or locked, per the run),
  /// then U ← U + 1. Returns the gradient's staleness: updates other workers
  /// applied between this worker's read of θ and this write.
  @discardableResult
  public mutating func pushGradient(_ gradient: [Float], learningRate: Float) -> UInt64 {
    if let ring = staleRing { return pushInTurn(gradient, learningRate: learningRate, ring: ring) }
    let staleness = currentStaleness()
    applier.apply(gradient, learningRate: learningRate)
    finishPush(staleness)
    return staleness
  }

  /// `pushGradient`, and θ′ ← θ in the same pass: every new value of θ is
  /// also written into `local`, so the next `pullParameters` copies nothing.
  /// One pass over shared θ per update instead of two halves the cache
  /// lines pulled from other cores.
  @discardableResult
  public mutating func pushGradient(_ gradient: [Float], learningRate: Float,
                                    refreshing local: inout [Float]) -> UInt64 {
    // θ′ is read from the ring, never refreshed in passing.
    if let ring = staleRing { return pushInTurn(gradient, learningRate: learningRate, ring: ring) }
    let staleness = currentStaleness()
    applier.apply(gradient, learningRate: learningRate, refreshing: &local)
    finishPush(staleness)
    // θ′ now holds θ as of this write, which follows update U − 1 of all.
    readVersion = U.load()
    localIsFresh = true
    return staleness
  }

  // MARK: --stale-updates K (include/hogwild.h NOTES (g))

  /// θ′ ← θ as it was after update j − K, where j is this worker's ticket
  /// (taken now unless it holds one): its gradient will be applied as update
  /// j + 1, when U == j, so its staleness is exactly K. Versions before the
  /// ring's base read θ at the base (the first K updates of a run, or after a
  /// resume, see README). Waits until update j − K exists; gives up, leaving
  /// θ′ as it is, once the run stops.
  mutating func pullSnapshot(_ ring: StaleRing, into local: inout [Float]) {
    let j: UInt64
    if let held = ticket {
      j = held
    } else {
      j = staleTickets.add(1)
      ticket = j
      ticketRead = false
      slot.staleTicket = j
    }
    guard !ticketRead else { return }
    let k = UInt64(ring.k)
    let version = max(staleBase, j >= k ? j - k : 0)
    guard waitUntilUpdates(reach: version) else { return }
    ring.copy(version: version, into: &local)
    ticketRead = true
  }

  /// Applies the gradient as update j + 1 once U == j (updates go in ticket
  /// order, one at a time), writing θ after it into the ring's snapshot
  /// j + 1, then publishes U = j + 1 (release) and wakes the waiters.
  /// Returns K; 0 if the run stopped first (the gradient is then dropped).
  mutating func pushInTurn(_ gradient: [Float], learningRate: Float, ring: StaleRing) -> UInt64 {
    guard let j = ticket else { preconditionFailure("pushGradient without pullParameters") }
    guard waitUntilUpdates(reach: j) else { return 0 }
    ticket = nil
    ticketRead = false
    guard U.load() == j else {
      // Applied already by a predecessor that died before clearing its slot.
      slot.staleTicket = nil
      return 0
    }
    applier.apply(gradient, learningRate: learningRate, snapshot: ring, version: j + 1)
    slot.staleTicket = nil
    U.addReleasing(1)
    U.wakeAll()
    let staleness = UInt64(ring.k)
    slot.updates = slot.updates &+ 1
    slot.recordStaleness(staleness)
    return staleness
  }

  /// Waits (spinning briefly, then on a futex over U) until U ≥ `target`,
  /// heartbeating; false if the run stopped first.
  mutating func waitUntilUpdates(reach target: UInt64) -> Bool {
    var spins = 0
    while true {
      let u = U.loadAcquire()
      if u >= target { return true }
      if shouldStop { return false }
      spins += 1
      if spins > 64 {
        U.wait(whileEqualTo: u, nanoseconds: 10_000_000)
        beat()
      }
    }
  }

  func currentStaleness() -> UInt64 {
    let now = U.load()
    return independent || now < readVersion ? 0 : now - readVersion
  }

  mutating func finishPush(_ staleness: UInt64) {
    U.add(1)
    slot.updates = slot.updates &+ 1
    slot.recordStaleness(staleness)
  }

  /// Shows this worker's current exploration ε in its slot (for `dump`).
  public func reportEpsilon(_ epsilon: Float) {
    slot.epsilon = Double(epsilon)
  }

  /// Adds an applied gradient's statistics to this worker's running sums
  /// (train.csv, `dump`); allocates nothing.
  public func recordGradient(_ statistics: GradientStatistics, learningRate: Float) {
    slot.recordGradient(statistics, learningRate: Double(learningRate))
  }

  /// Counts a gradient that was not applied because it was not finite.
  public mutating func dropGradient() {
    slot.droppedGradients = slot.droppedGradients &+ 1
  }

  /// Marks the worker as having left its loop normally.
  public func finish() { slot.status = .exited }

  mutating func beat(force: Bool = false) {
    let now = Self.now()
    // A clock read costs ~20 ns; a heartbeat every millisecond is plenty.
    if force || now &- lastHeartbeat > 1_000_000 {
      lastHeartbeat = now
      slot.heartbeat = now
    }
  }

  static func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
  }
}
