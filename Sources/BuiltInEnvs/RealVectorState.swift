// RealVectorState.swift — the internal-state form of the classic-control
// tasks: a fixed list of named float64 reals. One implementation of
// `internalState` and `restore` serves every such environment.

/// An environment whose internal state is a fixed list of named float64
/// reals, e.g. CartPole's `[x, x_dot, theta, theta_dot]`.
public protocol RealVectorStateEnvironment: Environment {
  /// The components' names, in order (they phrase restore's errors).
  static var stateNames: [String] { get }
  /// The internal float64 state, as Gymnasium's `env.unwrapped.state`.
  var state: [Double] { get set }
  var elapsedSteps: Int { get set }
}

extension RealVectorStateEnvironment {
  /// `state` as an `EnvState` list of reals.
  public var internalState: EnvState { .reals(state) }

  public mutating func restore(_ newState: EnvState, elapsedSteps: Int) throws(EnvStateError) {
    try restoreRealVector(newState, elapsedSteps: elapsedSteps)
  }

  /// Sets `state` (exactly `stateNames.count` finite numbers) and the step
  /// counter, or throws changing nothing. For environments that restore more
  /// than that.
  public mutating func restoreRealVector(_ newState: EnvState, elapsedSteps: Int) throws(EnvStateError) {
    let values = try newState.finiteReals(named: Self.stateNames, for: spec.id)
    try EnvStateError.checkElapsed(elapsedSteps, for: spec.id)
    state = values
    self.elapsedSteps = elapsedSteps
  }
}
