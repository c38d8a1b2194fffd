// EnvironmentBatch.swift — K environments stepped in lockstep by one worker
// (`--envs-per-worker K`), with their observations side by side so that one
// K-row forward pass serves the whole step.

import BuiltInEnvs
import TinyNN

/// K environments, their observations as K consecutive rows of one array
/// (row k at `k · observationSize`, the input of a K-row forward) and each
/// one's episode in progress. Observations are floats, or bytes for an
/// environment of byte observations (`EnvSpec.observationIsBytes`: Atari
/// frames stay bytes up to the network's first layer). Allocates nothing
/// after `init`.
struct EnvironmentBatch {
  private(set) var environments: [any Environment]
  /// K × observationSize, row k the current observation of environment k
  /// (empty for byte observations).
  private(set) var observations: [Float]
  /// K × observationSize bytes, as `observations` (empty for float ones).
  private(set) var bytes: [UInt8]
  /// Each environment's own observation buffer (what `step` writes).
  private var scratch: [[Float]]
  private var byteScratch: [[UInt8]]
  private(set) var episodes: [EpisodeTally]
  let observationSize: Int
  /// The observations are bytes.
  let holdsBytes: Bool

  init(_ environments: [any Environment], observationSize: Int) {
    precondition(!environments.isEmpty, "a batch needs at least one environment")
    self.environments = environments
    self.observationSize = observationSize
    holdsBytes = environments[0].spec.observationIsBytes
    let K = environments.count
    let (floats, bytes) = holdsBytes ? (0, observationSize) : (observationSize, 0)
    observations = [Float](repeating: 0, count: K * floats)
    self.bytes = [UInt8](repeating: 0, count: K * bytes)
    scratch = Array(repeating: [Float](repeating: 0, count: floats), count: K)
    byteScratch = Array(repeating: [UInt8](repeating: 0, count: bytes), count: K)
    episodes = Array(repeating: EpisodeTally(), count: K)
  }

  /// K.
  var count: Int { environments.count }

  /// Starts a new episode of environment k.
  mutating func reset(_ k: Int, rng: inout Xoshiro256) {
    if holdsBytes {
      environments[k].reset(rng: &rng, bytes: &byteScratch[k])
    } else {
      environments[k].reset(rng: &rng, observation: &scratch[k])
    }
    copyObservation(k)
  }

  /// Starts every environment, in order 0..<K.
  mutating func resetAll(rng: inout Xoshiro256) {
    for k in 0..<count { reset(k, rng: &rng) }
  }

  /// Steps environment k with a discrete action and counts its reward.
  mutating func step(_ k: Int, action: Int) -> StepOutcome {
    let outcome = holdsBytes
      ? environments[k].step(action: action, bytes: &byteScratch[k])
      : environments[k].step(action: action, observation: &scratch[k])
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

  /// The reported episode counts `reward` (an Atari game's score), over the
  /// whole game: a lost life does not end it.
  private mutating func finishStep(_ k: Int, _ outcome: StepOutcome) {
    episodes[k].add(outcome.reward)
    copyObservation(k)
  }

  private mutating func copyObservation(_ k: Int) {
    let base = k * observationSize
    if holdsBytes {
      // A frame stack is 28 KB: one block copy, not a loop of bounds checks.
      let n = observationSize
      byteScratch[k].withUnsafeBufferPointer { from in
        bytes.withUnsafeMutableBufferPointer { to in
          _ = UnsafeMutableBufferPointer(rebasing: to[base..<(base + n)]).update(fromContentsOf: from[0..<n])
        }
      }
    } else {
      for i in 0..<observationSize { observations[base + i] = scratch[k][i] }
    }
  }
}

extension Network {
  /// The forward pass over `rows` observations of `envs` from environment
  /// `first`, into workspace rows `firstRow…`: of floats, or of bytes read
  /// as byte/255 (bit-equal to the float forward on those values).
  @inline(__always)
  func forward(params: [Float], observations envs: EnvironmentBatch, from first: Int = 0, rows: Int,
               firstRow: Int, workspace: inout NetworkWorkspace<Float>) {
    let offset = first * envs.observationSize
    if envs.holdsBytes {
      forward(params: params, bytes: envs.bytes, inputOffset: offset, rows: rows, firstRow: firstRow,
              workspace: &workspace)
    } else {
      forward(params: params, input: envs.observations, inputOffset: offset, rowCount: rows, firstRow: firstRow,
              workspace: &workspace)
    }
  }
}

extension RecurrentNetwork {
  /// Step `step` of the sequence on environment k's observation, of floats
  /// or bytes.
  @inline(__always)
  func forward(params: [Float], observations envs: EnvironmentBatch, from k: Int, step: Int,
               workspace: inout RecurrentWorkspace<Float>) {
    let offset = k * envs.observationSize
    if envs.holdsBytes {
      forward(params: params, bytes: envs.bytes, inputOffset: offset, step: step, workspace: &workspace)
    } else {
      forward(params: params, input: envs.observations, inputOffset: offset, step: step, workspace: &workspace)
    }
  }
}
