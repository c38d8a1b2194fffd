// Activation.swift — the nonlinearity applied after every hidden layer.

/// Elementwise nonlinearity of the hidden layers (the output layer is linear).
///
/// Both derivatives are expressed through the activation's *output* a = f(z),
/// so the backward pass needs only the stored activations, not the
/// pre-activations:
/// - `tanh`: a = tanh z, f'(z) = 1 − a².
/// - `relu`: a = max(z, 0), f'(z) = 1 if a > 0 else 0 (the subgradient 0 is
///   used at the kink z = 0).
public enum Activation: String, CaseIterable, Sendable {
  case tanh
  case relu

  /// f(z).
  @inlinable
  public func apply<S: NNScalar>(_ z: S) -> S {
    switch self {
    case .tanh: return S.tanh(z)
    // `z > 0 ? z : 0` rather than `max`: maps NaN to 0 consistently with
    // the derivative below, and compiles to a branch-free select.
    case .relu: return z > 0 ? z : 0
    }
  }

  /// f'(z) written in terms of a = f(z).
  @inlinable
  public func derivative<S: NNScalar>(output a: S) -> S {
    switch self {
    case .tanh: return 1 - a * a
    case .relu: return a > 0 ? 1 : 0
    }
  }
}
