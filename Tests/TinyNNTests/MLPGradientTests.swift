// MLPGradientTests.swift — MLP.backward against central finite differences
// of MLP.forward, in Double.
//
// Tolerance: with h = 1e-6 the truncation error is O(h²) ≈ 1e-12 and the
// cancellation error ≈ ε·|L|/h ≈ 1e-9 for |L| ~ 10, so 1e-7 relative (to
// max(1, |g|)) leaves a 100× margin while any real backprop bug shows up at
// 1e-3 or worse.

import Testing
import TinyNN

private let tolerance = 1e-7

/// A random network, inputs and output weights c; L = Σ_r Σ_k c[r,k]·y[r,k],
/// so dL/dy = c.
private struct Problem {
  var mlp: MLP
  var params: [Double]
  var inputs: [[Double]]
  var coefficients: [[Double]]

  init(mlp: MLP, batch: Int, seed: UInt64, inputScale: Double = 1) {
    self.mlp = mlp
    var rng = TestRNG(seed: seed)
    params = rng.vector(mlp.parameterOffset + mlp.parameterCount + 3)  // extra tail
    mlp.initialize(&params, rng: &rng, outputGain: 1.0)
    // Non-zero biases so the bias gradient path is exercised away from init.
    for t in mlp.tensors where t.name.hasSuffix("bias") {
      for k in t.range { params[k] = rng.uniform(-0.3, 0.3) }
    }
    inputs = (0..<batch).map { _ in rng.vector(mlp.inputs, -inputScale, inputScale) }
    coefficients = (0..<batch).map { _ in rng.vector(mlp.outputs, -2, 2) }
  }

  func loss(_ p: [Double]) -> Double {
    var ws: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: inputs.count)
    var total = 0.0
    for r in inputs.indices {
      mlp.forward(params: p, input: inputs[r], row: r, workspace: &ws)
      for k in 0..<mlp.outputs { total += coefficients[r][k] * ws.output(row: r, index: k) }
    }
    return total
  }

  /// Runs forward + backward `calls` times into gradients starting at `initial`.
  func analytic(initial: [Double], calls: Int = 1) -> [Double] {
    var ws: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: inputs.count)
    var g = initial
    for _ in 0..<calls {
      for r in inputs.indices {
        mlp.forward(params: params, input: inputs[r], row: r, workspace: &ws)
        for k in 0..<mlp.outputs {
          ws.setOutputGradient(row: r, index: k, value: coefficients[r][k])
        }
      }
      mlp.backward(params: params, batch: inputs.count, workspace: &ws, gradients: &g)
    }
    return g
  }

  /// Smallest |pre-activation| over hidden units of every row: the distance
  /// from a ReLU kink.
  var kinkMargin: Double {
    var m = Double.infinity
    for x in inputs {
      for z in referencePreActivations(mlp, params: params, input: x).dropLast() {
        for v in z { m = min(m, abs(v)) }
      }
    }
    return m
  }
}

private func check(_ mlp: MLP, batch: Int, seed: UInt64) {
  let problem = Problem(mlp: mlp, batch: batch, seed: seed)
  let zeros = [Double](repeating: 0, count: problem.params.count)
  let g = problem.analytic(initial: zeros)
  let error = maxGradientError(analytic: g, at: problem.params,
                               indices: mlp.parameterRange, problem.loss)
  #expect(error < tolerance, "max relative gradient error \(error)")
  // Entries outside this MLP's slice are never written.
  for k in 0..<mlp.parameterOffset { #expect(g[k] == 0) }
  for k in mlp.parameterRange.upperBound..<g.count { #expect(g[k] == 0) }
  // Sanity: the check is not vacuous.
  #expect(g.contains { abs($0) > 1e-3 })
}

@Test(arguments: [1, 4])
func tanhSingleHiddenLayer(batch: Int) {
  check(MLP(inputs: 3, hidden: [5], outputs: 2, activation: .tanh, name: "pi"),
        batch: batch, seed: 11)
}

@Test(arguments: [1, 5])
func tanhSeveralHiddenLayers(batch: Int) {
  // Widths that are not multiples of 8 or 16 exercise the kernels' tails;
  // 17 and 33 also exercise the SIMD bodies.
  check(MLP(inputs: 7, hidden: [17, 33, 9], outputs: 3, activation: .tanh, name: "net",
            parameterOffset: 5),
        batch: batch, seed: 12)
}

@Test func tanhNoHiddenLayer() {
  check(MLP(inputs: 4, hidden: [], outputs: 3, activation: .tanh, name: "lin"),
        batch: 3, seed: 13)
}

@Test(arguments: [1, 6])
func reluSeveralHiddenLayers(batch: Int) {
  // Pick the first seed whose hidden pre-activations all stay ≥ 1e-3 away
  // from the kink, so ±h never crosses it (h·|∂z/∂θ| ≪ 1e-3).
  let mlp = MLP(inputs: 5, hidden: [19, 12], outputs: 4, activation: .relu, name: "r",
                parameterOffset: 2)
  var seed: UInt64 = 100
  while Problem(mlp: mlp, batch: batch, seed: seed).kinkMargin < 1e-3 { seed += 1 }
  check(mlp, batch: batch, seed: seed)
  // The seed must leave some units dead, or the zero-derivative path is untested.
  let p = Problem(mlp: mlp, batch: batch, seed: seed)
  let z = referencePreActivations(mlp, params: p.params, input: p.inputs[0])
  #expect(z[0].contains { $0 < 0 } && z[0].contains { $0 > 0 })
}

@Test func gradientsAccumulateAcrossCalls() {
  let mlp = MLP(inputs: 4, hidden: [10, 6], outputs: 3, activation: .tanh, name: "acc",
                parameterOffset: 1)
  let problem = Problem(mlp: mlp, batch: 3, seed: 21)
  var rng = TestRNG(seed: 22)
  let start = rng.vector(problem.params.count)
  let zeros = [Double](repeating: 0, count: start.count)
  let once = problem.analytic(initial: zeros)
  let fromStart = problem.analytic(initial: start)
  let twice = problem.analytic(initial: start, calls: 2)
  for k in start.indices {
    #expect(abs(fromStart[k] - (start[k] + once[k])) <= 1e-12)
    #expect(abs(twice[k] - (start[k] + 2 * once[k])) <= 1e-12)
  }
}

@Test func batchBackwardEqualsSumOfSingleRows() {
  let mlp = MLP(inputs: 3, hidden: [9], outputs: 2, activation: .tanh, name: "b")
  let problem = Problem(mlp: mlp, batch: 4, seed: 31)
  let zeros = [Double](repeating: 0, count: problem.params.count)
  let batched = problem.analytic(initial: zeros)
  var summed = zeros
  for r in 0..<4 {
    var single = problem
    single.inputs = [problem.inputs[r]]
    single.coefficients = [problem.coefficients[r]]
    summed = single.analytic(initial: summed)
  }
  for k in summed.indices { #expect(abs(summed[k] - batched[k]) <= 1e-12) }
}

@Test(arguments: Activation.allCases)
func forwardMatchesReference(activation: Activation) {
  let mlp = MLP(inputs: 6, hidden: [13, 24], outputs: 5, activation: activation,
                name: "f", parameterOffset: 3)
  let problem = Problem(mlp: mlp, batch: 3, seed: 41)
  var ws: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: 3)
  for r in 0..<3 {
    mlp.forward(params: problem.params, input: problem.inputs[r], row: r, workspace: &ws)
  }
  for r in 0..<3 {
    let expected = referencePreActivations(mlp, params: problem.params, input: problem.inputs[r])
    for k in 0..<5 { #expect(abs(ws.output(row: r, index: k) - expected[2][k]) < 1e-12) }
    for k in 0..<13 {
      let a = activation == .tanh ? Double.tanh(expected[0][k]) : max(expected[0][k], 0)
      #expect(abs(ws.activation(layer: 1, row: r, index: k) - a) < 1e-12)
    }
    #expect(ws.activation(layer: 0, row: r, index: 2) == problem.inputs[r][2])
  }
  // Re-running row 1 with another input leaves rows 0 and 2 alone.
  let before0 = ws.output(row: 0, index: 1), before2 = ws.output(row: 2, index: 4)
  mlp.forward(params: problem.params, input: problem.inputs[0], row: 1, workspace: &ws)
  #expect(ws.output(row: 0, index: 1) == before0 && ws.output(row: 2, index: 4) == before2)
  #expect(ws.output(row: 1, index: 3) == ws.output(row: 0, index: 3))
}

@Test func forwardReadsInputAtOffset() {
  let mlp = MLP(inputs: 2, hidden: [3], outputs: 1, activation: .tanh, name: "o")
  let problem = Problem(mlp: mlp, batch: 1, seed: 51)
  var ws: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: 2)
  mlp.forward(params: problem.params, input: [9, 9] + problem.inputs[0], inputOffset: 2,
              row: 0, workspace: &ws)
  mlp.forward(params: problem.params, input: problem.inputs[0], row: 1, workspace: &ws)
  #expect(ws.output(row: 0, index: 0) == ws.output(row: 1, index: 0))
}

@Test(arguments: [Activation.relu, .tanh])
func wideLayerSkipsZeroInputsExactly(activation: Activation) {
  // Fan-in 300 (≥ 256) takes the path that skips inputs equal to 0, in
  // chunks of 64 (the last one partial); fan-out 37 = a block of 32 + a
  // tail of 5. Each output is still b + Σ x_i·W[i, j] in input order, so it
  // equals the reference bit for bit.
  let mlp = MLP(inputs: 300, hidden: [37], outputs: 3, activation: activation, name: "w",
                parameterOffset: 2)
  var problem = Problem(mlp: mlp, batch: 2, seed: 61)
  var rng = TestRNG(seed: 62)
  for r in 0..<2 {
    for i in 0..<300 where rng.uniform(0, 1) < 0.6 { problem.inputs[r][i] = 0 }
  }
  problem.inputs[1] = [Double](repeating: 0, count: 300)  // every input 0: y = b
  var ws: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: 2)
  for r in 0..<2 {
    mlp.forward(params: problem.params, input: problem.inputs[r], row: r, workspace: &ws)
    let expected = referencePreActivations(mlp, params: problem.params, input: problem.inputs[r])
    for k in 0..<37 {
      #expect(ws.activation(layer: 1, row: r, index: k) == referenceActivation(activation, expected[0][k]))
    }
  }
  check(mlp, batch: 3, seed: 63)
}
