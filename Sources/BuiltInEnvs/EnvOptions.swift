// EnvOptions.swift — the choices a caller may make when building an
// environment, beyond its id (`EnvRegistry.make(_:options:)`): `run --sticky`
// reaches the workers' MinAtar games this way, and `replay` turns sticky
// actions off.

/// Settings for building an environment. Each applies only to the
/// environments that have it (e.g. sticky actions to MinAtar's); callers
/// check `EnvSpec` before offering one.
public struct EnvOptions: Equatable, Sendable {
  /// The probability that a step repeats the previous action instead of the
  /// chosen one (MinAtar's `sticky_action_prob`), in [0, 1]; nil: the id's
  /// default (`EnvSpec.stickyActionProbability`, 0.1). Ignored by
  /// environments without sticky actions.
  public var stickyActionProbability: Double?

  public init(stickyActionProbability: Double? = nil) {
    self.stickyActionProbability = stickyActionProbability
  }
}
