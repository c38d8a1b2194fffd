// GradientClipping.swift — global L2-norm gradient clipping.

/// Scales all of `gradients` so its L2 norm is at most `maxNorm`; returns the
/// norm before clipping. See `clipGradientNorm(_:range:maxNorm:)`.
@inlinable @discardableResult
public func clipGradientNorm<S: NNScalar>(_ gradients: inout [S], maxNorm: S) -> S {
  clipGradientNorm(&gradients, range: 0..<gradients.count, maxNorm: maxNorm)
}

/// Scales `gradients[range]` by maxNorm/‖g‖ when ‖g‖ > maxNorm, so its L2
/// norm is at most `maxNorm` while its direction is unchanged; returns ‖g‖
/// before clipping (worth logging: a growing norm signals divergence).
///
/// - `maxNorm <= 0`, infinite or NaN means "no clipping" (the norm is still
///   returned), so a config value of 0 can switch clipping off.
/// - A non-finite norm (an inf/NaN gradient, or Σg² overflowing) is returned
///   as is and the gradients are left untouched: scaling by maxNorm/∞ would
///   silently zero them. The caller should drop such an update.
/// Allocates nothing; Σg² uses the SIMD partial-sum dot kernel.
@inlinable @discardableResult
public func clipGradientNorm<S: NNScalar>(
  _ gradients: inout [S], range: Range<Int>, maxNorm: S
) -> S {
  let norm = S.sqrt(Kernels.sumOfSquares(gradients, range: range))
  if maxNorm > 0, maxNorm.isFinite, norm.isFinite, norm > maxNorm {
    Kernels.scale(&gradients, range: range, by: maxNorm / norm)
  }
  return norm
}
