// GaussianActions.swift — a diagonal Gaussian policy over a Box action space,
// read from a network's outputs [μ_0 … μ_{D−1}, ρ_0 … ρ_{D−1}, …]
// (σ² = softplus(ρ) + floor).
//
// The continuous A3C (GaussianHead in PolicyHead.swift, on split or
// recurrent networks) and `eval` (PolicyEvaluation.swift) act and
// learn through this one type: the same draws in the same order, the same
// clipping to the bounds, the same loss.

import BuiltInEnvs
import TinyNN

/// D action dimensions with their bounds; outputs 0..<D of a row are μ,
/// outputs D..<2D are ρ.
struct GaussianActions: Sendable {
  let dimensions: Int
  let low: [Float]
  let high: [Float]

  init(_ spec: EnvSpec) {
    guard case .box(let lo, let hi) = spec.actionSpace else {
      preconditionFailure("continuous A3C needs a Box action space")
    }
    dimensions = lo.count
    low = lo.map(Float.init)
    high = hi.map(Float.init)
  }

  /// For each dimension d: a_d ~ N(μ_d, σ_d²) of `row` (two uniform draws,
  /// Box–Muller), or a_d = μ_d with `greedy`; the unclipped a_d goes to
  /// `raw[rawOffset + d]`, a_d clipped to the bounds to `action[d]`.
  @inline(__always)
  func choose(from outputs: NetworkWorkspace<Float>, row: Int, greedy: Bool, rng: inout Xoshiro256,
              raw: inout [Float], rawOffset: Int, action: inout [Float]) {
    let D = dimensions
    for d in 0..<D {
      var a = outputs.output(row: row, index: d)
      if !greedy {
        let variance = GaussianPolicy.variance(preActivation: outputs.output(row: row, index: D + d))
        let xi = GaussianPolicy.standardNormal(uniform: rng.nextUnitFloat(), rng.nextUnitFloat())
        a = GaussianPolicy.sample(mean: a, variance: variance, standardNormal: xi)
      }
      raw[rawOffset + d] = a
      action[d] = min(max(a, low[d]), high[d])
    }
  }

  /// The policy loss −log N(a; μ, σ²)·A − β·H of `row` into dL/dμ and dL/dρ
  /// of `workspace` (a = `sampled[sampledOffset ..< +D]`, unclipped), and
  /// its loss and entropy into `sums`.
  @inline(__always)
  func writePolicyGradients(_ workspace: inout NetworkWorkspace<Float>, row: Int, sampled: [Float],
                            sampledOffset: Int, advantage: Float, entropyCoefficient beta: Float,
                            sums: inout LossSums) {
    let D = dimensions
    for d in 0..<D {
      let rho = workspace.output(row: row, index: D + d)
      let g = GaussianPolicy.lossAndGradient(
        action: sampled[sampledOffset + d], mean: workspace.output(row: row, index: d),
        variancePreActivation: rho, advantage: advantage, entropyCoefficient: beta)
      workspace.setOutputGradient(row: row, index: d, value: g.dMean)
      workspace.setOutputGradient(row: row, index: D + d, value: g.dPreActivation)
      sums.policyLoss += g.loss
      sums.entropy += GaussianPolicy.entropy(variance: GaussianPolicy.variance(preActivation: rho))
    }
  }
}
