// GaussianPolicy.swift — the paper's policy for continuous actions: per
// action dimension a Gaussian N(μ, σ²) with μ from a linear output and the
// variance from a softplus of another, sampling, log-probability, entropy,
// and the A3C policy loss with its gradient w.r.t. both outputs.
//
// Mnih et al. 2016, section 5.2 and Supplementary 9: "a linear layer for the
// mean and a SoftPlus layer for the variance"; entropy "−½(log(2πσ²) + 1)"
// in the paper's text is the negative of the Gaussian's entropy
// ½(log(2πσ²) + 1); the bonus here is the entropy itself, β·H with
// H = ½(log(2πσ²) + 1), which rewards wider σ as the discrete case rewards
// flatter π — with the paper's sign the bonus would shrink σ instead.

/// A diagonal Gaussian policy over `count` action dimensions.
public enum GaussianPolicy {
  /// A variance floor added to the softplus, so log σ² and 1/σ² stay
  /// finite however negative the pre-activation gets.
  public static let minimumVariance = 1e-4

  /// softplus(x) = log(1 + e^x), without overflow for large x and without
  /// losing it to round-off for very negative x.
  @inlinable
  public static func softplus<S: NNScalar>(_ x: S) -> S {
    x > 0 ? x + S.log(1 + S.exp(-x)) : S.log(1 + S.exp(x))
  }

  /// The logistic function, softplus′.
  @inlinable
  public static func sigmoid<S: NNScalar>(_ x: S) -> S {
    x >= 0 ? 1 / (1 + S.exp(-x)) : S.exp(x) / (1 + S.exp(x))
  }

  /// σ² = softplus(ρ) + `minimumVariance`.
  @inlinable
  public static func variance<S: NNScalar>(preActivation rho: S) -> S {
    softplus(rho) + S(minimumVariance)
  }

  /// log N(a; μ, σ²) = −½ log(2πσ²) − (a − μ)² / (2σ²).
  @inlinable
  public static func logProbability<S: NNScalar>(action a: S, mean mu: S, variance v: S) -> S {
    let d = a - mu
    return -S(0.5) * S.log(2 * S.pi * v) - d * d / (2 * v)
  }

  /// H = ½(log(2πσ²) + 1), the entropy of N(μ, σ²).
  @inlinable
  public static func entropy<S: NNScalar>(variance v: S) -> S {
    S(0.5) * (S.log(2 * S.pi * v) + 1)
  }

  /// A draw μ + σ·ξ for a standard normal ξ.
  @inlinable
  public static func sample<S: NNScalar>(mean mu: S, variance v: S, standardNormal xi: S) -> S {
    mu + S.sqrt(v) * xi
  }

  /// A standard normal draw from two uniforms in [0, 1) (Box–Muller; u1 is
  /// mapped into (0, 1] so its log is finite).
  @inlinable
  public static func standardNormal<S: NNScalar>(uniform u1: S, _ u2: S) -> S {
    S.sqrt(-2 * S.log(1 - u1)) * cosine(2 * S.pi * u2)
  }

  @inlinable static func cosine<S: NNScalar>(_ x: S) -> S {
    // Glibc's cos through Double: Box–Muller only needs a correct cosine.
    S(cos(Double(x)))
  }

  /// The A3C policy loss of one action dimension and its gradient w.r.t.
  /// the mean output μ and the variance pre-activation ρ:
  ///
  ///   L = −log N(a; μ, σ²)·A − β·H(σ²),   σ² = softplus(ρ) + floor
  ///   dL/dμ = −A·(a − μ)/σ²
  ///   dL/dσ² = −A·((a − μ)²/(2σ⁴) − 1/(2σ²)) − β/(2σ²)
  ///   dL/dρ = dL/dσ² · sigmoid(ρ)
  ///
  /// with the advantage A a constant. `a` is the sampled action before any
  /// clipping to the environment's bounds.
  @inlinable
  public static func lossAndGradient<S: NNScalar>(
    action a: S, mean mu: S, variancePreActivation rho: S, advantage: S, entropyCoefficient beta: S
  ) -> (loss: S, dMean: S, dPreActivation: S) {
    let v = variance(preActivation: rho)
    let d = a - mu
    let loss = -logProbability(action: a, mean: mu, variance: v) * advantage - beta * entropy(variance: v)
    let dMean = -advantage * d / v
    let dVariance = -advantage * (d * d / (2 * v * v) - 1 / (2 * v)) - beta / (2 * v)
    return (loss, dMean, dVariance * sigmoid(rho))
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
