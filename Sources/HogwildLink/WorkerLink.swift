// WorkerLink.swift — everything a worker process shares with the others,
// behind one value its loop holds: reading θ, counting steps, publishing
// episodes, the delay, writing its gradient. The loops (Algorithms) call
// these in the order of the paper's pseudo-code; each job is a type of its
// own here:
//
//   ParameterSync       θ′ ← θ and dθ → θ, U, staleness
//   StaleTurns          --stale-updates K: tickets, snapshots, applying in turn
//   SynchronousRounds   A2C's barrier rounds and split reduction
//   TargetNetwork       θ⁻: when it is copied, re-reading it
//   StepCounter         T, t, when to stop
//   EpisodePublisher    training and test episodes to the supervisor
//   DelayWait           --delay
//   TrainingRandomState the training RNG across restarts and resumes
//   Heartbeat           the slot's sign of life (MonotonicClock)

import BuiltInEnvs
import HogwildSegment

/// One worker's connection to the shared segment.
public struct WorkerLink {
  public let rank: Int
  let slot: WorkerSlot
  var parameters: ParameterSync
  /// `--stale-updates K` (nil: off).
  var turns: StaleTurns?
  /// A2C's rounds (nil for the asynchronous methods).
  var rounds: SynchronousRounds?
  var target: TargetNetwork
  var steps: StepCounter
  var episodes: EpisodePublisher
  var delay: DelayWait
  let random: TrainingRandomState
  var heartbeat: Heartbeat
  /// Training a private θ (and θ⁻): nothing reaches the segment's θ.
  let independent: Bool

  /// - Parameters:
  ///   - delay: this worker's delay (`.none` unless its rank is delayed).
  ///   - independent: train a private copy of θ (the scaling baseline of
  ///     `run --independent`): no gradient reaches the segment.
  public init(segment: SharedSegment, rank: Int, optimizer: OptimizerKind, mode: UpdateMode,
              rmsAlpha: Float, rmsEpsilon: Float, rmsSqrt: RMSPropSqrt = .exact, delay: Delay, seed: UInt64,
              independent: Bool = false) {
    self.rank = rank
    let header = segment.header
    let slot = segment.slot(rank)
    self.slot = slot
    random = TrainingRandomState(slot: slot, rank: rank)
    let replica = independent ? segment.makePrivateReplica() : nil
    let theta = replica?.parameters ?? segment.parameters
    target = TargetNetwork(theta: theta, target: replica?.targetParameters ?? segment.targetParameters,
                           version: replica?.targetVersion ?? header.targetVersion)
    self.independent = independent
    var applier = segment.makeApplier(optimizer: optimizer, mode: mode, alpha: rmsAlpha, epsilon: rmsEpsilon,
                                      sqrt: rmsSqrt, replica: replica, auditRank: rank)
    // Stagger where each worker's pass over θ begins (see GradientApplier).
    applier.startOffset = applier.count * rank / max(1, header.procs)
    applier.reverse = rank % 2 == 1
    parameters = ParameterSync(theta: theta, U: header.globalUpdates, slot: slot, applier: applier,
                               independent: independent)
    turns = independent ? nil : segment.staleRing.map { StaleTurns(ring: $0, header: header, slot: slot) }
    rounds = independent ? nil : segment.gradientExchange.map { SynchronousRounds(exchange: $0, rank: rank, slot: slot) }
    steps = StepCounter(header: header, slot: slot)
    episodes = EpisodePublisher(rank: rank, ring: segment.episodeRing, slot: slot)
    self.delay = DelayWait(delay: delay, seed: seed, rank: rank, slot: slot)
    heartbeat = Heartbeat(slot: slot)
    slot.status = .running
    heartbeat.beat(force: true)
  }

  // MARK: the training RNG

  /// The RNG stream this process should train with (see `trainingRandomSource`).
  public var randomStream: UInt64 { random.stream }

  /// The RNG to train with: the state a resumed checkpoint left in this
  /// rank's slot (first start after a resume), else a fresh stream.
  public func trainingRandomSource(seed: UInt64) -> Xoshiro256 { random.source(seed: seed) }

  /// Publishes the RNG state so checkpoints carry it (four relaxed stores).
  public func saveRandomState(_ rng: Xoshiro256) { random.save(rng) }

  // MARK: steps

  /// T_max.
  public var tMax: UInt64 { steps.tMax }

  /// Global steps so far, T.
  public var globalSteps: UInt64 { steps.global }

  /// This worker's own training steps t (over restarts and resumes).
  public var workerSteps: UInt64 { slot.steps }

  /// True once T reached T_max or the supervisor asked everyone to stop.
  public var shouldStop: Bool { steps.shouldStop }

  /// T ← T + n and t ← t + n. Returns T before the addition.
  /// (Counted once per rollout, not per step, to keep 16 workers from
  /// fighting over one cache line at every step.)
  @discardableResult
  public mutating func addSteps(_ n: Int) -> UInt64 {
    let before = steps.add(n)
    heartbeat.beat()
    return before
  }

  // MARK: θ

  /// θ′ ← θ. Records the update count the copy corresponds to. If the last
  /// `pushGradient(_:learningRate:refreshing:)` already refreshed θ′ in its
  /// pass over θ, there is nothing left to copy. With `--stale-updates K`,
  /// θ as it was K updates before this worker's turn.
  public mutating func pullParameters(into local: inout [Float]) {
    if turns != nil {
      let steps = steps
      turns!.pull(into: &local, heartbeat: &heartbeat, shouldStop: { steps.shouldStop })
      return
    }
    parameters.pull(into: &local)
  }

  /// θ into `local` for a test episode: a plain copy that leaves the
  /// training bookkeeping (the version θ′ was read at, θ′'s freshness) alone.
  public func snapshotParameters(into local: inout [Float]) {
    parameters.theta.copy(into: &local)
  }

  /// Writes the gradient into θ (Hogwild!, atomic or locked, per the run),
  /// then U ← U + 1. Returns the gradient's staleness: updates other workers
  /// applied between this worker's read of θ and this write.
  @discardableResult
  public mutating func pushGradient(_ gradient: [Float], learningRate: Float) -> UInt64 {
    if turns != nil { return pushInTurn(gradient, learningRate: learningRate) }
    return parameters.push(gradient, learningRate: learningRate)
  }

  /// `pushGradient`, and θ′ ← θ in the same pass (θ′ is read from the
  /// snapshots with `--stale-updates`, never refreshed in passing).
  @discardableResult
  public mutating func pushGradient(_ gradient: [Float], learningRate: Float,
                                    refreshing local: inout [Float]) -> UInt64 {
    if turns != nil { return pushInTurn(gradient, learningRate: learningRate) }
    return parameters.push(gradient, learningRate: learningRate, refreshing: &local)
  }

  private mutating func pushInTurn(_ gradient: [Float], learningRate: Float) -> UInt64 {
    let steps = steps
    return turns!.push(gradient, learningRate: learningRate, applier: &parameters.applier,
                       heartbeat: &heartbeat, shouldStop: { steps.shouldStop })
  }

  // MARK: θ⁻

  /// θ⁻ ← θ if the last `addSteps` crossed a multiple of `interval` (see
  /// `TargetSync`): exactly one worker copies, the others keep going.
  /// Returns whether this worker copied.
  @discardableResult
  public mutating func syncTargetIfDue(globalStepsBefore: UInt64, steps count: Int, interval: UInt64) -> Bool {
    // An independent worker has θ⁻ of its own: its own steps decide.
    let before = independent ? steps.localBefore : globalStepsBefore
    return target.syncIfDue(before: before, steps: count, interval: interval)
  }

  /// θ⁻ into `local` if it changed since the last call (first call: always).
  /// Returns whether it copied.
  @discardableResult
  public mutating func pullTarget(into local: inout [Float]) -> Bool { target.pull(into: &local) }

  // MARK: episodes

  /// Publishes a finished episode to the supervisor.
  public mutating func finishEpisode(return ret: Double, length: Int, globalStep: UInt64) {
    episodes.publish(return: ret, length: length, globalStep: globalStep)
  }

  /// Greedy test episodes this worker has played (over restarts and resumes).
  public var testEpisodes: UInt64 { episodes.testCount }

  /// Publishes a finished greedy test episode (kind test, numbered apart
  /// from training episodes). Its steps go to the slot's test count, not
  /// to t or T.
  public mutating func finishTestEpisode(return ret: Double, length: Int) {
    episodes.publishTest(return: ret, length: length, globalStep: steps.global)
    heartbeat.beat()
  }

  /// Keeps the heartbeat fresh during a long test episode; false once the
  /// run is stopping (the test is then abandoned).
  public mutating func testMayContinue() -> Bool {
    heartbeat.beat()
    return steps.isRunning
  }

  // MARK: delay, statistics, status

  /// Waits out this worker's delay between reading θ and writing the
  /// gradient, in slices that keep the heartbeat fresh and notice a stop
  /// request within 50 ms.
  public mutating func waitDelay() {
    let steps = steps
    delay.wait(heartbeat: &heartbeat, isRunning: { steps.isRunning })
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

  // MARK: A2C (SynchronousRounds.swift)

  /// The round this process starts in.
  public mutating func joinSynchronousRounds() -> UInt64 { rounds?.join() ?? 1 }

  /// Whether this rank's gradient for `round` is already in its row.
  public func hasPublishedGradient(round: UInt64) -> Bool { rounds?.hasPublished(round: round) ?? false }

  /// Waits until round − 1 is fully applied, then θ′ ← θ; false if the run
  /// stops while waiting.
  public mutating func pullSynchronousParameters(round: UInt64, into local: inout [Float]) -> Bool {
    guard rounds != nil else { preconditionFailure("A2C needs a segment with a gradient exchange") }
    let steps = steps
    return rounds!.pull(round: round, into: &local, parameters: &parameters, keepWaiting: { !steps.shouldStop })
  }

  /// Writes dθ into this worker's row as its gradient of `round`.
  public func publishGradient(_ gradient: [Float], round: UInt64) { rounds!.publish(gradient, round: round) }

  /// Waits until every worker's gradient of `round` is written; false if
  /// the run stops while waiting.
  public func waitForAllGradients(round: UInt64) -> Bool {
    let steps = steps
    return rounds!.waitForAll(round: round, keepWaiting: { !steps.shouldStop })
  }

  /// Averages every row over this worker's slice of θ and applies it.
  public mutating func applyMeanGradientSlice(round: UInt64, learningRate: Float) {
    rounds!.applyMeanSlice(round: round, learningRate: learningRate, applier: &parameters.applier)
  }
}
