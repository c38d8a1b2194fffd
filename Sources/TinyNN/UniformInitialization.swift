// UniformInitialization.swift — the one way every layer draws its initial
// weights: U(−a, a) from 53-bit doubles, in storage order, rounded to S once,
// then scaled by a gain; biases 0. The layers differ only in a (Glorot for
// dense layers, He for convolutions) — see each layer's `initialize`.

/// Fills `params[weights ..< weights + weightCount]` with U(−limit, limit)·gain
/// and `params[bias ..< bias + biasCount]` with 0.
@inlinable
func fillUniform<S: NNScalar>(
  _ params: inout [S], weights: Int, weightCount: Int, limit: Double, gain: S = 1,
  bias: Int, biasCount: Int, rng: inout some RandomNumberGenerator
) {
  for k in 0..<weightCount {
    let u = Double(rng.next() >> 11) * 0x1.0p-53  // [0, 1)
    params[weights + k] = S((2 * u - 1) * limit) * gain
  }
  for k in 0..<biasCount { params[bias + k] = 0 }
}
