// ActorCriticLoss.swift — the per-row losses of the discrete actor-critic,
// shared by the feed-forward learner (ActorCriticLearner) and the recurrent
// one (RecurrentActorCriticLearner): they differ in how rows are produced
// and back-propagated, not in what each row's loss is.

import HogwildSegment
import TinyNN

/// A rollout's summed losses, kept for train.csv.
struct LossSums {
  var policyLoss: Float = 0
  var valueLoss: Float = 0
  var entropy: Float = 0
  var tdError: Float = 0

  /// Per-row means over `rows`, with the gradient's norm before clipping.
  func statistics(rows: Int, norm: Float, maxNorm: Float) -> GradientStatistics {
    let n = Double(max(rows, 1))
    return GradientStatistics(
      policyLoss: Double(policyLoss) / n, valueLoss: Double(valueLoss) / n, entropy: Double(entropy) / n,
      gradientNorm: Double(norm), clipped: maxNorm > 0 && norm > maxNorm, tdError: Double(tdError) / n)
  }
}

enum ActorCriticLoss {
  /// For rows 0..<rows of `workspace` (|A| logits, then V): writes
  /// dL/d(output) of the policy loss −log π(a_i|s_i)·A_i − β·H(π(·|s_i))
  /// and the value loss c·(R_i − V(s_i))², and returns their sums.
  /// `probabilities` is scratch of |A| floats; nothing allocates.
  static func writeOutputGradients(
    rows: Int, actionCount: Int, actions: [Int], values: [Float], advantages: [Float], returns: [Float],
    entropyCoefficient beta: Float, valueWeight: Float,
    probabilities: inout [Float], workspace work: inout NetworkWorkspace<Float>
  ) -> LossSums {
    var sums = LossSums()
    for i in 0..<rows {
      sums.policyLoss += CategoricalPolicy.lossAndLogitGradient(
        logits: work.activations, offset: work.outputOffset(row: i), count: actionCount,
        action: actions[i], advantage: advantages[i], entropyCoefficient: beta,
        probabilities: &probabilities, gradient: &work.outputGradient,
        gradientOffset: work.outputGradientOffset(row: i))
      sums.entropy += CategoricalPolicy.entropy(probs: probabilities, count: actionCount)
      let value = ValueLoss.lossAndGradient(value: values[i], target: returns[i], coefficient: valueWeight)
      sums.valueLoss += value.loss
      sums.tdError += abs(returns[i] - values[i])
      work.setOutputGradient(row: i, index: actionCount, value: value.gradient)
    }
    return sums
  }
}
