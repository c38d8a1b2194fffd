// ClassicControlMath.swift — the scalar helpers the classic-control tasks
// share, each with the reference's exact semantics (including NaN: a NaN
// input stays NaN, as with NumPy's clip and Python's min/max).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `x` limited to `[low, high]`, as `numpy.clip` and Python's
/// `min(max(x, low), high)` do for a scalar.
func clamp(_ x: Double, _ low: Double, _ high: Double) -> Double {
  x < low ? low : (x > high ? high : x)
}

/// `a mod b` with the sign of `b` (Python's and NumPy's `%` on floats):
/// C's `fmod`, shifted by `b` when it has the other sign; a zero result takes
/// the sign of `b`.
func floorMod(_ a: Double, _ b: Double) -> Double {
  let r = fmod(a, b)
  if r == 0 { return copysign(0, b) }
  return (r < 0) != (b < 0) ? r + b : r
}

/// `x ** 2` as Python and NumPy compute it on a float64 scalar: glibc's
/// `pow(x, 2.0)`, which is not correctly rounded and differs from `x * x`
/// in about 1 case in 1,200 (by one ulp). Acrobot and Pendulum square with
/// `**`; CartPole uses `np.square`, which is `x * x`.
///
/// Kept out of the optimizer's reach: LLVM rewrites `pow(x, 2.0)` into
/// `x * x`, which would lose exactly those cases.
@inline(never) @_optimize(none)
func referenceSquare(_ x: Double) -> Double {
  pow(x, 2.0)
}

/// `u ** 2` on a float32 scalar: NumPy calls glibc's `powf(u, 2.0f)`, which
/// (like `pow`) sometimes differs from `u * u`.
@inline(never) @_optimize(none)
func referenceSquare(_ u: Float) -> Float {
  powf(u, 2.0)
}
