// NNScalar.swift — the scalar type every TinyNN routine is generic over.
//
// The runtime trains in `Float`; the tests check every gradient by finite
// differences in `Double`, where central differences are accurate to ~1e-10.
// Keeping one generic implementation (instead of a Float copy and a Double
// copy) means the code that is gradient-checked is the code that runs.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A floating-point scalar TinyNN can compute with.
///
/// `SIMDScalar` lets the kernels use `SIMD8<Self>` for reductions; the
/// elementary functions are static requirements because the standard library
/// has no generic `exp`/`log`/`tanh` without Foundation or swift-numerics.
/// (`Codable` only restates what `SIMDScalar`'s storage types already imply.)
public protocol NNScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable {
  /// e^x.
  static func exp(_ x: Self) -> Self
  /// Natural logarithm.
  static func log(_ x: Self) -> Self
  /// Hyperbolic tangent.
  static func tanh(_ x: Self) -> Self
  /// Square root.
  static func sqrt(_ x: Self) -> Self
}

// The bodies call the C library by its single-precision names (`expf`, …) or
// module-qualified (`Glibc.exp`): an unqualified `exp(x)` inside these
// extensions would resolve to the static requirement itself and recurse.

extension Float: NNScalar {
  @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
  @inlinable public static func log(_ x: Float) -> Float { logf(x) }
  @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
  @inlinable public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
}

extension Double: NNScalar {
  #if canImport(Glibc)
  @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
  @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
  #else
  @inlinable public static func exp(_ x: Double) -> Double { Darwin.exp(x) }
  @inlinable public static func log(_ x: Double) -> Double { Darwin.log(x) }
  @inlinable public static func tanh(_ x: Double) -> Double { Darwin.tanh(x) }
  #endif
  @inlinable public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
}
