// QLearning.swift — the small rules the value-based algorithms share
// (Mnih et al. 2016, Algorithms 1 and S2): each worker's ε-greedy
// exploration, the loss on the TD error and greedy choice. (When θ⁻ ← θ
// is copied is HogwildLink's TargetSync.)

/// ε for one worker: annealed linearly from 1 to a final ε over the first
/// `annealSteps` global steps, then constant. Each worker draws its final ε
/// from {0.1, 0.01, 0.5} with probabilities {0.4, 0.3, 0.3} (the paper).
import BuiltInEnvs

public struct EpsilonSchedule: Equatable, Sendable {
  public var final: Float
  public var annealSteps: UInt64

  public init(final: Float, annealSteps: UInt64) {
    self.final = final
    self.annealSteps = annealSteps
  }

  /// The paper's final ε for a uniform draw u in [0, 1).
  public static func drawFinal(uniform u: Float) -> Float {
    if u < 0.4 { return 0.1 }
    if u < 0.7 { return 0.01 }
    return 0.5
  }

  /// Worker `rank`'s schedule: its final ε drawn from a stream of its own
  /// (the same after a restart), unless --eps-final fixes it for all.
  static func forWorker(rank: Int, seed: UInt64, hyper: Hyperparameters) -> EpsilonSchedule {
    var rng = Xoshiro256(seed: seed, stream: 0xE951_0000 &+ UInt64(rank))
    let drawn = drawFinal(uniform: rng.nextUnitFloat())
    return EpsilonSchedule(final: hyper.epsilonFinal.map(Float.init) ?? drawn,
                           annealSteps: UInt64(hyper.epsilonAnneal))
  }

  /// ε at global step `t`.
  @inlinable public func epsilon(at t: UInt64) -> Float {
    guard annealSteps > 0, t < annealSteps else { return final }
    let frac = Float(Double(t) / Double(annealSteps))
    return 1 + (final - 1) * frac
  }
}

/// The loss on the TD error e = R − Q(s, a), R a constant.
public enum QLoss: String, CaseIterable, Sendable {
  /// e² (the paper).
  case squared
  /// Huber with δ = 1: ½e² for |e| ≤ 1, |e| − ½ beyond (DQN's clipped error).
  case huber

  /// dL/dQ for the TD error e = R − Q.
  @inlinable public func gradient(target R: Float, value Q: Float) -> Float {
    let e = R - Q
    switch self {
    case .squared: return -2 * e
    case .huber: return e > 1 ? -1 : (e < -1 ? 1 : -e)
    }
  }
}

/// Greedy and ε-greedy action choice over Q-values.
public enum QPolicy {
  /// argmax_a Q(s, a), lowest index on ties.
  @inlinable public static func greedy(_ q: [Float], offset: Int, count: Int) -> Int {
    var best = 0
    for a in 1..<max(1, count) where q[offset + a] > q[offset + best] { best = a }
    return best
  }

  /// max_a Q(s, a).
  @inlinable public static func maxValue(_ q: [Float], offset: Int, count: Int) -> Float {
    q[offset + greedy(q, offset: offset, count: count)]
  }

  /// With probability ε a uniformly random action, else `greedy`: the first
  /// draw decides, a second one picks the random action.
  @inlinable public static func epsilonGreedy(_ q: [Float], offset: Int, count: Int, epsilon: Float,
                                              rng: inout Xoshiro256) -> Int {
    if rng.nextUnitFloat() < epsilon {
      return min(Int(rng.nextUnitFloat() * Float(count)), count - 1)
    }
    return greedy(q, offset: offset, count: count)
  }
}
