// ConvNetGradientTests.swift — ConvNet.backward (every parameter) and
// ConvNet.inputGradient against central finite differences of
// ConvNet.forward, in Double; accumulation, batching and workspace reuse.
// Tolerance and step as in MLPGradientTests.

import Testing
import TinyNN

private let tolerance = 1e-7

/// A random ConvNet problem: `batch` input rows (stored back to back, so
/// forward reads each at an offset) and loss weights c; L = Σ_r Σ_k
/// c[r,k]·y[r,k], so dL/dy = c.
private struct ConvNetProblem {
  var net: ConvNet
  var batch: Int
  var params: [Double]
  /// batch × net.inputs, row-major.
  var inputs: [Double]
  /// batch × net.outputs, row-major.
  var coefficients: [Double]

  init(_ net: ConvNet, batch: Int, seed: UInt64) {
    self.net = net
    self.batch = batch
    var rng = TestRNG(seed: seed)
    params = parameters(for: net, count: net.parameterRange.upperBound + 3, biases: 0.3, rng: &rng)
    inputs = rng.vector(batch * net.inputs)
    coefficients = rng.vector(batch * net.outputs, -2, 2)
  }

  func row(_ r: Int) -> [Double] { Array(inputs[(r * net.inputs)..<((r + 1) * net.inputs)]) }

  func loss(params p: [Double], inputs x: [Double]) -> Double {
    var ws: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: batch)
    var total = 0.0
    for r in 0..<batch {
      net.forward(params: p, input: x, inputOffset: r * net.inputs, row: r, workspace: &ws)
      for k in 0..<net.outputs { total += coefficients[r * net.outputs + k] * ws.output(row: r, index: k) }
    }
    return total
  }

  /// Forward + backward `calls` times into gradients starting at `initial`,
  /// in `workspace` (a fresh one if nil); also dL/d(inputs).
  func analytic(initial: [Double], calls: Int = 1,
                workspace: NetworkWorkspace<Double>? = nil) -> (params: [Double], inputs: [Double]) {
    var ws = workspace ?? net.makeWorkspace(maxBatch: batch)
    var g = initial
    for _ in 0..<calls {
      for r in 0..<batch {
        net.forward(params: params, input: inputs, inputOffset: r * net.inputs, row: r, workspace: &ws)
        for k in 0..<net.outputs {
          ws.setOutputGradient(row: r, index: k, value: coefficients[r * net.outputs + k])
        }
      }
      net.backward(params: params, batch: batch, workspace: &ws, gradients: &g)
    }
    var dx = [Double](repeating: .nan, count: inputs.count)
    net.inputGradient(params: params, batch: batch, workspace: ws, into: &dx, at: 0)
    return (g, dx)
  }

  /// Smallest |pre-activation| over the convolution's and hidden layers'
  /// units of every row: the distance from a ReLU kink.
  var kinkMargin: Double {
    (0..<batch).map { r in
      referenceConvNetHiddenPreActivations(net, params: params, input: row(r)).map(abs).min()!
    }.min()!
  }

  /// The first problem from `seed` on (after `adjust`) whose units all stay
  /// ≥ 1e-4 from the ReLU kink, so ±h (1e-6, times derivatives of order
  /// 1–10) never crosses it.
  static func awayFromKinks(_ net: ConvNet, batch: Int, seed: UInt64,
                            adjust: (inout ConvNetProblem) -> Void = { _ in }) -> ConvNetProblem {
    var seed = seed
    while true {
      var problem = ConvNetProblem(net, batch: batch, seed: seed)
      adjust(&problem)
      if problem.kinkMargin >= 1e-4 { return problem }
      seed += 1
    }
  }
}

/// Checks dθ at `parameterIndices` (all of θ if nil) and every input's dL/dx.
private func check(_ problem: ConvNetProblem, parameterIndices: [Int]? = nil) {
  let net = problem.net
  let zeros = [Double](repeating: 0, count: problem.params.count)
  let (g, dx) = problem.analytic(initial: zeros)
  var worst = 0.0
  for k in parameterIndices ?? Array(net.parameterRange) {
    let numeric = centralDifference(problem.params, index: k) { problem.loss(params: $0, inputs: problem.inputs) }
    worst = max(worst, abs(g[k] - numeric) / max(1, abs(g[k])))
  }
  #expect(worst < tolerance, "max relative parameter-gradient error \(worst)")
  let inputError = maxGradientError(analytic: dx, at: problem.inputs, indices: problem.inputs.indices) {
    problem.loss(params: problem.params, inputs: $0)
  }
  #expect(inputError < tolerance, "max relative input-gradient error \(inputError)")
  // Entries outside this network's slice are never written.
  for k in 0..<net.parameterOffset { #expect(g[k] == 0) }
  for k in net.parameterRange.upperBound..<g.count { #expect(g[k] == 0) }
  // Sanity: the check is not vacuous, in the convolution as in the head.
  #expect(g[net.convolution.parameterOffset..<net.head.parameterOffset].contains { abs($0) > 1e-3 })
  #expect(g[net.head.parameterRange].contains { abs($0) > 1e-3 })
}

/// Small planes (7×6, 11 filters: the 8-wide and scalar kernel paths) so every
/// parameter is checked; MinAtar's channel counts.
private func smallNet(channels: Int, activation: Activation) -> ConvNet {
  ConvNet(height: 7, width: 6, channels: channels, filters: 11, hidden: [9], outputs: 4,
          activation: activation, name: "small", parameterOffset: 5)
}

@Test(arguments: [4, 7, 10])
func tanhConvNetGradients(channels: Int) {
  check(ConvNetProblem(smallNet(channels: channels, activation: .tanh), batch: 3, seed: 71))
}

@Test(arguments: [4, 7, 10])
func reluConvNetGradients(channels: Int) {
  let problem = ConvNetProblem.awayFromKinks(smallNet(channels: channels, activation: .relu),
                                             batch: 3, seed: 200)
  check(problem)
  // Some units must be dead, or the zero-derivative path is untested.
  let z = referenceConvNetHiddenPreActivations(problem.net, params: problem.params, input: problem.row(0))
  #expect(z.contains { $0 < 0 } && z.contains { $0 > 0 })
}

@Test func reluConvNetGradientsWithFeaturesDeadInEveryRow() {
  // Five rows: one block of four and a single row in the dense backward.
  // Filters 0–4 get a bias far below anything their 63 inputs can reach, so
  // their features are 0 in every row — the inputs the backward skips.
  let net = smallNet(channels: 7, activation: .relu)
  let problem = ConvNetProblem.awayFromKinks(net, batch: 5, seed: 400) { p in
    for f in 0..<5 { p.params[p.net.convolution.biasOffset + f] = -100 }
  }
  check(problem)
  var ws: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: 5)
  for r in 0..<5 { net.forward(params: problem.params, input: problem.row(r), row: r, workspace: &ws) }
  let dead = (0..<net.convolution.outputCount).filter { k in
    (0..<5).allSatisfy { ws.activation(layer: 1, row: $0, index: k) == 0 }
  }
  #expect(dead.count >= 5 * 20)
  #expect(dead.count < net.convolution.outputCount)
}

@Test func minAtarConvNetGradients() {
  // The real network (10×10×4 → 16 filters → 128 → 6): every convolution
  // parameter and bias, and a stride through the head's 131k weights.
  let net = ConvNet(channels: 4, outputs: 6, name: "minatar", parameterOffset: 7)
  let problem = ConvNetProblem.awayFromKinks(net, batch: 2, seed: 300)
  var indices = Array(net.convolution.parameterOffset..<net.head.parameterOffset)
  for t in net.head.tensors {
    indices += t.name.hasSuffix("bias") ? Array(t.range) : Array(stride(from: t.offset, to: t.range.upperBound, by: 41))
  }
  check(problem, parameterIndices: indices)
}

@Test func convNetGradientsAccumulateAcrossCalls() {
  let problem = ConvNetProblem(smallNet(channels: 4, activation: .tanh), batch: 3, seed: 81)
  var rng = TestRNG(seed: 82)
  let start = rng.vector(problem.params.count)
  let zeros = [Double](repeating: 0, count: start.count)
  let once = problem.analytic(initial: zeros).params
  let fromStart = problem.analytic(initial: start).params
  let twice = problem.analytic(initial: start, calls: 2).params
  for k in start.indices {
    #expect(abs(fromStart[k] - (start[k] + once[k])) <= 1e-12)
    #expect(abs(twice[k] - (start[k] + 2 * once[k])) <= 1e-12)
  }
}

@Test func convNetBatchBackwardEqualsSumOfSingleRows() {
  let problem = ConvNetProblem(smallNet(channels: 7, activation: .relu), batch: 4, seed: 83)
  let zeros = [Double](repeating: 0, count: problem.params.count)
  let batched = problem.analytic(initial: zeros)
  var summed = zeros
  for r in 0..<4 {
    var single = problem
    single.batch = 1
    single.inputs = problem.row(r)
    single.coefficients = Array(problem.coefficients[(r * 4)..<(r * 4 + 4)])
    let result = single.analytic(initial: summed)
    summed = result.params
    for k in 0..<problem.net.inputs { #expect(abs(result.inputs[k] - batched.inputs[r * problem.net.inputs + k]) <= 1e-12) }
  }
  for k in summed.indices { #expect(abs(summed[k] - batched.params[k]) <= 1e-12) }
}

@Test func convNetWorkspaceIsReusable() {
  // A workspace that already ran a larger batch of other inputs (and holds
  // their activations, deltas and output gradients) gives exactly what a
  // fresh one gives.
  let net = smallNet(channels: 10, activation: .relu)
  let problem = ConvNetProblem(net, batch: 2, seed: 91)
  let other = ConvNetProblem(net, batch: 5, seed: 92)
  var used: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: 5)
  var scratch = [Double](repeating: 0, count: other.params.count)
  for r in 0..<5 {
    net.forward(params: other.params, input: other.row(r), row: r, workspace: &used)
    for k in 0..<net.outputs { used.setOutputGradient(row: r, index: k, value: 1) }
  }
  net.backward(params: other.params, batch: 5, workspace: &used, gradients: &scratch)
  let zeros = [Double](repeating: 0, count: problem.params.count)
  let fresh = problem.analytic(initial: zeros)
  let reused = problem.analytic(initial: zeros, workspace: used)
  #expect(fresh.params == reused.params)
  #expect(fresh.inputs == reused.inputs)
}
