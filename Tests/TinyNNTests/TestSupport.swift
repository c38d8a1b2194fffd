// TestSupport.swift — shared helpers for the TinyNN tests: a seeded RNG, a
// naive reference forward pass, central finite differences, and checks any
// `Network` must pass (initialisation, Float against Double).

import Testing
import TinyNN

/// SplitMix64, local to the tests (the project's RNG lives in BuiltInEnvs).
struct TestRNG: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [low, high).
  mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * Double(next() >> 11) * 0x1.0p-53
  }
  mutating func vector(_ n: Int, _ low: Double = -1, _ high: Double = 1) -> [Double] {
    (0..<n).map { _ in uniform(low, high) }
  }
}

/// Straight-from-the-documentation forward pass (W[i, j] at
/// weightOffset + i·fanOut + j), independent of the library's kernels.
/// Returns each layer's pre-activations z_1 … z_L (z_L is the output).
func referencePreActivations(_ mlp: MLP, params: [Double], input: [Double]) -> [[Double]] {
  let widths = [mlp.inputs] + mlp.hidden + [mlp.outputs]
  let tensors = mlp.tensors
  var a = input
  var result: [[Double]] = []
  for l in 0..<(widths.count - 1) {
    let w = tensors[2 * l], b = tensors[2 * l + 1]
    var z = [Double](repeating: 0, count: widths[l + 1])
    for j in 0..<widths[l + 1] {
      var s = params[b.offset + j]
      for i in 0..<widths[l] { s += a[i] * params[w.offset + i * widths[l + 1] + j] }
      z[j] = s
    }
    result.append(z)
    a = z.map { mlp.activation == .tanh ? Double.tanh($0) : max($0, 0) }
  }
  return result
}

/// Central difference (f(x + h) − f(x − h)) / 2h of `loss` w.r.t. x[index].
func centralDifference(_ x: [Double], index: Int, h: Double = 1e-6,
                       _ loss: ([Double]) -> Double) -> Double {
  var plus = x, minus = x
  plus[index] += h
  minus[index] -= h
  return (loss(plus) - loss(minus)) / (2 * h)
}

/// Largest |analytic − numeric| / max(1, |analytic|) over all indices.
func maxGradientError(analytic: [Double], at x: [Double], indices: Range<Int>, h: Double = 1e-6,
                      _ loss: ([Double]) -> Double) -> Double {
  var worst = 0.0
  for k in indices {
    let numeric = centralDifference(x, index: k, h: h, loss)
    worst = max(worst, abs(analytic[k] - numeric) / max(1, abs(analytic[k])))
  }
  return worst
}

/// θ for `net` in a vector of `count` scalars (the rest random, so writes
/// outside the network's slice would show), initialised by `net`, then every
/// bias redrawn from U(−bias, bias) so bias gradients are exercised away
/// from the initial 0.
func parameters(for net: some Network, count: Int, biases bias: Double,
                rng: inout TestRNG) -> [Double] {
  var params = rng.vector(count)
  net.initialize(&params, rng: &rng, outputGain: 1.0)
  for t in net.tensors where t.name.hasSuffix("bias") {
    for k in t.range { params[k] = rng.uniform(-bias, bias) }
  }
  return params
}

/// `net` run in Double on θ and in Float on θ rounded, on the same inputs,
/// with dL/dy = c: the largest output difference, the largest gradient
/// difference relative to max(1, |g|), and the Double gradient.
func floatDoubleComparison(_ net: some Network, params pd: [Double], inputs: [[Float]],
                           coefficients: [[Float]]) -> (output: Double, gradient: Double, doubleGradient: [Double]) {
  let pf = pd.map { Float($0) }
  let batch = inputs.count
  var wd: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: batch)
  var wf: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: batch)
  var outputError = 0.0
  for r in 0..<batch {
    net.forward(params: pd, input: inputs[r].map { Double($0) }, row: r, workspace: &wd)
    net.forward(params: pf, input: inputs[r], row: r, workspace: &wf)
    for k in 0..<net.outputs {
      outputError = max(outputError, abs(Double(wf.output(row: r, index: k)) - wd.output(row: r, index: k)))
      wd.setOutputGradient(row: r, index: k, value: Double(coefficients[r][k]))
      wf.setOutputGradient(row: r, index: k, value: coefficients[r][k])
    }
  }
  var gd = [Double](repeating: 0, count: pd.count)
  var gf = [Float](repeating: 0, count: pf.count)
  net.backward(params: pd, batch: batch, workspace: &wd, gradients: &gd)
  net.backward(params: pf, batch: batch, workspace: &wf, gradients: &gf)
  var gradientError = 0.0
  for k in gd.indices { gradientError = max(gradientError, abs(Double(gf[k]) - gd[k]) / max(1, abs(gd[k]))) }
  return (outputError, gradientError, gd)
}

/// Checks `net.initialize` (output gain 0.01) in a vector of 42s: the same
/// seed gives the same θ and another seed another; nothing outside the
/// network's slice is written; the tensors alternate weight, bias, each
/// weight tensor spread over U(−limit, limit) with `weightLimits` in order,
/// each bias 0.
func checkInitialization(_ net: some Network, weightLimits: [Double]) {
  func make(seed: UInt64) -> [Double] {
    var params = [Double](repeating: 42, count: net.parameterRange.upperBound + 4)
    var rng = TestRNG(seed: seed)
    net.initialize(&params, rng: &rng, outputGain: 0.01)
    return params
  }
  let a = make(seed: 1), b = make(seed: 1), c = make(seed: 2)
  #expect(a == b)
  #expect(a != c)
  #expect(a[0..<net.parameterOffset].allSatisfy { $0 == 42 })
  #expect(a[net.parameterRange.upperBound...].allSatisfy { $0 == 42 })
  let t = net.tensors
  #expect(t.count == 2 * weightLimits.count)
  for (l, limit) in weightLimits.enumerated() {
    let w = a[t[2 * l].range]
    #expect(w.allSatisfy { abs($0) <= limit })
    #expect(w.contains { abs($0) > 0.5 * limit })   // actually spread over the range
    #expect(w.contains { $0 < 0 } && w.contains { $0 > 0 })
    #expect(a[t[2 * l + 1].range].allSatisfy { $0 == 0 })
  }
}
