// MountainCar.swift — Gymnasium 1.x MountainCar-v0, bit-exact on glibc.
//
// Reference: gymnasium 1.4.0, class MountainCarEnv, wrapped by gym.make in
// TimeLimit(200). The state is two float64 values; the velocity update forms
// its bracketed sum before adding it (Python's `+=`), and `cos` is Glibc's,
// which is what Python's math.cos calls — so trajectories match Gymnasium bit
// for bit (Tests/BuiltInEnvsTests/MountainCarTests.swift checks recorded episodes).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An underpowered car in a valley (Moore 1990) as Gymnasium's
/// MountainCar-v0: action 0 accelerates left, 1 does nothing, 2 accelerates
/// right; reward −1.0 on every step including the last; the episode
/// terminates when the car reaches position ≥ 0.5 with velocity ≥ 0 and is
/// truncated after 200 steps.
public struct MountainCar: RealVectorStateEnvironment, Sendable, Equatable {
  /// Position along the track (−1.2 … 0.6; the goal is at 0.5).
  public var position: Double
  /// Velocity (−0.07 … 0.07).
  public var velocity: Double
  /// Steps since the last reset or restore.
  public var elapsedSteps: Int

  /// A car at rest at the valley's bottom; call `reset` to start an episode.
  public init() {
    position = -0.5
    velocity = 0
    elapsedSteps = 0
  }

  /// The static facts of MountainCar-v0.
  public static let spec = EnvSpec(
    id: "MountainCar-v0", observationSize: 2, actionSpace: .discrete(3),
    maxEpisodeSteps: 200, rewardThreshold: -110)

  public var spec: EnvSpec { MountainCar.spec }

  /// Names of the state components, in order (replay's state form).
  public static let stateNames = ["position", "velocity"]

  /// The internal float64 state `[position, velocity]` (Gymnasium's
  /// `env.unwrapped.state`). Setting it requires exactly 2 values.
  public var state: [Double] {
    get { [position, velocity] }
    set {
      precondition(newValue.count == 2, "MountainCar state has 2 components")
      position = newValue[0]; velocity = newValue[1]
    }
  }


  static let minPosition = -1.2
  static let maxPosition = 0.6
  static let maxSpeed = 0.07
  static let goalPosition = 0.5
  static let goalVelocity = 0.0
  static let force = 0.001
  static let gravity = 0.0025

  /// Starts an episode: position ~ Uniform[−0.6, −0.4), velocity 0.
  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    position = rng.uniform(-0.6, -0.4)
    velocity = 0
    elapsedSteps = 0
    writeObservation(into: &observation)
  }

  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    precondition(action >= 0 && action < 3, "MountainCar action must be 0, 1 or 2")
    // The whole increment first, then one addition (the reference's `+=`).
    let push = Double(action - 1) * MountainCar.force
    velocity += push + cos(3 * position) * -MountainCar.gravity
    velocity = clamp(velocity, -MountainCar.maxSpeed, MountainCar.maxSpeed)
    position += velocity
    position = clamp(position, MountainCar.minPosition, MountainCar.maxPosition)
    // The left wall is inelastic: the car stops against it.
    if position == MountainCar.minPosition && velocity < 0 { velocity = 0 }

    let terminated = position >= MountainCar.goalPosition && velocity >= MountainCar.goalVelocity
    elapsedSteps += 1
    let truncated = elapsedSteps >= MountainCar.spec.maxEpisodeSteps
    writeObservation(into: &observation)
    return StepOutcome(reward: -1.0, terminated: terminated, truncated: truncated)
  }

  /// Writes `(Float(position), Float(velocity))` into `observation`.
  public func writeObservation(into observation: inout [Float]) {
    if observation.count != 2 {
      observation = [Float](repeating: 0, count: 2)
    }
    observation[0] = Float(position)
    observation[1] = Float(velocity)
  }
}
