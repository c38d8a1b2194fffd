// LossGradientTests.swift — policy and value losses against finite
// differences, and the composed A3C loss through an MLP.

import Testing
import TinyNN

private func policyLoss(_ z: [Double], action: Int, advantage: Double, beta: Double) -> Double {
  var probs = [Double](repeating: 0, count: z.count)
  var grad = [Double](repeating: 0, count: z.count)
  return CategoricalPolicy.lossAndLogitGradient(
    logits: z, count: z.count, action: action, advantage: advantage,
    entropyCoefficient: beta, probabilities: &probs, gradient: &grad)
}

/// The loss from its definition, independent of the library's loss routine.
private func policyLossByDefinition(_ z: [Double], action: Int, advantage: Double,
                                    beta: Double) -> Double {
  let m = z.max()!
  let e = z.map { Double.exp($0 - m) }
  let s = e.reduce(0, +)
  let p = e.map { $0 / s }
  let h = -p.reduce(0) { $0 + ($1 > 0 ? $1 * Double.log($1) : 0) }
  return -Double.log(p[action]) * advantage - beta * h
}

@Test(arguments: [
  (action: 2, advantage: 1.7, beta: 0.3),
  (action: 0, advantage: -0.8, beta: 0.01),
  (action: 4, advantage: 0.0, beta: 1.0),   // entropy term alone
  (action: 1, advantage: 2.5, beta: 0.0),   // policy-gradient term alone
])
func policyLossGradient(action: Int, advantage: Double, beta: Double) {
  var rng = TestRNG(seed: 61)
  let z = rng.vector(5, -3, 3)
  var probs = [Double](repeating: 0, count: 8)
  var grad = [Double](repeating: 99, count: 9)
  let loss = CategoricalPolicy.lossAndLogitGradient(
    logits: [7, 7] + z, offset: 2, count: 5, action: action, advantage: advantage,
    entropyCoefficient: beta, probabilities: &probs, gradient: &grad, gradientOffset: 3)
  #expect(abs(loss - policyLossByDefinition(z, action: action, advantage: advantage,
                                            beta: beta)) < 1e-12)
  let analytic = Array(grad[3..<8])
  let error = maxGradientError(analytic: analytic, at: z, indices: 0..<5) {
    policyLoss($0, action: action, advantage: advantage, beta: beta)
  }
  #expect(error < 1e-8, "max relative error \(error)")
  // Only the requested gradient slot was written.
  #expect(grad[0..<3].allSatisfy { $0 == 99 } && grad[8] == 99)
  // probabilities holds π afterwards.
  var expected = [Double](repeating: 0, count: 5)
  CategoricalPolicy.softmax(logits: z, count: 5, into: &expected)
  for j in 0..<5 { #expect(abs(probs[j] - expected[j]) < 1e-15) }
  #expect(analytic.contains { abs($0) > 1e-3 })
}

@Test func policyGradientSumsToZero() {
  // Softmax is shift-invariant, so Σ_j dL/dz_j = 0 for any A, β.
  var probs = [Double](repeating: 0, count: 4)
  var grad = [Double](repeating: 0, count: 4)
  _ = CategoricalPolicy.lossAndLogitGradient(
    logits: [0.3, -1.2, 2.0, 0.7], count: 4, action: 1, advantage: 1.3,
    entropyCoefficient: 0.2, probabilities: &probs, gradient: &grad)
  #expect(abs(grad.reduce(0, +)) < 1e-14)
}

@Test func valueLossAndGradient() {
  let (loss, g) = ValueLoss.lossAndGradient(value: 0.75, target: 2.0, coefficient: 0.5)
  #expect(abs(loss - 0.5 * 1.25 * 1.25) < 1e-15)
  #expect(abs(g - (0.75 - 2.0)) < 1e-15)  // c = 0.5 ⇒ dL/dV = V − R
  for (v, r, c) in [(0.3, -1.1, 0.25), (-2.0, 4.0, 1.0), (1.0, 1.0, 0.5)] {
    let analytic = ValueLoss.lossAndGradient(value: v, target: r, coefficient: c).gradient
    let numeric = centralDifference([v], index: 0) {
      ValueLoss.lossAndGradient(value: $0[0], target: r, coefficient: c).loss
    }
    #expect(abs(analytic - numeric) < 1e-8)
  }
}

/// One trunk MLP whose outputs are [logits (n), value (1)]; loss per row is
/// the policy loss plus the value loss. Checks dL/dθ through the whole chain.
@Test func endToEndActorCriticGradient() {
  let n = 3, batch = 4
  let mlp = MLP(inputs: 4, hidden: [10, 8], outputs: n + 1, activation: .tanh, name: "ac")
  var rng = TestRNG(seed: 71)
  var params = [Double](repeating: 0, count: mlp.parameterCount)
  mlp.initialize(&params, rng: &rng, outputGain: 1.0)
  let inputs = (0..<batch).map { _ in rng.vector(4) }
  let actions = (0..<batch).map { _ in Int(rng.next() % UInt64(n)) }
  let advantages = rng.vector(batch, -2, 2)
  let returns = rng.vector(batch, -1, 3)
  let beta = 0.05, c = 0.5

  func loss(_ p: [Double]) -> Double {
    var ws: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: batch)
    var probs = [Double](repeating: 0, count: n)
    var total = 0.0
    for r in 0..<batch {
      mlp.forward(params: p, input: inputs[r], row: r, workspace: &ws)
      total += CategoricalPolicy.lossAndLogitGradient(
        logits: ws.activations, offset: ws.outputOffset(row: r), count: n,
        action: actions[r], advantage: advantages[r], entropyCoefficient: beta,
        probabilities: &probs, gradient: &ws.outputGradient,
        gradientOffset: ws.outputGradientOffset(row: r))
      total += ValueLoss.lossAndGradient(value: ws.output(row: r, index: n),
                                         target: returns[r], coefficient: c).loss
    }
    return total
  }

  var ws: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: batch)
  var probs = [Double](repeating: 0, count: n)
  for r in 0..<batch {
    mlp.forward(params: params, input: inputs[r], row: r, workspace: &ws)
    _ = CategoricalPolicy.lossAndLogitGradient(
      logits: ws.activations, offset: ws.outputOffset(row: r), count: n,
      action: actions[r], advantage: advantages[r], entropyCoefficient: beta,
      probabilities: &probs, gradient: &ws.outputGradient,
      gradientOffset: ws.outputGradientOffset(row: r))
    let value = ValueLoss.lossAndGradient(value: ws.output(row: r, index: n),
                                          target: returns[r], coefficient: c)
    ws.setOutputGradient(row: r, index: n, value: value.gradient)
  }
  var grads = [Double](repeating: 0, count: params.count)
  mlp.backward(params: params, batch: batch, workspace: &ws, gradients: &grads)
  let error = maxGradientError(analytic: grads, at: params, indices: params.indices, loss)
  #expect(error < 1e-7, "max relative error \(error)")
  #expect(grads.contains { abs($0) > 1e-3 })
}
