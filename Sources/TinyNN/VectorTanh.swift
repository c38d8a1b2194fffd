// VectorTanh.swift — tanh over eight lanes at once.
//
// glibc's tanhf is a scalar call of ~20 ns; with 128 hidden units per step it
// was a quarter of a worker's time. For Float, this computes
//   tanh|x| = 1 − 2/(e^{2|x|} + 1)           for |x| ≥ 0.25
//   tanh|x| = x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835   for |x| < 0.25
// (the second avoids the cancellation of the first near 0; its truncation
// error is below 1e-9 there), with e^y from y = k·ln2 + r, |r| ≤ ln2/2, and a
// degree-6 Taylor polynomial for e^r (relative error ≤ 1.3e-7), scaled by
// 2^k built from the exponent bits. |x| is capped at 10, where tanh is 1 in
// Float. The absolute error against tanhf is below 3e-7 everywhere (tested).
// Double keeps the C library's tanh: the gradient checks run in Double and
// must see an exact forward pass.

extension Float {
  @inlinable @inline(__always)
  public static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let ln2Hi: Float = 0.693_359_375, ln2Lo: Float = -2.121_944_4e-4, log2e: Float = 1.442_695_04
    let c2: Float = 1.0 / 2, c3: Float = 1.0 / 6, c4: Float = 1.0 / 24
    let c5: Float = 1.0 / 120, c6: Float = 1.0 / 720
    let t3: Float = -1.0 / 3, t5: Float = 2.0 / 15, t7: Float = -17.0 / 315, t9: Float = 62.0 / 2835
    let negative = x .< 0
    var ax = x.replacing(with: -x, where: negative)
    ax.replace(with: 10, where: ax .> 10)  // +inf included; NaN fails the test and is restored below
    // e^{2|x|} = 2^k · e^r
    let y = ax + ax
    // Round y·log2(e) to an integer by adding 1.5·2^23: the sum's low
    // mantissa bits are then that integer (no SSE4.1 round needed).
    let magic: Float = 12_582_912
    let shifted = y * log2e + magic
    let k = shifted - magic
    let r = y - k * ln2Hi - k * ln2Lo
    var p = r * c6 + c5
    p = p * r + c4
    p = p * r + c3
    p = p * r + c2
    p = p * r + 1
    p = p * r + 1
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    let e = p * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    let large = 1 - 2 / (e + 1)
    let x2 = ax * ax
    var s = x2 * t9 + t7
    s = s * x2 + t5
    s = s * x2 + t3
    let small = ax + ax * x2 * s
    var t = large.replacing(with: small, where: ax .< 0.25)
    t.replace(with: -t, where: negative)
    t.replace(with: x, where: x .!= x)  // NaN stays NaN
    return t
  }
}

extension NNScalar {
  /// tanh of eight lanes: the vector approximation for Float, the C
  /// library's tanh lane by lane for Double.
  @inlinable @inline(__always)
  static func tanh8(_ x: SIMD8<Self>) -> SIMD8<Self> {
    if Self.self == Float.self {
      return unsafeBitCast(Float.tanh(unsafeBitCast(x, to: SIMD8<Float>.self)), to: SIMD8<Self>.self)
    }
    var out = x
    for i in 0..<8 { out[i] = Self.tanh(x[i]) }
    return out
  }
}
