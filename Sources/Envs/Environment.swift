// Environment.swift — the interface every environment implements.
//
// Semantics follow Gymnasium 1.x: `step` reports `terminated` (the MDP reached
// a terminal state: do not bootstrap) separately from `truncated` (a time limit
// cut the episode: bootstrap from V(s)). The time limit is part of each
// environment, as Gymnasium's registration wraps it in TimeLimit.

/// The action space of an environment.
public enum ActionSpace: Equatable, Sendable {
  /// Actions 0..<n.
  case discrete(Int)
  /// A box of real-valued actions with per-dimension bounds.
  case box(low: [Double], high: [Double])
}

/// Static facts about an environment id.
public struct EnvSpec: Sendable {
  /// Gymnasium-compatible id, e.g. "CartPole-v1".
  public var id: String
  /// Number of float32 observation components.
  public var observationSize: Int
  public var actionSpace: ActionSpace
  /// Steps after which an episode is truncated (Gymnasium's max_episode_steps).
  public var maxEpisodeSteps: Int
  /// Mean return over 100 consecutive episodes that counts as solved, if any.
  public var rewardThreshold: Double?

  public init(id: String, observationSize: Int, actionSpace: ActionSpace,
              maxEpisodeSteps: Int, rewardThreshold: Double?) {
    self.id = id
    self.observationSize = observationSize
    self.actionSpace = actionSpace
    self.maxEpisodeSteps = maxEpisodeSteps
    self.rewardThreshold = rewardThreshold
  }

  /// Number of discrete actions (0 for a box action space).
  public var discreteActionCount: Int {
    if case .discrete(let n) = actionSpace { return n }
    return 0
  }
}

/// What one step returned besides the observation.
public struct StepOutcome: Equatable, Sendable {
  public var reward: Double
  /// The episode reached a terminal state.
  public var terminated: Bool
  /// The time limit was reached on this step. As in Gymnasium's TimeLimit this
  /// is set whenever the step count reaches the limit, so it can be true
  /// together with `terminated`; `terminated` takes precedence (no bootstrap).
  public var truncated: Bool

  public init(reward: Double, terminated: Bool, truncated: Bool) {
    self.reward = reward
    self.terminated = terminated
    self.truncated = truncated
  }

  /// The episode is over, for either reason.
  @inlinable public var done: Bool { terminated || truncated }
}

/// A Gymnasium-compatible environment with a built-in time limit.
///
/// Implementations write observations into a caller-owned buffer of
/// `spec.observationSize` floats, so stepping allocates nothing.
public protocol Environment {
  var spec: EnvSpec { get }
  /// Starts a new episode, drawing the initial state from `rng`.
  mutating func reset(rng: inout Xoshiro256, observation: inout [Float])
  /// Applies a discrete action and advances one step.
  mutating func step(action: Int, observation: inout [Float]) -> StepOutcome
}
