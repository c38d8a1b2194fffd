// EnvRegistry.swift — environment ids → specs and constructors.
//
// Table-driven: adding an environment means adding one `Entry` to `entries`.

/// The environments this package provides, looked up by Gymnasium id.
public enum EnvRegistry {
  /// One registered environment.
  struct Entry: Sendable {
    var spec: EnvSpec
    var make: @Sendable () -> any Environment
  }

  /// Registration order is the order of `ids`.
  static let entries: [Entry] = [
    Entry(spec: CartPole.spec, make: { CartPole() }),
    Entry(spec: Acrobot.spec, make: { Acrobot() }),
    Entry(spec: MountainCar.spec, make: { MountainCar() }),
    Entry(spec: Pendulum.spec, make: { Pendulum() }),
  ] + minAtar(Asterix.self) + minAtar(Breakout.self) + minAtar(Freeway.self)
    + minAtar(Seaquest.self) + minAtar(SpaceInvaders.self)

  /// A MinAtar game's two ids, as minatar.gym registers them: -v0 with all 6
  /// actions, -v1 with the game's minimal action set (games in alphabetical order,
  /// as there). Sticky actions 0.1, difficulty ramping on, no time limit.
  static func minAtar<Game: MinAtarGame>(_ game: Game.Type) -> [Entry] {
    [false, true].map { minimal in
      Entry(spec: MinAtarEnvironment<Game>.spec(minimalActionSet: minimal),
            make: { MinAtarEnvironment<Game>(minimalActionSet: minimal) })
    }
  }

  /// All registered ids, in registration order.
  public static var ids: [String] { entries.map(\.spec.id) }

  /// The spec of `id`, or nil if no such environment is registered.
  public static func spec(_ id: String) -> EnvSpec? {
    entries.first { $0.spec.id == id }?.spec
  }

  /// A new instance of `id` (call `reset` before stepping), or nil if unknown.
  public static func make(_ id: String) -> (any Environment)? {
    entries.first { $0.spec.id == id }?.make()
  }
}
