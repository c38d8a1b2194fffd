// EnvironmentBatch.swift — K environments stepped in lockstep by one worker
// (`--envs-per-worker K`), with their observations side by side so that one
// K-row forward pass serves the whole step.

import Envs

/// How a step left an environment's episode.
enum EpisodeEnd: Equatable {
  /// Still running: the next row of the same environment follows it.
  case running
  /// Terminal: nothing follows (the return's tail is 0).
  case terminated
  /// Cut by the time limit: the tail is bootstrapped from V of the state
  /// reached, which the next row (a new episode) no longer shows.
  case truncated
}

/// K environments, their observations as K consecutive rows of one array
/// (row k at `k · observationSize`, the input of a K-row forward) and each
/// one's episode in progress. Allocates nothing after `init`.
struct EnvironmentBatch {
  private(set) var environments: [any Environment]
  /// K × observationSize, row k the current observation of environment k.
  private(set) var observations: [Float]
  /// Each environment's own observation buffer (what `step` writes).
  private var scratch: [[Float]]
  private(set) var episodes: [EpisodeTally]
  let observationSize: Int

  init(_ environments: [any Environment], observationSize: Int) {
    precondition(!environments.isEmpty, "a batch needs at least one environment")
    self.environments = environments
    self.observationSize = observationSize
    observations = [Float](repeating: 0, count: environments.count * observationSize)
    scratch = Array(repeating: [Float](repeating: 0, count: observationSize), count: environments.count)
    episodes = Array(repeating: EpisodeTally(), count: environments.count)
  }

  /// K.
  var count: Int { environments.count }

  /// Starts a new episode of environment k.
  mutating func reset(_ k: Int, rng: inout Xoshiro256) {
    environments[k].reset(rng: &rng, observation: &scratch[k])
    copyObservation(k)
  }

  /// Starts every environment, in order 0..<K.
  mutating func resetAll(rng: inout Xoshiro256) {
    for k in 0..<count { reset(k, rng: &rng) }
  }

  /// Steps environment k with a discrete action and counts its reward.
  mutating func step(_ k: Int, action: Int) -> StepOutcome {
    let outcome = environments[k].step(action: action, observation: &scratch[k])
    finishStep(k, outcome)
    return outcome
  }

  /// Steps environment k with a continuous action and counts its reward.
  mutating func step(_ k: Int, continuous action: [Float]) -> StepOutcome {
    let outcome = environments[k].step(continuous: action, observation: &scratch[k])
    finishStep(k, outcome)
    return outcome
  }

  /// The finished episode of environment k (return, length), its tally
  /// reset to zero for the next one.
  mutating func takeEpisode(_ k: Int) -> (total: Double, length: Int) {
    let e = episodes[k]
    episodes[k] = EpisodeTally()
    return (e.total, e.length)
  }

  private mutating func finishStep(_ k: Int, _ outcome: StepOutcome) {
    episodes[k].add(outcome.reward)
    copyObservation(k)
  }

  private mutating func copyObservation(_ k: Int) {
    let base = k * observationSize
    for i in 0..<observationSize { observations[base + i] = scratch[k][i] }
  }
}

/// Episodes that ended during a rollout, published once its steps are
/// counted in T (so each carries the global step it ended at).
struct FinishedEpisodes {
  private var totals: [Double]
  private var lengths: [Int]
  private var offsets: [Int]
  private(set) var count = 0

  /// Room for `capacity` episodes (a rollout of n lockstep steps of K
  /// environments ends at most n·K of them).
  init(capacity: Int) {
    totals = [Double](repeating: 0, count: capacity)
    lengths = [Int](repeating: 0, count: capacity)
    offsets = [Int](repeating: 0, count: capacity)
  }

  /// An episode of `total` over `length` steps, ending at the rollout's
  /// `offset`-th step (1-based, in lockstep order: step t of environment k
  /// is t·K + k + 1).
  mutating func add(total: Double, length: Int, offset: Int) {
    totals[count] = total
    lengths[count] = length
    offsets[count] = offset
    count += 1
  }

  /// Publishes them in order, the rollout having started at global step
  /// `globalStepsBefore`, and empties the list.
  mutating func publish(to link: inout WorkerLink, globalStepsBefore: UInt64) {
    for e in 0..<count {
      link.finishEpisode(return: totals[e], length: lengths[e], globalStep: globalStepsBefore + UInt64(offsets[e]))
    }
    count = 0
  }
}
