// Returns.swift — the targets an actor-critic learns from, computed backwards
// over one rollout (Mnih et al. 2016, Algorithm S3; Schulman et al. 2016 for
// GAE). Shared by the actor-critic algorithms; allocation-free.
//
// A rollout of k steps has rewards r_0 … r_{k−1} and values V(s_0) … V(s_{k−1});
// `bootstrap` is V(s_k) when the rollout stopped at n steps or at a time-limit
// truncation, and 0 when s_k is terminal.

/// n-step returns and generalized advantage estimates.
public enum Returns {
  /// n-step returns R_i = r_i + γ·R_{i+1}, with R_k = bootstrap.
  @inlinable
  public static func nStep(rewards: [Float], count k: Int, bootstrap: Float, gamma: Float,
                           into returns: inout [Float]) {
    precondition(k <= rewards.count && k <= returns.count, "rollout longer than its buffers")
    var R = bootstrap
    for i in stride(from: k - 1, through: 0, by: -1) {
      R = rewards[i] + gamma * R
      returns[i] = R
    }
  }

  /// GAE(γ, λ): δ_i = r_i + γ·V(s_{i+1}) − V(s_i), A_i = Σ_l (γλ)^l δ_{i+l},
  /// and the value targets R_i = A_i + V(s_i) (the λ-return). With λ = 1,
  /// A_i = R_i − V(s_i) for the n-step return R_i; with λ = 0, A_i = δ_i.
  @inlinable
  public static func generalizedAdvantages(
    rewards: [Float], values: [Float], count k: Int, bootstrap: Float, gamma: Float, lambda: Float,
    advantages: inout [Float], returns: inout [Float]
  ) {
    precondition(k <= rewards.count && k <= values.count && k <= advantages.count && k <= returns.count,
                 "rollout longer than its buffers")
    var nextValue = bootstrap
    var A: Float = 0
    for i in stride(from: k - 1, through: 0, by: -1) {
      let delta = rewards[i] + gamma * nextValue - values[i]
      A = delta + gamma * lambda * A
      advantages[i] = A
      returns[i] = A + values[i]
      nextValue = values[i]
    }
  }
}

extension Returns {
  /// GAE over a lockstep rollout of K environments (row t·K + k is step t
  /// of environment k), whose episodes may end inside: after a row whose
  /// episode terminated the tail is 0, after a truncation it is
  /// `truncationValues[row]` (V of the state reached), and the sums start
  /// afresh; the last row of environment k continues into `bootstraps[k]`.
  /// With K = 1 and no end before the last row this is
  /// `generalizedAdvantages(rewards:values:count:bootstrap:…)`, operation
  /// for operation.
  static func generalizedAdvantages(
    _ rollout: RolloutBuffer, values: [Float], gamma: Float, lambda: Float,
    advantages: inout [Float], returns: inout [Float]
  ) {
    let (K, steps, rewards, ends) = (rollout.envCount, rollout.steps, rollout.rewards, rollout.ends)
    let rows = rollout.rows
    precondition(rows <= values.count && rows <= advantages.count && rows <= returns.count,
                 "rollout longer than its buffers")
    for k in 0..<K {
      var nextValue = rollout.bootstraps[k]
      var A: Float = 0
      for t in stride(from: steps - 1, through: 0, by: -1) {
        let i = t * K + k
        switch ends[i] {
        case .running: break
        case .terminated: nextValue = 0; A = 0
        case .truncated: nextValue = rollout.truncationValues[i]; A = 0
        }
        let delta = rewards[i] + gamma * nextValue - values[i]
        A = delta + gamma * lambda * A
        advantages[i] = A
        returns[i] = A + values[i]
        nextValue = values[i]
      }
    }
  }

  /// n-step returns over a lockstep rollout, cut at episode ends as
  /// `generalizedAdvantages(_:values:…)`: after a terminal row R = 0, after
  /// a truncation R = `truncationValues[row]`; the last row of environment
  /// k continues into `bootstraps[k]`. With K = 1 and no end before the
  /// last row this is `nStep(rewards:count:bootstrap:…)`, operation for
  /// operation.
  static func nStep(_ rollout: RolloutBuffer, gamma: Float, into returns: inout [Float]) {
    let (K, steps, rewards, ends) = (rollout.envCount, rollout.steps, rollout.rewards, rollout.ends)
    precondition(rollout.rows <= returns.count, "rollout longer than its buffers")
    for k in 0..<K {
      var R = rollout.bootstraps[k]
      for t in stride(from: steps - 1, through: 0, by: -1) {
        let i = t * K + k
        switch ends[i] {
        case .running: break
        case .terminated: R = 0
        case .truncated: R = rollout.truncationValues[i]
        }
        R = rewards[i] + gamma * R
        returns[i] = R
      }
    }
  }
}
