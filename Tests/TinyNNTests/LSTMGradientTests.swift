// LSTMGradientTests.swift — RecurrentNetwork.backward (truncated BPTT
// through the LSTM, the torso and the head) against central finite
// differences of its forward pass over a whole sequence, in Double; and the
// state handling a rollout relies on.
//
// Tolerance as in MLPGradientTests: h = 1e-6, 1e-7 relative to max(1, |g|).

import Testing
import TinyNN

private let tolerance = 1e-7

/// A random recurrent network, a sequence, a non-zero initial state and
/// output weights c; L = Σ_t Σ_k c[t,k]·y[t,k], so dL/dy = c.
private struct SequenceProblem<Torso: Network> {
  var net: RecurrentNetwork<Torso>
  var params: [Double]
  var inputs: [[Double]]
  var coefficients: [[Double]]
  var h0: [Double]
  var c0: [Double]

  init(net: RecurrentNetwork<Torso>, steps: Int, seed: UInt64, inputLow: Double = -1) {
    self.net = net
    var rng = TestRNG(seed: seed)
    params = rng.vector(net.parameterOffset + net.parameterCount + 2)
    net.initialize(&params, rng: &rng, outputGain: 1.0)
    // Biases away from 0 and weights large enough that the gates saturate
    // differently, so every term of the backward pass matters.
    for t in net.tensors where t.name.hasSuffix("bias") {
      for k in t.range { params[k] += rng.uniform(-0.5, 0.5) }
    }
    for t in net.tensors where t.name.hasPrefix("lstm.weight") {
      for k in t.range { params[k] *= 2 }
    }
    inputs = (0..<steps).map { _ in rng.vector(net.inputs, inputLow, 1) }
    coefficients = (0..<steps).map { _ in rng.vector(net.outputs, -2, 2) }
    h0 = rng.vector(net.cells, -0.5, 0.5)
    c0 = rng.vector(net.cells, -1, 1)
  }

  func start(_ ws: inout RecurrentWorkspace<Double>) {
    for k in 0..<net.cells { ws.lstm.setInitialState(cell: k, hidden: h0[k], cell: c0[k]) }
  }

  func loss(_ p: [Double]) -> Double {
    var ws: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: inputs.count)
    start(&ws)
    var total = 0.0
    for t in inputs.indices {
      net.forward(params: p, input: inputs[t], step: t, workspace: &ws)
      for k in 0..<net.outputs { total += coefficients[t][k] * ws.head.output(row: t, index: k) }
    }
    return total
  }

  func analytic(initial: [Double]) -> [Double] {
    var ws: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: inputs.count + 1)
    start(&ws)
    for t in inputs.indices {
      net.forward(params: params, input: inputs[t], step: t, workspace: &ws)
      for k in 0..<net.outputs { ws.head.setOutputGradient(row: t, index: k, value: coefficients[t][k]) }
    }
    var g = initial
    net.backward(params: params, steps: inputs.count, workspace: &ws, gradients: &g)
    return g
  }
}

private func check<T: Network>(_ problem: SequenceProblem<T>) {
  let zeros = [Double](repeating: 0, count: problem.params.count)
  let g = problem.analytic(initial: zeros)
  let error = maxGradientError(analytic: g, at: problem.params, indices: problem.net.parameterRange, problem.loss)
  #expect(error < tolerance, "max relative gradient error \(error)")
  for k in problem.net.parameterRange.upperBound..<g.count { #expect(g[k] == 0) }
  // Not vacuous: every tensor, the recurrent weights included, gets a gradient.
  for t in problem.net.tensors {
    #expect(t.range.contains { abs(g[$0]) > 1e-4 }, "\(t.name) has no gradient")
  }
}

private func mlpNet(cells: Int, outputs: Int = 3) -> RecurrentNetwork<MLP> {
  let torso = MLP(inputs: 3, hidden: [6], outputs: 5, activation: .tanh, name: "torso")
  return RecurrentNetwork(torso: torso, torsoActivation: .tanh, cells: cells, outputs: outputs, headName: "ac")
}

@Test(arguments: [1, 2, 7])
func recurrentNetworkGradients(steps: Int) {
  check(SequenceProblem(net: mlpNet(cells: 3), steps: steps, seed: 21))
}

@Test func recurrentNetworkGradientsWithVectorWidths() {
  // 9 and 17 cells: the kernels' SIMD8 bodies and tails.
  check(SequenceProblem(net: mlpNet(cells: 9), steps: 5, seed: 22))
  check(SequenceProblem(net: mlpNet(cells: 17, outputs: 4), steps: 4, seed: 23))
}

@Test func recurrentNetworkGradientsWithAConvolutionTorso() {
  // MinAtar's shape in small: binary planes, ReLU after the torso's output.
  // Inputs of 0 or 1 put the convolution's pre-activations away from kinks
  // for this seed (checked: the test would fail by ~1e-2 otherwise).
  let torso = ConvNet(height: 4, width: 4, channels: 2, filters: 3, kernelSize: 3, hidden: [], outputs: 6,
                      activation: .relu, name: "torso")
  let net = RecurrentNetwork(torso: torso, torsoActivation: .tanh, cells: 4, outputs: 3, headName: "ac")
  var problem = SequenceProblem(net: net, steps: 3, seed: 24)
  var rng = TestRNG(seed: 99)
  problem.inputs = problem.inputs.map { row in row.map { _ in rng.uniform(0, 1) < 0.5 ? 0 : 1 } }
  check(problem)
}

@Test func lstmTensorsUsePyTorchNamesAndShapes() {
  let net = mlpNet(cells: 4)
  let names = net.tensors.map(\.name)
  #expect(names == ["torso.0.weight", "torso.0.bias", "torso.1.weight", "torso.1.bias",
                    "lstm.weight_ih", "lstm.weight_hh", "lstm.bias", "ac.0.weight", "ac.0.bias"])
  let lstm = net.tensors.filter { $0.name.hasPrefix("lstm.") }
  #expect(lstm.map { [$0.rows, $0.cols] } == [[16, 5], [16, 4], [1, 16]])
  var offset = 0
  for t in net.tensors { #expect(t.offset == offset); offset += t.count }
  #expect(offset == net.parameterCount)
  // Forget-gate bias 1 (rows N ..< 2N), the others 0.
  var p = [Double](repeating: 7, count: net.parameterCount)
  var rng = TestRNG(seed: 1)
  net.initialize(&p, rng: &rng, outputGain: 0.01)
  let bias = lstm[2]
  #expect((0..<16).map { p[bias.offset + $0] } == (0..<16).map { $0 >= 4 && $0 < 8 ? 1.0 : 0.0 })
}

@Test func carryingTheStateContinuesTheSequenceAndResetForgetsIt() {
  let net = mlpNet(cells: 5)
  let problem = SequenceProblem(net: net, steps: 6, seed: 31)
  // Six steps at once …
  var whole: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: 6)
  whole.resetState()
  for t in 0..<6 { net.forward(params: problem.params, input: problem.inputs[t], step: t, workspace: &whole) }
  // … equal three, carry, three.
  var split: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: 4)
  split.resetState()
  for t in 0..<3 { net.forward(params: problem.params, input: problem.inputs[t], step: t, workspace: &split) }
  split.carryState(fromStep: 2)
  for t in 0..<3 {
    net.forward(params: problem.params, input: problem.inputs[3 + t], step: t, workspace: &split)
    for k in 0..<net.outputs {
      #expect(split.head.output(row: t, index: k) == whole.head.output(row: 3 + t, index: k))
    }
  }
  // A reset makes step 0 what it is at a sequence's very start, whatever came before.
  split.resetState()
  for k in 0..<net.cells { #expect(split.lstm.initialState(cell: k) == (0, 0)) }
  net.forward(params: problem.params, input: problem.inputs[0], step: 0, workspace: &split)
  for k in 0..<net.outputs { #expect(split.head.output(row: 0, index: k) == whole.head.output(row: 0, index: k)) }
  // The state matters: from another state, the same input gives other outputs.
  split.carryState(fromStep: 0)
  net.forward(params: problem.params, input: problem.inputs[0], step: 0, workspace: &split)
  #expect((0..<net.outputs).contains { split.head.output(row: 0, index: $0) != whole.head.output(row: 0, index: $0) })
}

@Test func floatAndDoubleRecurrentForwardsAgree() {
  let net = mlpNet(cells: 8)
  let problem = SequenceProblem(net: net, steps: 5, seed: 41)
  var wd: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: 5)
  var wf: RecurrentWorkspace<Float> = net.makeWorkspace(maxSteps: 5)
  wd.resetState(); wf.resetState()
  let pf = problem.params.map(Float.init)
  for t in 0..<5 {
    net.forward(params: problem.params, input: problem.inputs[t], step: t, workspace: &wd)
    net.forward(params: pf, input: problem.inputs[t].map(Float.init), step: t, workspace: &wf)
    for k in 0..<net.outputs {
      #expect(abs(Double(wf.head.output(row: t, index: k)) - wd.head.output(row: t, index: k)) < 1e-4)
    }
  }
}
