// PolicyHead.swift — how an actor-critic's policy turns its network outputs
// into an action, and the action taken back into a gradient: a softmax over
// |A| logits (discrete actions), or a diagonal Gaussian (Box actions,
// GaussianActions.swift). The head keeps what it needs of each rollout row
// (the action index, or the unclipped sample) for the loss.

import BuiltInEnvs
import TinyNN

/// π over one row of network outputs. Allocates nothing after `prepare`.
protocol PolicyHead {
  /// Network outputs the head reads from a row.
  var outputCount: Int { get }
  /// Room for a rollout of `rows` rows.
  mutating func prepare(rows: Int)
  /// a ~ π(·|s) from `row` of `outputs`, kept as that row's action, and
  /// environment `k` of `envs` stepped with it.
  mutating func act(_ outputs: NetworkWorkspace<Float>, row: Int, rng: inout Xoshiro256,
                    envs: inout EnvironmentBatch, k: Int) -> StepOutcome
  /// The policy loss −log π(a_row|s_row)·A − β·H(π(·|s_row)): dL/d(outputs)
  /// of `row`, and its loss and entropy added to `sums`.
  mutating func writeGradient(_ outputs: inout NetworkWorkspace<Float>, row: Int, advantage: Float,
                              entropyCoefficient beta: Float, sums: inout LossSums)
}

/// Softmax over |A| logits; a sampled with one uniform draw.
struct CategoricalHead: PolicyHead {
  let actionCount: Int
  var probabilities: [Float]
  var actions: [Int] = []

  init(actionCount: Int) {
    precondition(actionCount > 0, "a categorical policy needs a discrete action space")
    self.actionCount = actionCount
    probabilities = [Float](repeating: 0, count: actionCount)
  }

  var outputCount: Int { actionCount }

  mutating func prepare(rows: Int) { actions = [Int](repeating: 0, count: rows) }

  @inline(__always)
  mutating func act(_ outputs: NetworkWorkspace<Float>, row: Int, rng: inout Xoshiro256,
                    envs: inout EnvironmentBatch, k: Int) -> StepOutcome {
    CategoricalPolicy.softmax(logits: outputs.activations, offset: outputs.outputOffset(row: row),
                              count: actionCount, into: &probabilities)
    let a = CategoricalPolicy.sample(probs: probabilities, count: actionCount, uniform: rng.nextUnitFloat())
    actions[row] = a
    return envs.step(k, action: a)
  }

  @inline(__always)
  mutating func writeGradient(_ outputs: inout NetworkWorkspace<Float>, row: Int, advantage: Float,
                              entropyCoefficient beta: Float, sums: inout LossSums) {
    sums.policyLoss += CategoricalPolicy.lossAndLogitGradient(
      logits: outputs.activations, offset: outputs.outputOffset(row: row), count: actionCount,
      action: actions[row], advantage: advantage, entropyCoefficient: beta,
      probabilities: &probabilities, gradient: &outputs.outputGradient,
      gradientOffset: outputs.outputGradientOffset(row: row))
    sums.entropy += CategoricalPolicy.entropy(probs: probabilities, count: actionCount)
  }
}

/// A diagonal Gaussian over D action dimensions: outputs μ_0 … μ_{D−1},
/// ρ_0 … ρ_{D−1}. The environment gets the sample clipped to the bounds;
/// the loss uses the unclipped sample.
struct GaussianHead: PolicyHead {
  let actions: GaussianActions
  /// The unclipped a of each row, D floats a row.
  var sampled: [Float] = []
  /// The clipped action sent to the environment.
  var envAction: [Float]

  init(_ actions: GaussianActions) {
    self.actions = actions
    envAction = [Float](repeating: 0, count: actions.dimensions)
  }

  var outputCount: Int { 2 * actions.dimensions }

  mutating func prepare(rows: Int) { sampled = [Float](repeating: 0, count: rows * actions.dimensions) }

  @inline(__always)
  mutating func act(_ outputs: NetworkWorkspace<Float>, row: Int, rng: inout Xoshiro256,
                    envs: inout EnvironmentBatch, k: Int) -> StepOutcome {
    actions.choose(from: outputs, row: row, greedy: false, rng: &rng,
                   raw: &sampled, rawOffset: row * actions.dimensions, action: &envAction)
    return envs.step(k, continuous: envAction)
  }

  @inline(__always)
  mutating func writeGradient(_ outputs: inout NetworkWorkspace<Float>, row: Int, advantage: Float,
                              entropyCoefficient beta: Float, sums: inout LossSums) {
    actions.writePolicyGradients(&outputs, row: row, sampled: sampled, sampledOffset: row * actions.dimensions,
                                 advantage: advantage, entropyCoefficient: beta, sums: &sums)
  }
}
