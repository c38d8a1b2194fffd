// EnvRegistry.swift — environment ids → specs and constructors.
//
// Table-driven: adding an environment means adding one `Entry` to `entries`.
// `make` takes `EnvOptions` (e.g. a sticky-action probability); environments
// ignore the options they do not have.

/// The environments this package provides, looked up by Gymnasium id.
public enum EnvRegistry {
  /// One registered environment.
  struct Entry: Sendable {
    var spec: EnvSpec
    var make: @Sendable (EnvOptions) -> any Environment
  }

  /// Registration order is the order of `ids`.
  static let entries: [Entry] = [
    Entry(spec: CartPole.spec, make: { _ in CartPole() }),
    Entry(spec: Acrobot.spec, make: { _ in Acrobot() }),
    Entry(spec: MountainCar.spec, make: { _ in MountainCar() }),
    Entry(spec: Pendulum.spec, make: { _ in Pendulum() }),
    Entry(spec: PartialObservation.cartPoleNoVel.spec, make: { _ in PartialObservation.cartPoleNoVel }),
    Entry(spec: PartialObservation.pendulumNoVel.spec, make: { _ in PartialObservation.pendulumNoVel }),
  ] + minAtar(Asterix.self) + minAtar(Breakout.self) + minAtar(Freeway.self)
    + minAtar(Seaquest.self) + minAtar(SpaceInvaders.self)

  /// A MinAtar game's two ids, as minatar.gym registers them: -v0 with all 6
  /// actions, -v1 with the game's minimal action set (games in alphabetical order,
  /// as there). Sticky actions 0.1 unless the options say otherwise, difficulty
  /// ramping on, no time limit.
  static func minAtar<Game: MinAtarGame>(_ game: Game.Type) -> [Entry] {
    [false, true].map { minimal in
      let spec = MinAtarEnvironment<Game>.spec(minimalActionSet: minimal)
      return Entry(spec: spec, make: { options in
        MinAtarEnvironment<Game>(minimalActionSet: minimal,
                                 stickyActionProbability: options.stickyActionProbability
                                   ?? MinAtarEnvironment<Game>.defaultStickyActionProbability)
      })
    }
  }

  /// All registered ids, in registration order.
  public static var ids: [String] { entries.map(\.spec.id) }

  /// The spec of `id`, or nil if no such environment is registered.
  public static func spec(_ id: String) -> EnvSpec? {
    entries.first { $0.spec.id == id }?.spec
  }

  /// A new instance of `id` built with `options` (call `reset` before
  /// stepping), or nil if unknown.
  public static func make(_ id: String, options: EnvOptions = EnvOptions()) -> (any Environment)? {
    entries.first { $0.spec.id == id }?.make(options)
  }
}
