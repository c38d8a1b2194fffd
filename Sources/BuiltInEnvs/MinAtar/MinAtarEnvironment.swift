// MinAtarEnvironment.swift — a MinAtar game as a Gymnasium-style `Environment`,
// as `gym.make("MinAtar/<Game>-v0|v1")` gives it (minatar/gym.py + environment.py).
//
// What the wrapper adds to the game:
// * Action set: -v0 takes all 6 actions, -v1 the game's minimal set; the agent's
//   action is an index into that set (minatar.gym's `action_set[action]`).
// * Sticky actions (MinAtar's `Environment.act`): every step draws one uniform
//   number and, if it is below `stickyActionProbability`, repeats the last action
//   actually used instead of the chosen one. As in MinAtar, the last action starts
//   as no-op and is NOT cleared by reset: it carries over into the next episode.
// * No time limit: minatar.gym registers its ids without max_episode_steps and
//   always returns truncated = false. `terminal` becomes `terminated`. (Freeway
//   ends itself after 2500 frames, as a terminal state, like the reference.)
// * Randomness: the environment owns a Xoshiro256, reseeded from the worker's
//   generator at every reset, which drives both sticky actions and the game.
// * State: `internalState`/`restore` are the game's state record
//   (MinAtarStateForms.swift) and nothing else: not `last_action`, which only
//   matters with sticky actions on, and `replay` runs with them off.

/// A MinAtar game behind the `Environment` interface, with sticky actions and the
/// -v0 (all actions) or -v1 (minimal action set) action space.
public struct MinAtarEnvironment<Game: MinAtarGame>: Environment {
  /// `EnvSpec.maxEpisodeSteps` for ids without a time limit (MinAtar registers none).
  public static var noTimeLimit: Int { Int.max }
  /// MinAtar's default `sticky_action_prob`.
  public static var defaultStickyActionProbability: Double { 0.1 }

  /// The Gymnasium id, e.g. "MinAtar/Breakout-v1".
  public static func id(minimalActionSet: Bool) -> String {
    "MinAtar/\(Game.name)-v\(minimalActionSet ? 1 : 0)"
  }

  /// The spec of the -v0 (`minimalActionSet == false`) or -v1 id: 10×10×C
  /// binary planes, no time limit, no solved threshold, sticky actions 0.1.
  public static func spec(minimalActionSet: Bool) -> EnvSpec {
    EnvSpec(id: id(minimalActionSet: minimalActionSet), observationSize: Game.observationSize,
            observationShape: [10, 10, Game.channelCount],
            actionSpace: .discrete(minimalActionSet ? Game.minimalActionSet.count : MinAtarAction.allCases.count),
            maxEpisodeSteps: noTimeLimit, rewardThreshold: nil, observationIsBinary: true,
            stickyActionProbability: defaultStickyActionProbability)
  }

  public let spec: EnvSpec
  /// The game (its `state` can be read and replaced).
  public var game: Game
  /// The agent's action index → MinAtar action.
  public let actionSet: [MinAtarAction]
  /// MinAtar's `sticky_action_prob` (default 0.1).
  public var stickyActionProbability: Double
  /// MinAtar's `last_action`: the action used on the previous step (no-op at first).
  public var lastAction: MinAtarAction
  /// The generator behind sticky actions and the game's draws.
  public var random: Xoshiro256
  /// Steps since reset or restore (no time limit applies).
  public private(set) var elapsedSteps = 0

  /// A MinAtar environment; `difficultyRamping` is MinAtar's `difficulty_ramping`.
  /// Call `reset` before stepping.
  public init(minimalActionSet: Bool, stickyActionProbability: Double = defaultStickyActionProbability,
              difficultyRamping: Bool = true) {
    spec = Self.spec(minimalActionSet: minimalActionSet)
    game = Game(ramping: difficultyRamping)
    actionSet = minimalActionSet ? Game.minimalActionSet : MinAtarAction.allCases
    self.stickyActionProbability = stickyActionProbability
    lastAction = .noop
    random = Xoshiro256(seed: 0)
  }

  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    random = Xoshiro256(seed: rng.next())
    game.reset(random: &random)
    elapsedSteps = 0
    game.writeObservation(into: &observation)
  }

  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    var used = actionSet[action]
    // MinAtar draws the sticky-action number on every step, even with probability 0.
    if random.rand() < stickyActionProbability { used = lastAction }
    lastAction = used
    let (reward, terminal) = game.act(used, random: &random)
    elapsedSteps += 1
    game.writeObservation(into: &observation)
    return StepOutcome(reward: Double(reward), terminated: terminal, truncated: false)
  }

  public func writeObservation(into observation: inout [Float]) {
    if observation.count != spec.observationSize {
      observation = [Float](repeating: 0, count: spec.observationSize)
    }
    game.writeObservation(into: &observation)
  }

  /// The game's state as a record with MinAtar's attribute names.
  public var internalState: EnvState { game.state.envState }

  /// Replaces the game's state (checked by its `validationError`); the last
  /// action and the generator are left as they are.
  public mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError) {
    try EnvStateError.checkElapsed(elapsedSteps, for: spec.id)
    game.state = try Game.State(envState: state, for: spec.id)
    self.elapsedSteps = elapsedSteps
  }

  public mutating func reseedStepDraws(_ seed: UInt64) {
    random = Xoshiro256(seed: seed)
  }
}
