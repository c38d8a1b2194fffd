// RecurrentGaussianA3CTests.swift — continuous A3C with `--net lstm`:
// θ's layout, the LSTM state carried across rollouts and reset at episode
// starts (a hand-made counting policy on a Box action), and a short run on a
// task that needs memory (recall a cue shown at the episode's start).

import Algorithms
import BuiltInEnvs
import Glibc
import HogwildSegment
import Testing

/// Observation 1 at every step, action Box(−1, 1, (1,)); an episode ends
/// (terminated) the first time the action is positive, or is truncated
/// after 40 steps.
private struct EndOnPositiveAction: Environment {
  static let spec = EnvSpec(id: "EndOnPositiveAction-v0", observationSize: 1, actionSpace: .box(low: [-1], high: [1]),
                            maxEpisodeSteps: 40, rewardThreshold: nil)
  var spec: EnvSpec { Self.spec }
  var elapsedSteps = 0
  mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    elapsedSteps = 0
    writeObservation(into: &observation)
  }
  mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    preconditionFailure("a Box action space")
  }
  mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome {
    elapsedSteps += 1
    writeObservation(into: &observation)
    let positive = action[0] > 0
    return StepOutcome(reward: 1, terminated: positive, truncated: !positive && elapsedSteps >= 40)
  }
  func writeObservation(into observation: inout [Float]) { observation[0] = 1 }
  var internalState: EnvState { .integer(elapsedSteps) }
  mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError) { self.elapsedSteps = elapsedSteps }
}

@Suite(.serialized) struct RecurrentGaussianA3CTests {
  @Test func theLayerTableHasTheTorsoTheLSTMAndOneGaussianHead() {
    var h = Hyperparameters()
    h.network = .lstm
    h.lstmCells = 8
    h.hidden = [16]
    let algo = AlgorithmFactory.make(.a3c, hyperparameters: h, spec: EnvRegistry.spec("PendulumNoVel-v1")!)
    #expect(algo.layers.map(\.name) == [
      "torso.0.weight", "torso.0.bias", "lstm.weight_ih", "lstm.weight_hh", "lstm.bias",
      "gaussian_actor_critic.0.weight", "gaussian_actor_critic.0.bias",
    ])
    // 2 → 16 (tanh) → LSTM(8) → μ, ρ, V.
    #expect(algo.parameterCount == (2 * 16 + 16) + 4 * 8 * (16 + 8 + 1) + (8 * 3 + 3))
  }

  /// θ of a one-cell network that counts steps (as RecurrentActorCriticTests'
  /// countingPolicy): μ = 1000·(h − tanh 0.55) turns positive at the 6th
  /// step of a sequence started from c = 0; σ² is the floor (σ = 0.01).
  static func countingPolicy(_ theta: [Float], layers: [LayerEntry]) -> [Float] {
    var p = [Float](repeating: 0, count: theta.count)
    func at(_ name: String) -> Int { layers.first { $0.name == name }!.offset }
    p[at("torso.0.weight")] = 1
    let wih = at("lstm.weight_ih"), bias = at("lstm.bias")
    p[bias + 0] = 100; p[bias + 1] = 100; p[bias + 3] = 100
    p[wih + 2] = Float(atanh(0.1) / tanh(1.0))
    // Head outputs [μ, ρ, V], weight [cells, outputs].
    let w = at("gaussian_actor_critic.0.weight"), b = at("gaussian_actor_critic.0.bias")
    p[w + 0] = 1000
    p[b + 0] = -1000 * Float(tanh(0.55))
    p[b + 1] = -30
    return p
  }

  @Test func theStateRunsAcrossRolloutsAndRestartsWithEachEpisode() throws {
    // Rollouts of 4 steps: the 6-step episodes span two rollouts. Reset at
    // each rollout, c would never pass 0.4 (every episode truncated at 40);
    // carried into the next episode, that one would end at its first step.
    var h = Hyperparameters()
    h.network = .lstm
    h.hidden = [1]
    h.lstmCells = 1
    h.nSteps = 4
    h.learningRate = 0
    let spec = EndOnPositiveAction.spec
    let algo = AlgorithmFactory.make(.a3c, hyperparameters: h, spec: spec)
    let (_, records) = try runInProcessWorker(
      .a3c, hyper: h, spec: spec, env: EndOnPositiveAction(), tMax: 3_000, seed: 3,
      theta: { Self.countingPolicy($0, layers: algo.layers) })
    #expect(records.count >= 400)
    #expect(records.allSatisfy { $0.length == 6 }, "lengths \(Set(records.map(\.length)))")
  }

  @Test func aSingleWorkerLearnsToRecallACue() throws {
    // Measured (seed 5, 60k steps, one worker, 16 cells): first-100 mean
    // −6.57, last-100 −0.005; the MLP's last-100 −6.15. Without memory the
    // best is μ = 0, i.e. −4·(1 + σ²) ≤ −4; the threshold needs the cue.
    var h = Hyperparameters()
    h.network = .lstm
    h.hidden = [16]
    h.lstmCells = 16
    h.nSteps = 5
    h.learningRate = 0.003
    h.entropyCoefficient = Hyperparameters.gaussianEntropyCoefficient
    let (_, records) = try runInProcessWorker(.a3c, hyper: h, spec: RecallTheCue.spec, env: RecallTheCue(),
                                              tMax: 60_000, seed: 5)
    let last = records.suffix(100).map(\.episodeReturn).reduce(0, +) / 100
    let first = records.prefix(100).map(\.episodeReturn).reduce(0, +) / 100
    print("recall first \(first) last \(last)")
    #expect(first < -5)
    #expect(last > -2.5, "last-100 mean \(last)")
    // The feed-forward policy, same settings, cannot do better than −4.
    h.network = .mlp
    let (_, mlp) = try runInProcessWorker(.a3c, hyper: h, spec: RecallTheCue.spec, env: RecallTheCue(),
                                          tMax: 60_000, seed: 5)
    let mlpLast = mlp.suffix(100).map(\.episodeReturn).reduce(0, +) / 100
    print("recall mlp last \(mlpLast)")
    #expect(mlpLast < -3.5, "feed-forward last-100 mean \(mlpLast)")
  }
}

/// A task only a policy with memory solves: the first observation is a cue
/// c = ±1 (drawn at reset), the next four are 0; each of those four steps
/// pays −(a − c)². Terminated after 5 steps.
private struct RecallTheCue: Environment {
  static let spec = EnvSpec(id: "RecallTheCue-v0", observationSize: 1, actionSpace: .box(low: [-2], high: [2]),
                            maxEpisodeSteps: 5, rewardThreshold: nil)
  var spec: EnvSpec { Self.spec }
  var elapsedSteps = 0
  var cue: Float = 1
  mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    elapsedSteps = 0
    cue = rng.nextUnitFloat() < 0.5 ? -1 : 1
    writeObservation(into: &observation)
  }
  mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    preconditionFailure("a Box action space")
  }
  mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome {
    let reward = elapsedSteps == 0 ? 0 : -Double((action[0] - cue) * (action[0] - cue))
    elapsedSteps += 1
    writeObservation(into: &observation)
    return StepOutcome(reward: reward, terminated: elapsedSteps >= 5, truncated: false)
  }
  func writeObservation(into observation: inout [Float]) { observation[0] = elapsedSteps == 0 ? cue : 0 }
  var internalState: EnvState { .integer(elapsedSteps) }
  mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError) { self.elapsedSteps = elapsedSteps }
}
