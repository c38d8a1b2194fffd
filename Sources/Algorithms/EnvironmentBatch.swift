// EnvironmentBatch.swift — K environments stepped in lockstep by one worker
// (`--envs-per-worker K`), with their observations side by side so that one
// K-row forward pass serves the whole step.

import Envs

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
