// CategoricalPolicy.swift — softmax policy over logits: probabilities,
// sampling, log-probability, entropy, and the A3C policy loss with its
// gradient w.r.t. the logits.
//
// Every routine works in log-sum-exp form (subtract the max logit first), so
// logits of ±1000 neither overflow nor produce NaN, and log π is computed as
// z − logsumexp(z) rather than log(softmax), which stays finite where the
// probability underflows to 0. Action counts are small, so plain (checked)
// array indexing is used; nothing here allocates.

/// A categorical policy π = softmax(z) over `count` logits.
public enum CategoricalPolicy {
  /// probs[0..<n] = softmax(logits[offset ..< offset+n]), n = `count`:
  /// p_j = e^(z_j − m) / Σ_k e^(z_k − m) with m = max z (exact same value,
  /// but every exponent is ≤ 0, so nothing overflows and Σ ≥ 1).
  @inlinable
  public static func softmax<S: NNScalar>(
    logits: [S], offset: Int = 0, count: Int, into probs: inout [S]
  ) {
    _ = expAndLogSumExp(logits: logits, offset: offset, count: count, into: &probs)
  }

  /// Writes e^(z_j − m) into probs[0..<n], normalises it to softmax, and
  /// returns logsumexp(z) = m + log Σ e^(z_j − m).
  @inlinable
  static func expAndLogSumExp<S: NNScalar>(
    logits: [S], offset: Int, count n: Int, into probs: inout [S]
  ) -> S {
    precondition(n >= 1 && offset >= 0 && offset + n <= logits.count && n <= probs.count,
                 "TinyNN: softmax ranges out of bounds")
    var m = logits[offset]
    for j in 1..<n where logits[offset + j] > m { m = logits[offset + j] }
    var sum: S = 0
    for j in 0..<n {
      let e = S.exp(logits[offset + j] - m)
      probs[j] = e
      sum += e
    }
    let inv = 1 / sum
    for j in 0..<n { probs[j] *= inv }
    return m + S.log(sum)
  }

  /// Inverse-CDF sampling: the first index j with u < p_0 + … + p_j, for a
  /// uniform u in [0, 1).
  ///
  /// Zero-probability indices are never returned (they do not advance the
  /// cumulative sum, and are skipped explicitly so a u equal to the running
  /// sum cannot land on them). If round-off leaves Σp < 1 and u falls past
  /// the end, the last index with p > 0 is returned; if every p is 0,
  /// `count − 1`.
  @inlinable
  public static func sample<S: NNScalar>(probs: [S], count: Int, uniform u: S) -> Int {
    precondition(count >= 1 && count <= probs.count, "TinyNN: sample count out of range")
    var cumulative: S = 0
    var lastPositive = count - 1
    for j in 0..<count where probs[j] > 0 {
      cumulative += probs[j]
      if u < cumulative { return j }
      lastPositive = j
    }
    return lastPositive
  }

  /// log π(action) = z_a − logsumexp(z), computed from the logits so it is
  /// finite even where π(action) underflows.
  @inlinable
  public static func logProbability<S: NNScalar>(
    logits: [S], offset: Int = 0, count: Int, action: Int
  ) -> S {
    precondition(count >= 1 && offset >= 0 && offset + count <= logits.count,
                 "TinyNN: logits range out of bounds")
    precondition(action >= 0 && action < count, "TinyNN: action \(action) out of range")
    var m = logits[offset]
    for j in 1..<count where logits[offset + j] > m { m = logits[offset + j] }
    var sum: S = 0
    for j in 0..<count { sum += S.exp(logits[offset + j] - m) }
    return logits[offset + action] - m - S.log(sum)
  }

  /// Entropy H = −Σ p_j log p_j over probs[0..<count], with p log p = 0 at
  /// p = 0 (its limit), so a deterministic policy has H = 0, not NaN.
  @inlinable
  public static func entropy<S: NNScalar>(probs: [S], count: Int) -> S {
    precondition(count >= 1 && count <= probs.count, "TinyNN: entropy count out of range")
    var h: S = 0
    for j in 0..<count where probs[j] > 0 { h -= probs[j] * S.log(probs[j]) }
    return h
  }

  /// The A3C policy loss for one step and its gradient w.r.t. the logits.
  ///
  /// L = −log π(a)·A − β·H(π), with π = softmax(z), the advantage A a
  /// constant (no gradient flows into the critic through it) and
  /// H = −Σ p log p. Minimising L raises log π(a) when A > 0 and, for β > 0,
  /// keeps the policy from collapsing early. The gradient is
  ///
  ///   dL/dz_j = A·(p_j − 1[j = a]) + β·p_j·(log p_j + H)
  ///
  /// (the second term is −β·dH/dz_j; it is 0 where p_j = 0).
  ///
  /// - Parameters:
  ///   - logits: z at `logits[offset ..< offset+count]` (e.g. a workspace's
  ///     `activations` at `outputOffset(row:)`).
  ///   - probabilities: scratch of at least `count`; holds π on return, so
  ///     the caller can log entropy without recomputing the softmax.
  ///   - gradient: dL/dz is written (=, not +=) into
  ///     `gradient[gradientOffset ..< gradientOffset+count]` (e.g. a
  ///     workspace's `outputGradient` at `outputGradientOffset(row:)`).
  /// - Returns: L.
  @inlinable
  public static func lossAndLogitGradient<S: NNScalar>(
    logits: [S], offset: Int = 0, count: Int, action: Int,
    advantage: S, entropyCoefficient beta: S,
    probabilities: inout [S], gradient: inout [S], gradientOffset: Int = 0
  ) -> S {
    precondition(action >= 0 && action < count, "TinyNN: action \(action) out of range")
    precondition(gradientOffset >= 0 && gradientOffset + count <= gradient.count,
                 "TinyNN: gradient range out of bounds")
    let lse = expAndLogSumExp(logits: logits, offset: offset, count: count,
                              into: &probabilities)
    // H from log p_j = z_j − lse (finite even if p_j underflowed to 0).
    var h: S = 0
    for j in 0..<count where probabilities[j] > 0 {
      h -= probabilities[j] * (logits[offset + j] - lse)
    }
    let logPa = logits[offset + action] - lse
    for j in 0..<count {
      let p = probabilities[j]
      var g = advantage * (j == action ? p - 1 : p)
      if p > 0 { g += beta * p * (logits[offset + j] - lse + h) }
      gradient[gradientOffset + j] = g
    }
    return -logPa * advantage - beta * h
  }
}
