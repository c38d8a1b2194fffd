// MinAtarGame.swift — what every MinAtar game provides to the Gymnasium-style adapter.
//
// Reference: MinAtar 1.0.15 (Young & Tian 2019), minatar/environments/*.py. Each game
// is a small integer state machine on a 10×10 grid; its observation is a stack of
// binary planes. The games here are ports of the reference rules, step for step;
// sticky actions and the action-set choice (v0/v1) live in `MinAtarEnvironment`,
// as they live in MinAtar's `Environment` wrapper and `minatar.gym`.

/// MinAtar's six actions, numbered as its `action_map` ['n','l','u','r','d','f'].
/// Every game accepts all six; the ones outside its minimal set act as no-ops.
public enum MinAtarAction: Int, CaseIterable, Sendable {
  case noop = 0, left, up, right, down, fire
}

/// One MinAtar game: rules, state and observation.
///
/// `act` reproduces the reference `Env.act` (including that a terminal game
/// returns reward 0 and changes nothing); random draws go through `random`, in
/// the reference's order, so a test can feed recorded draws.
public protocol MinAtarGame: Sendable {
  /// The game's complete internal state, as plain data (for tests and replay).
  associatedtype State: MinAtarState

  /// The name used in the Gymnasium id, e.g. "Breakout" in "MinAtar/Breakout-v0".
  static var name: String { get }
  /// Number of observation planes C (the observation is 10×10×C).
  static var channelCount: Int { get }
  /// MinAtar's `minimal_action_set()`: the actions of the -v1 id, in its order.
  static var minimalActionSet: [MinAtarAction] { get }

  /// A game in its reset state drawn from a fixed source; call `reset` to start an
  /// episode. `ramping` is MinAtar's `difficulty_ramping` (ignored by games that
  /// do not ramp: Breakout and Freeway).
  init(ramping: Bool)

  /// Whether difficulty ramping is on.
  var ramping: Bool { get }
  /// The complete internal state. Setting it replaces the game's state as is.
  var state: State { get set }
  /// MinAtar's `difficulty_ramp()`: the ramp level, or nil for games that do not ramp.
  var difficultyRamp: Int? { get }

  /// MinAtar's `reset()`: a new episode.
  mutating func reset(random: inout some MinAtarRandomSource)
  /// MinAtar's `act(a)`: advances one frame.
  mutating func act(_ action: MinAtarAction, random: inout some MinAtarRandomSource)
    -> (reward: Int, terminal: Bool)
  /// Calls `body(row, column, channel)` for every cell set in MinAtar's `state()`
  /// (row 0 at the top). A cell may be reported more than once.
  func forEachActiveCell(_ body: (_ row: Int, _ column: Int, _ channel: Int) -> Void)
}

/// What every game's state has in common: `terminal`, a check that a state
/// set from outside is safe to run (MinAtarStateValidation.swift), and the
/// `EnvState` record `replay` prints and restores (MinAtarStateForms.swift).
public protocol MinAtarState: MinAtarStateForm, Equatable, Sendable {
  /// The episode has ended (MinAtar's `terminal`).
  var terminal: Bool { get }
  /// nil if the game can run from this state, else what is wrong with it.
  var validationError: String? { get }
}

extension MinAtarGame {
  /// The episode has ended (MinAtar's `terminal`).
  public var terminal: Bool { state.terminal }

  /// Floats in one observation: 10 × 10 × C.
  public static var observationSize: Int { 100 * channelCount }

  /// Writes MinAtar's `state()` as 0/1 floats in [row][column][channel] order
  /// (NumPy's C order of the (10, 10, C) array) into `observation`, which is
  /// resized only if it has the wrong length.
  public func writeObservation(into observation: inout [Float]) {
    let channels = Self.channelCount
    if observation.count != 100 * channels {
      observation = [Float](repeating: 0, count: 100 * channels)
    } else {
      for i in observation.indices { observation[i] = 0 }
    }
    forEachActiveCell { row, column, channel in
      observation[(row * 10 + column) * channels + channel] = 1
    }
  }
}
