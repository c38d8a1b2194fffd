// ValueLoss.swift — the critic's squared-error loss.

/// Value loss L = c·(R − V)² for a value estimate V and a (bootstrapped)
/// return R treated as a constant.
public enum ValueLoss {
  /// Returns L = c·(R − V)² and dL/dV = −2c·(R − V).
  ///
  /// - Parameters:
  ///   - value: V, the network's estimate.
  ///   - target: R, the return; no gradient flows into it.
  ///   - coefficient: c (A3C commonly uses 0.5, making dL/dV = V − R).
  @inlinable
  public static func lossAndGradient<S: NNScalar>(
    value: S, target: S, coefficient: S
  ) -> (loss: S, gradient: S) {
    let error = target - value
    return (coefficient * error * error, -2 * coefficient * error)
  }
}
