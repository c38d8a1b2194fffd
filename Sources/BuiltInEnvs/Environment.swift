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
public struct EnvSpec: Equatable, Sendable {
  /// Gymnasium-compatible id, e.g. "CartPole-v1".
  public var id: String
  /// Number of float32 observation components.
  public var observationSize: Int
  /// The observation's shape as Gymnasium reports it (its product is
  /// `observationSize`; the flat buffer is in row-major order), e.g. `[4]`
  /// or `[10, 10, 4]`.
  public var observationShape: [Int]
  public var actionSpace: ActionSpace
  /// Steps after which an episode is truncated (Gymnasium's max_episode_steps);
  /// `Int.max` (or 0) for an environment without a time limit.
  public var maxEpisodeSteps: Int
  /// Mean return over 100 consecutive episodes that counts as solved, if any.
  public var rewardThreshold: Double?
  /// Every observation component is 0 or 1 (MinAtar's boolean planes, given
  /// to agents as float32 0/1).
  public var observationIsBinary: Bool
  /// The default probability that a step repeats the previous action instead
  /// of the chosen one (MinAtar's sticky actions, 0.1), or nil for an
  /// environment without sticky actions. `EnvOptions` can change it.
  public var stickyActionProbability: Double?
  /// Observations are bytes (uint8, 0 to 255, e.g. Atari frames), written by
  /// the byte `reset`/`step`; networks read byte b as b/255. False: float32
  /// observations through the float `reset`/`step`.
  public var observationIsBytes: Bool
  /// A step may report `lifeLost` (Atari's lives): the learning episode ends
  /// there, the environment's episode goes on.
  public var reportsLifeLoss: Bool
  /// A step's `learningReward` may differ from its `reward` (Atari's
  /// clipped rewards).
  public var shapesReward: Bool
  /// How the environment is built, in one line (an environment plugin's
  /// protocol: preprocessing, sticky actions, …), or nil.
  public var protocolLine: String?

  /// `observationShape` defaults to the flat `[observationSize]`.
  public init(id: String, observationSize: Int, observationShape: [Int]? = nil, actionSpace: ActionSpace,
              maxEpisodeSteps: Int, rewardThreshold: Double?, observationIsBinary: Bool = false,
              stickyActionProbability: Double? = nil, observationIsBytes: Bool = false,
              reportsLifeLoss: Bool = false, shapesReward: Bool = false, protocolLine: String? = nil) {
    precondition(observationShape.map { $0.reduce(1, *) == observationSize } ?? true,
                 "observation shape must hold observationSize values")
    self.id = id
    self.observationSize = observationSize
    self.observationShape = observationShape ?? [observationSize]
    self.actionSpace = actionSpace
    self.maxEpisodeSteps = maxEpisodeSteps
    self.rewardThreshold = rewardThreshold
    self.observationIsBinary = observationIsBinary
    self.stickyActionProbability = stickyActionProbability
    self.observationIsBytes = observationIsBytes
    self.reportsLifeLoss = reportsLifeLoss
    self.shapesReward = shapesReward
    self.protocolLine = protocolLine
  }

  /// Number of discrete actions (0 for a box action space).
  public var discreteActionCount: Int {
    if case .discrete(let n) = actionSpace { return n }
    return 0
  }

  /// The time limit in steps, or nil if episodes are never truncated.
  public var timeLimit: Int? {
    maxEpisodeSteps > 0 && maxEpisodeSteps < Int.max ? maxEpisodeSteps : nil
  }

  /// Number of components of a box action (0 for a discrete action space).
  public var continuousActionSize: Int {
    if case .box(let low, _) = actionSpace { return low.count }
    return 0
  }
}

/// What one step returned besides the observation.
public struct StepOutcome: Equatable, Sendable {
  /// What returns are measured in (an Atari game's score).
  public var reward: Double
  /// The episode reached a terminal state.
  public var terminated: Bool
  /// The time limit was reached on this step. As in Gymnasium's TimeLimit this
  /// is set whenever the step count reaches the limit, so it can be true
  /// together with `terminated`; `terminated` takes precedence (no bootstrap).
  public var truncated: Bool
  /// What the learner trains on: `reward`, or for an environment that
  /// shapes rewards (`EnvSpec.shapesReward`) its shaped reward (Atari's,
  /// clipped to [−1, 1]).
  public var learningReward: Double
  /// A life was lost on this step (`EnvSpec.reportsLifeLoss`): the learning
  /// episode ends here as at a terminal state (no bootstrap, a recurrent
  /// state starts afresh), but the environment is not reset and the
  /// episode that is reported (return, length) goes on.
  public var lifeLost: Bool

  public init(reward: Double, terminated: Bool, truncated: Bool) {
    self.init(reward: reward, terminated: terminated, truncated: truncated, learningReward: reward, lifeLost: false)
  }

  public init(reward: Double, terminated: Bool, truncated: Bool, learningReward: Double, lifeLost: Bool) {
    self.reward = reward
    self.terminated = terminated
    self.truncated = truncated
    self.learningReward = learningReward
    self.lifeLost = lifeLost
  }

  /// The episode is over, for either reason: the environment is reset next.
  @inlinable public var done: Bool { terminated || truncated }

  /// The learning episode ends in a terminal state: the episode terminated,
  /// or a life was lost.
  @inlinable public var learningTerminal: Bool { terminated || lifeLost }
}

/// A Gymnasium-compatible environment with a built-in time limit.
///
/// Implementations write observations into a caller-owned buffer of
/// `spec.observationSize` floats, so stepping allocates nothing.
///
/// An environment has either a discrete or a continuous (box) action space
/// (`spec.actionSpace`) and is stepped with the matching `step`: calling the
/// other one is a programming error and traps. Callers that take actions
/// from outside (e.g. `replay`) check the action space first.
///
/// For replay and tests an environment can also export its internal state
/// (`internalState`) and be restarted from one (`restore`), mid-episode: the
/// step counter of the time limit is restored with it.
public protocol Environment {
  var spec: EnvSpec { get }
  /// Steps taken since the last reset or restore (Gymnasium's TimeLimit
  /// `_elapsed_steps`): the step that makes it `spec.maxEpisodeSteps` is
  /// truncated.
  var elapsedSteps: Int { get }
  /// Starts a new episode, drawing the initial state from `rng`.
  mutating func reset(rng: inout Xoshiro256, observation: inout [Float])
  /// Starts a new episode from `seed` alone (`replay --seed`; an environment
  /// plugin's `hw_env_reset` takes exactly this). The built-in environments
  /// draw their initial state from `Xoshiro256(seed: seed)`, so a plugin that
  /// does the same starts the same episode.
  mutating func reset(seed: UInt64, observation: inout [Float])
  /// Applies a discrete action in `0..<spec.discreteActionCount` and advances
  /// one step. Traps on an action out of range, and on an environment with a
  /// box action space.
  mutating func step(action: Int, observation: inout [Float]) -> StepOutcome
  /// Applies a continuous action (one value per dimension of the box; values
  /// outside the bounds are clipped by the environment, as Gymnasium's
  /// environments do) and advances one step. Float, as Gymnasium's box
  /// actions are float32 — the rounding matters for bit-exactness. Traps on
  /// a wrong number of values, and on an environment with a discrete action
  /// space (the default implementation).
  mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome
  /// Writes the float32 observation of the current state into `observation`
  /// (resized to `spec.observationSize` if needed).
  func writeObservation(into observation: inout [Float])
  /// The internal state in the form `restore` accepts (and `replay` prints):
  /// for the classic-control tasks a list of float64 reals.
  var internalState: EnvState { get }
  /// Replaces the internal state with `state` and the step counter with
  /// `elapsedSteps` (≥ 0), as if that many steps of the current episode had
  /// been taken. Throws, changing nothing, if `state` does not have this
  /// environment's form (the message says which form).
  mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError)
  /// Byte observations (`spec.observationIsBytes`): `reset` writing
  /// `spec.observationSize` bytes. Environments of float observations do
  /// not have them (the default traps).
  mutating func reset(rng: inout Xoshiro256, bytes: inout [UInt8])
  /// `reset(seed:observation:)` writing bytes (see there).
  mutating func reset(seed: UInt64, bytes: inout [UInt8])
  /// `step(action:observation:)` writing bytes (see there).
  mutating func step(action: Int, bytes: inout [UInt8]) -> StepOutcome
  /// Another environment of this kind that shares no state with this one,
  /// for episodes played beside this one's (greedy test episodes): a copy
  /// for the value types here (the default); an environment behind a
  /// handle makes a new one, its creation seeded from `seed`.
  func independentCopy(seed: UInt64) -> any Environment
  /// Restarts the generator behind the random draws that `step` makes (MinAtar's
  /// spawns and sticky actions) from `seed`, so that what a step draws can be
  /// made a function of the step alone (`replay` seeds each step with its
  /// number). Environments whose steps draw nothing ignore it (the default).
  mutating func reseedStepDraws(_ seed: UInt64)
}

extension Environment {
  public mutating func reset(seed: UInt64, observation: inout [Float]) {
    var rng = Xoshiro256(seed: seed)
    reset(rng: &rng, observation: &observation)
  }

  public mutating func reset(rng: inout Xoshiro256, bytes: inout [UInt8]) {
    reset(seed: rng.next(), bytes: &bytes)
  }

  /// A value type's copy shares nothing with it.
  public func independentCopy(seed: UInt64) -> any Environment { self }

  /// Float environments have no byte observations: trap.
  public mutating func reset(seed: UInt64, bytes: inout [UInt8]) {
    preconditionFailure("\(spec.id) has float observations: use reset(seed:observation:)")
  }

  /// Float environments have no byte observations: trap.
  public mutating func step(action: Int, bytes: inout [UInt8]) -> StepOutcome {
    preconditionFailure("\(spec.id) has float observations: use step(action:observation:)")
  }

  /// The classic-control tasks draw nothing after reset: nothing to reseed.
  public mutating func reseedStepDraws(_ seed: UInt64) {}

  /// Discrete-action environments have no continuous step: trap.
  public mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome {
    preconditionFailure("\(spec.id) has a discrete action space: use step(action:observation:)")
  }
}
