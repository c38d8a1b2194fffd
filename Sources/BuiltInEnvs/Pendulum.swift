// Pendulum.swift — Gymnasium 1.x Pendulum-v1, bit-exact on glibc.
//
// Reference: gymnasium 1.4.0, class PendulumEnv (g = 10), wrapped by gym.make
// in TimeLimit(200). The state is two float64 values. The action is a float32
// box, and NumPy 2 keeps float32 arithmetic for a float32 scalar combined with
// a Python float: the torque terms 3·u and 0.001·u² are therefore computed in
// Float and only then widened, as in the reference. With Glibc sin/cos a
// trajectory matches Gymnasium bit for bit (Tests/BuiltInEnvsTests/PendulumTests.swift
// checks recorded episodes).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The inverted-pendulum swing-up task as Gymnasium's Pendulum-v1: one
/// continuous action, the torque, clipped to [−2, 2]; reward
/// −(θ² + 0.1·θ̇² + 0.001·u²) with θ normalised into [−π, π) (0 = upright);
/// no terminal state; truncated after 200 steps.
public struct Pendulum: RealVectorStateEnvironment, Sendable, Equatable {
  /// Angle from upright (rad). Never wrapped: it grows by whole turns as the
  /// pendulum spins; only the reward normalises it.
  public var theta: Double
  /// Angular velocity (rad/s, in [−8, 8]).
  public var thetaDot: Double
  /// Steps since the last reset or restore.
  public var elapsedSteps: Int

  /// Upright and at rest; call `reset` to start an episode.
  public init() {
    theta = 0
    thetaDot = 0
    elapsedSteps = 0
  }

  /// Torque bounds (Gymnasium's float32 box: −2 and 2 are exact floats).
  public static let maxTorque: Float = 2.0

  /// The static facts of Pendulum-v1 (no reward threshold).
  public static let spec = EnvSpec(
    id: "Pendulum-v1", observationSize: 3,
    actionSpace: .box(low: [-Double(maxTorque)], high: [Double(maxTorque)]),
    maxEpisodeSteps: 200, rewardThreshold: nil)

  public var spec: EnvSpec { Pendulum.spec }

  /// Names of the state components, in order (replay's state form).
  public static let stateNames = ["theta", "theta_dot"]

  /// The internal float64 state `[theta, thetaDot]` (Gymnasium's
  /// `env.unwrapped.state`). Setting it requires exactly 2 values.
  public var state: [Double] {
    get { [theta, thetaDot] }
    set {
      precondition(newValue.count == 2, "Pendulum state has 2 components")
      theta = newValue[0]; thetaDot = newValue[1]
    }
  }


  static let maxSpeed = 8.0
  static let dt = 0.05
  static let gravity = 10.0
  static let mass = 1.0
  static let length = 1.0

  /// Starts an episode: θ ~ Uniform[−π, π), θ̇ ~ Uniform[−1, 1), drawn in
  /// that order.
  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    theta = rng.uniform(-Double.pi, Double.pi)
    thetaDot = rng.uniform(-1, 1)
    elapsedSteps = 0
    writeObservation(into: &observation)
  }

  /// Pendulum has a box action space: a discrete step is a programming error.
  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    preconditionFailure("Pendulum-v1 has a continuous action space: use step(continuous:observation:)")
  }

  /// One semi-implicit Euler step of 0.05 s with torque `action[0]`, clipped
  /// to [−2, 2] (a NaN torque stays NaN, as with NumPy's clip).
  public mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome {
    precondition(action.count == 1, "Pendulum-v1 takes one torque value")
    let raw = action[0]
    let u = raw < -Pendulum.maxTorque ? -Pendulum.maxTorque : (raw > Pendulum.maxTorque ? Pendulum.maxTorque : raw)

    // The cost of the state before the step, summed left to right, squares
    // as `**` computes them (glibc pow); the torque's share in float32.
    let controlCost = Double(Float(0.001) * referenceSquare(u))
    let cost = referenceSquare(Pendulum.normalizedAngle(theta)) + 0.1 * referenceSquare(thetaDot) + controlCost

    // 3g/(2l) and 3/(m·l²) fold to 15.0 and 3.0 in the reference too.
    let gravityTerm = 3 * Pendulum.gravity / (2 * Pendulum.length) * sin(theta)
    let torqueTerm = Double(Float(3.0 / (Pendulum.mass * Pendulum.length * Pendulum.length)) * u)
    var newThetaDot = thetaDot + (gravityTerm + torqueTerm) * Pendulum.dt
    newThetaDot = clamp(newThetaDot, -Pendulum.maxSpeed, Pendulum.maxSpeed)
    // Semi-implicit: the angle moves with the new, clamped velocity.
    theta = theta + newThetaDot * Pendulum.dt
    thetaDot = newThetaDot

    elapsedSteps += 1
    let truncated = elapsedSteps >= Pendulum.spec.maxEpisodeSteps
    writeObservation(into: &observation)
    return StepOutcome(reward: -cost, terminated: false, truncated: truncated)
  }

  /// Writes `(cos θ, sin θ, θ̇)`, each rounded to float32.
  public func writeObservation(into observation: inout [Float]) {
    if observation.count != 3 {
      observation = [Float](repeating: 0, count: 3)
    }
    observation[0] = Float(cos(theta))
    observation[1] = Float(sin(theta))
    observation[2] = Float(thetaDot)
  }

  /// θ normalised into [−π, π): ((θ + π) mod 2π) − π with floor modulo.
  static func normalizedAngle(_ x: Double) -> Double {
    floorMod(x + Double.pi, 2 * Double.pi) - Double.pi
  }
}
