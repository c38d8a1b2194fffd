// TestSupport.swift — shared helpers for the TinyNN tests: a seeded RNG, a
// naive reference forward pass, and central finite differences.

import TinyNN

/// SplitMix64, local to the tests (the project's RNG lives in Envs).
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
