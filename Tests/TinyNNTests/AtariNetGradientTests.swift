// AtariNetGradientTests.swift — AtariNet.backward in Double against central
// finite differences of its forward (every parameter of small stacks of the
// paper's shape, a sample of the paper's own network), against the
// reference network's row-by-row backward (every parameter of the paper's
// network), and as the torso of a RecurrentNetwork; accumulation and
// workspace reuse. Step and tolerance as in MLPGradientTests.

import Testing
import TinyNN

private let tolerance = 1e-7

/// dθ against finite differences at `indices` (all of the network's if nil).
private func check(_ problem: AtariProblem, indices: [Int]? = nil) {
  let zeros = [Double](repeating: 0, count: problem.params.count)
  let g = problem.analytic(initial: zeros)
  let net = problem.net
  var worst = 0.0
  for k in indices ?? Array(net.parameterRange) {
    let numeric = centralDifference(problem.params, index: k, problem.loss)
    worst = max(worst, abs(g[k] - numeric) / max(1, abs(g[k])))
  }
  #expect(worst < tolerance, "max relative gradient error \(worst)")
  for k in 0..<net.parameterOffset { #expect(g[k] == 0) }
  for k in net.parameterRange.upperBound..<g.count { #expect(g[k] == 0) }
  // Not vacuous: every tensor gets a gradient.
  for t in net.tensors { #expect(t.range.contains { abs(g[$0]) > 1e-4 }, "\(t.name) has no gradient") }
}

@Test(arguments: [1, 3, 7])
func smallAtariNetGradients(batch: Int) {
  check(AtariProblem.awayFromKinks(SmallAtariNets.even(), batch: batch, seed: 600 + UInt64(batch)))
  check(AtariProblem.awayFromKinks(SmallAtariNets.odd(), batch: batch, seed: 610 + UInt64(batch)))
}

@Test func papersAtariNetGradientsEqualTheReferenceBackward() {
  // Every parameter against the unit-by-unit chain rule, rows 0..<5
  // (the convolution blocks span rows; dense rows in a block of 6).
  let net = AtariNet(outputs: 7, name: "ac", parameterOffset: 3)
  let problem = AtariProblem(net, batch: 5, seed: 620)
  let g = problem.analytic(initial: [Double](repeating: 0, count: problem.params.count))
  let reference = problem.reference()
  var worst = 0.0
  for k in g.indices { worst = max(worst, abs(g[k] - reference[k]) / max(1, abs(reference[k]))) }
  #expect(worst < 1e-10, "max relative difference from the reference backward \(worst)")
  for t in net.tensors { #expect(t.range.contains { abs(g[$0]) > 1e-3 }, "\(t.name) has no gradient") }
}

@Test func papersAtariNetGradientsMatchFiniteDifferences() {
  // Three entries of every tensor on two rows whose 10k hidden units all
  // stay clear of the ReLU kink (the reference backward above covers every
  // parameter; this ties both to the forward itself).
  let net = AtariNet(outputs: 7, name: "ac")
  let problem = AtariProblem.awayFromKinks(net, batch: 2, seed: 630, margin: 1e-5)
  var indices: [Int] = []
  for t in net.tensors {
    let step = max(1, t.count / 3)
    indices += stride(from: t.offset + step / 2, to: t.range.upperBound, by: step)
  }
  check(problem, indices: indices)
}

@Test func atariNetGradientsAccumulateAndTheWorkspaceIsReusable() {
  let net = SmallAtariNets.odd()
  let problem = AtariProblem(net, batch: 3, seed: 640)
  var rng = TestRNG(seed: 641)
  let start = rng.vector(problem.params.count)
  let zeros = [Double](repeating: 0, count: start.count)
  let once = problem.analytic(initial: zeros)
  let fromStart = problem.analytic(initial: start)
  for k in start.indices { #expect(abs(fromStart[k] - (start[k] + once[k])) <= 1e-12) }
  // A workspace that ran a larger batch of other rows gives what a fresh one gives.
  let other = AtariProblem(net, batch: 6, seed: 642)
  var used: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: 6)
  var scratch = zeros
  net.forward(params: other.params, input: other.inputs, inputOffset: 0, rows: 6, firstRow: 0, workspace: &used)
  for r in 0..<6 { for k in 0..<net.outputs { used.setOutputGradient(row: r, index: k, value: 1) } }
  net.backward(params: other.params, batch: 6, workspace: &used, gradients: &scratch)
  #expect(problem.analytic(initial: zeros, workspace: used) == once)
}

// MARK: - As the torso of A3C-LSTM

/// A RecurrentNetwork over an AtariNet torso, a sequence of byte rows and
/// loss weights c; L = Σ_t Σ_k c[t,k]·y[t,k].
private struct RecurrentAtariProblem {
  var net: RecurrentNetwork<AtariNet>
  var params: [Double]
  var bytes: [[UInt8]]
  var coefficients: [[Double]]

  init(_ net: RecurrentNetwork<AtariNet>, steps: Int, seed: UInt64) {
    self.net = net
    var rng = TestRNG(seed: seed)
    params = rng.vector(net.parameterRange.upperBound + 2)
    net.initialize(&params, rng: &rng, outputGain: 1)
    for t in net.tensors where t.name.hasSuffix("bias") { for k in t.range { params[k] += rng.uniform(-0.3, 0.3) } }
    bytes = (0..<steps).map { _ in (0..<net.inputs).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 56) } }
    coefficients = (0..<steps).map { _ in rng.vector(net.outputs, -2, 2) }
  }

  func loss(_ p: [Double]) -> Double {
    var ws: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: bytes.count)
    ws.resetState()
    var total = 0.0
    for t in bytes.indices {
      net.forward(params: p, input: bytes[t].map { Double($0) / 255 }, step: t, workspace: &ws)
      for k in 0..<net.outputs { total += coefficients[t][k] * ws.head.output(row: t, index: k) }
    }
    return total
  }

  /// The byte steps forward, then the truncated backward.
  func analytic() -> [Double] {
    var ws: RecurrentWorkspace<Double> = net.makeWorkspace(maxSteps: bytes.count)
    ws.resetState()
    for t in bytes.indices {
      net.forward(params: params, bytes: bytes[t], step: t, workspace: &ws)
      for k in 0..<net.outputs { ws.head.setOutputGradient(row: t, index: k, value: coefficients[t][k]) }
    }
    var g = [Double](repeating: 0, count: params.count)
    net.backward(params: params, steps: bytes.count, workspace: &ws, gradients: &g)
    return g
  }
}

@Test func atariNetAsAnLSTMTorsoGradients() {
  let torso = SmallAtariNets.even(outputs: 6, hidden: [], name: "torso", offset: 0)
  let net = RecurrentNetwork(torso: torso, torsoActivation: .relu, cells: 5, outputs: 3, headName: "ac")
  var seed: UInt64 = 650
  var problem = RecurrentAtariProblem(net, steps: 3, seed: seed)
  // Clear of the kinks: the torso's own units and its ReLU'd outputs.
  func margin(_ p: RecurrentAtariProblem) -> Double {
    p.bytes.map { row in
      ReferenceAtariRow(torso, params: p.params, input: row.map { Double($0) / 255 }).preActivations.joined()
        .map(abs).min()!
    }.min()!
  }
  while margin(problem) < 1e-4 { seed += 1; problem = RecurrentAtariProblem(net, steps: 3, seed: seed) }
  let g = problem.analytic()
  let error = maxGradientError(analytic: g, at: problem.params, indices: net.parameterRange, problem.loss)
  #expect(error < tolerance, "max relative gradient error \(error)")
  for t in net.tensors { #expect(t.range.contains { abs(g[$0]) > 1e-4 }, "\(t.name) has no gradient") }
}

@Test func papersAtariLSTMComposesAndItsByteStepsEqualFloatSteps() {
  // A3C-LSTM: the torso's 256 ReLU units into 256 cells, then |A| + 1 outputs.
  let torso = AtariNet(hidden: [], outputs: 256, name: "torso")
  let net = RecurrentNetwork(torso: torso, torsoActivation: .relu, cells: 256, outputs: 7, headName: "actor_critic")
  #expect(net.parameterCount == 676_144 + 4 * 256 * (256 + 256 + 1) + 256 * 7 + 7)
  #expect(net.tensors.map(\.name).suffix(5) == ["lstm.weight_ih", "lstm.weight_hh", "lstm.bias",
                                                 "actor_critic.0.weight", "actor_critic.0.bias"])
  let problem = RecurrentAtariProblem(net, steps: 2, seed: 660)
  var fromBytes: RecurrentWorkspace<Float> = net.makeWorkspace(maxSteps: 2)
  var fromFloats: RecurrentWorkspace<Float> = net.makeWorkspace(maxSteps: 2)
  fromBytes.resetState(); fromFloats.resetState()
  let pf = problem.params.map(Float.init)
  for t in 0..<2 {
    net.forward(params: pf, bytes: problem.bytes[t], step: t, workspace: &fromBytes)
    net.forward(params: pf, input: problem.bytes[t].map { Float($0) / 255 }, step: t, workspace: &fromFloats)
    for k in 0..<7 { #expect(fromBytes.head.output(row: t, index: k) == fromFloats.head.output(row: t, index: k)) }
  }
  // A sample of the gradient, through the LSTM into both convolutions.
  let g = problem.analytic()
  var indices: [Int] = []
  for t in net.tensors {
    let step = max(1, t.count / 2)
    indices += stride(from: t.offset + step / 3, to: t.range.upperBound, by: step)
  }
  var worst = 0.0
  for k in indices {
    let numeric = centralDifference(problem.params, index: k, problem.loss)
    worst = max(worst, abs(g[k] - numeric) / max(1, abs(g[k])))
  }
  #expect(worst < 1e-6, "max relative gradient error \(worst)")
  #expect(g[torso.tensors[0].range].contains { abs($0) > 1e-4 })
}
