// RecurrentGaussianGradientTests.swift — the continuous A3C-LSTM's loss
// (GaussianPolicy's −log N(a; μ, σ²)·A − β·H per action dimension, plus
// ValueLoss's c·(R − V)², on a head of outputs [μ…, ρ…, V]) backpropagated
// through RecurrentNetwork, against central finite differences, in Double.

import Testing
import TinyNN

@Test func gaussianHeadGradientsThroughTheLSTM() {
  let D = 2, steps = 4
  let torso = MLP(inputs: 2, hidden: [5], outputs: 4, activation: .tanh, name: "torso")
  let net = RecurrentNetwork(torso: torso, torsoActivation: .tanh, cells: 3, outputs: 2 * D + 1,
                             headName: "gaussian_actor_critic")
  var rng = TestRNG(seed: 31)
  var params = rng.vector(net.parameterCount)
  net.initialize(&params, rng: &rng, outputGain: 1.0)
  for t in net.tensors where t.name.hasSuffix("bias") {
    for k in t.range { params[k] += rng.uniform(-0.5, 0.5) }
  }
  let inputs = (0..<steps).map { _ in rng.vector(2) }
  let actions = (0..<steps).map { _ in rng.vector(D, -2, 2) }
  let advantages = rng.vector(steps, -1.5, 1.5)
  let targets = rng.vector(steps, -1, 1)
  let h0 = rng.vector(3, -0.5, 0.5), c0 = rng.vector(3, -1, 1)
  let beta = 0.01, valueWeight = 0.5

  /// Runs the sequence; with `backward`, writes dL/d(output) and returns dL/dθ too.
  func run(_ p: [Double], backward: Bool) -> (loss: Double, gradient: [Double]) {
    var ws: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: steps)
    for k in 0..<3 { ws.lstm.setInitialState(cell: k, hidden: h0[k], cell: c0[k]) }
    var total = 0.0
    for t in 0..<steps {
      net.forward(params: p, input: inputs[t], step: t, workspace: &ws)
      for d in 0..<D {
        let g = GaussianPolicy.lossAndGradient(
          action: actions[t][d], mean: ws.head.output(row: t, index: d),
          variancePreActivation: ws.head.output(row: t, index: D + d), advantage: advantages[t],
          entropyCoefficient: beta)
        total += g.loss
        ws.head.setOutputGradient(row: t, index: d, value: g.dMean)
        ws.head.setOutputGradient(row: t, index: D + d, value: g.dPreActivation)
      }
      let v = ValueLoss.lossAndGradient(value: ws.head.output(row: t, index: 2 * D), target: targets[t],
                                        coefficient: valueWeight)
      total += v.loss
      ws.head.setOutputGradient(row: t, index: 2 * D, value: v.gradient)
    }
    var g = [Double](repeating: 0, count: p.count)
    if backward { net.backward(params: p, steps: steps, workspace: &ws, gradients: &g) }
    return (total, g)
  }

  let analytic = run(params, backward: true).gradient
  let error = maxGradientError(analytic: analytic, at: params, indices: net.parameterRange) { run($0, backward: false).loss }
  #expect(error < 1e-6, "max relative gradient error \(error)")
  for t in net.tensors {
    #expect(t.range.contains { abs(analytic[$0]) > 1e-4 }, "\(t.name) has no gradient")
  }
}
