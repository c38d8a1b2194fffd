// Acrobot.swift — Gymnasium 1.x Acrobot-v1, bit-exact on glibc.
//
// Reference: gymnasium 1.4.0, class AcrobotEnv (the "book" dynamics, no torque
// noise), wrapped by gym.make in TimeLimit(500). One step is one classic RK4
// step of 0.2 s over the four float64 state values; every expression keeps the
// reference's evaluation order and constant folding, so with Glibc sin/cos a
// trajectory matches Gymnasium bit for bit (Tests/BuiltInEnvsTests/AcrobotTests.swift
// checks recorded episodes).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A two-link pendulum actuated at the middle joint (Sutton & Barto 1998,
/// Sutton 1996) as Gymnasium's Acrobot-v1: actions 0, 1, 2 apply torque −1,
/// 0, +1; reward −1.0 per step and 0.0 on the terminating step; the episode
/// terminates when the free end rises more than one link length above the
/// pivot (−cos θ1 − cos(θ1 + θ2) > 1) and is truncated after 500 steps.
public struct Acrobot: RealVectorStateEnvironment, Sendable, Equatable {
  /// Angle of the first link from hanging straight down (rad, in [−π, π]).
  public var theta1: Double
  /// Angle of the second link relative to the first (rad, in [−π, π]).
  public var theta2: Double
  /// Angular velocity of the first link (rad/s, in [−4π, 4π]).
  public var dTheta1: Double
  /// Angular velocity of the second link (rad/s, in [−9π, 9π]).
  public var dTheta2: Double
  /// Steps since the last reset or restore.
  public var elapsedSteps: Int

  /// Both links hanging at rest; call `reset` to start an episode.
  public init() {
    theta1 = 0; theta2 = 0; dTheta1 = 0; dTheta2 = 0
    elapsedSteps = 0
  }

  /// The static facts of Acrobot-v1.
  public static let spec = EnvSpec(
    id: "Acrobot-v1", observationSize: 6, actionSpace: .discrete(3),
    maxEpisodeSteps: 500, rewardThreshold: -100)

  public var spec: EnvSpec { Acrobot.spec }

  /// Names of the state components, in order (replay's state form).
  public static let stateNames = ["theta1", "theta2", "dtheta1", "dtheta2"]

  /// The internal float64 state `[theta1, theta2, dtheta1, dtheta2]`
  /// (Gymnasium's `env.unwrapped.state`). Setting it requires 4 values.
  public var state: [Double] {
    get { [theta1, theta2, dTheta1, dTheta2] }
    set {
      precondition(newValue.count == 4, "Acrobot state has 4 components")
      theta1 = newValue[0]; theta2 = newValue[1]; dTheta1 = newValue[2]; dTheta2 = newValue[3]
    }
  }


  // Physical constants of the reference (every link identical).
  static let dt = 0.2
  static let linkLength1 = 1.0
  static let linkMass1 = 1.0
  static let linkMass2 = 1.0
  /// Positions of the links' centres of mass.
  static let linkCOM1 = 0.5
  static let linkCOM2 = 0.5
  /// Moments of inertia.
  static let linkMOI1 = 1.0
  static let linkMOI2 = 1.0
  static let gravity = 9.8
  static let maxVelocity1 = 4 * Double.pi
  static let maxVelocity2 = 9 * Double.pi
  static let torques: [Double] = [-1.0, 0.0, 1.0]

  /// Starts an episode: each state component ~ Uniform[−0.1, 0.1), rounded
  /// to float32 as the reference stores its initial state.
  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    theta1 = Double(Float(rng.uniform(-0.1, 0.1)))
    theta2 = Double(Float(rng.uniform(-0.1, 0.1)))
    dTheta1 = Double(Float(rng.uniform(-0.1, 0.1)))
    dTheta2 = Double(Float(rng.uniform(-0.1, 0.1)))
    elapsedSteps = 0
    writeObservation(into: &observation)
  }

  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    precondition(action >= 0 && action < 3, "Acrobot action must be 0, 1 or 2")
    let next = Acrobot.rungeKutta4(AcrobotState(theta1, theta2, dTheta1, dTheta2), torque: Acrobot.torques[action])
    // Angles wrap, velocities are clamped: both only after the whole RK4 step.
    theta1 = Acrobot.wrapAngle(next.theta1)
    theta2 = Acrobot.wrapAngle(next.theta2)
    dTheta1 = clamp(next.dTheta1, -Acrobot.maxVelocity1, Acrobot.maxVelocity1)
    dTheta2 = clamp(next.dTheta2, -Acrobot.maxVelocity2, Acrobot.maxVelocity2)

    let terminated = -cos(theta1) - cos(theta2 + theta1) > 1.0
    elapsedSteps += 1
    let truncated = elapsedSteps >= Acrobot.spec.maxEpisodeSteps
    writeObservation(into: &observation)
    return StepOutcome(reward: terminated ? 0.0 : -1.0, terminated: terminated, truncated: truncated)
  }

  /// Writes `(cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2)`, each rounded to float32.
  public func writeObservation(into observation: inout [Float]) {
    if observation.count != 6 {
      observation = [Float](repeating: 0, count: 6)
    }
    observation[0] = Float(cos(theta1))
    observation[1] = Float(sin(theta1))
    observation[2] = Float(cos(theta2))
    observation[3] = Float(sin(theta2))
    observation[4] = Float(dTheta1)
    observation[5] = Float(dTheta2)
  }

  /// Into [−π, π] by whole turns (2π computed as π − (−π), as the reference).
  static func wrapAngle(_ angle: Double) -> Double {
    let turn = Double.pi - -Double.pi
    var x = angle
    while x > Double.pi { x = x - turn }
    while x < -Double.pi { x = x + turn }
    return x
  }

  /// One classic Runge–Kutta step of `dt` with the torque held constant.
  /// The reference integrates a 5-vector whose last component is the
  /// torque; its derivative is 0, so carrying the torque aside is the same.
  static func rungeKutta4(_ y: AcrobotState, torque: Double) -> AcrobotState {
    let half = dt / 2.0
    let k1 = derivatives(y, torque: torque)
    let k2 = derivatives(y.adding(k1, scaledBy: half), torque: torque)
    let k3 = derivatives(y.adding(k2, scaledBy: half), torque: torque)
    let k4 = derivatives(y.adding(k3, scaledBy: dt), torque: torque)
    // y + dt/6 · (((k1 + 2·k2) + 2·k3) + k4), component by component.
    let sixth = dt / 6.0
    func combine(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double {
      sixth * (((a + 2 * b) + 2 * c) + d)
    }
    return AcrobotState(
      y.theta1 + combine(k1.theta1, k2.theta1, k3.theta1, k4.theta1),
      y.theta2 + combine(k1.theta2, k2.theta2, k3.theta2, k4.theta2),
      y.dTheta1 + combine(k1.dTheta1, k2.dTheta1, k3.dTheta1, k4.dTheta1),
      y.dTheta2 + combine(k1.dTheta2, k2.dTheta2, k3.dTheta2, k4.dTheta2))
  }

  /// The equations of motion ("book" variant): the state's time derivative
  /// (θ̇1, θ̇2, θ̈1, θ̈2) under `torque` at the middle joint.
  static func derivatives(_ s: AcrobotState, torque a: Double) -> AcrobotState {
    let m1 = linkMass1, m2 = linkMass2, l1 = linkLength1
    let lc1 = linkCOM1, lc2 = linkCOM2, i1 = linkMOI1, i2 = linkMOI2, g = gravity
    let cosTheta2 = cos(s.theta2)
    let sinTheta2 = sin(s.theta2)
    // Each line mirrors one reference expression; the constant prefixes
    // (e.g. m1·lc1², m2·l1·lc2) fold exactly as Python folds them left to
    // right. The reference squares variables with `**` (glibc pow), hence
    // referenceSquare; constants square exactly either way.
    let d1 = m1 * (lc1 * lc1) + m2 * ((l1 * l1 + lc2 * lc2) + 2 * l1 * lc2 * cosTheta2) + i1 + i2
    let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cosTheta2) + i2
    let phi2 = m2 * lc2 * g * cos(s.theta1 + s.theta2 - Double.pi / 2.0)
    let phi1 = -m2 * l1 * lc2 * referenceSquare(s.dTheta2) * sinTheta2
      - 2 * m2 * l1 * lc2 * s.dTheta2 * s.dTheta1 * sinTheta2
      + (m1 * lc1 + m2 * l1) * g * cos(s.theta1 - Double.pi / 2)
      + phi2
    let ddTheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * referenceSquare(s.dTheta1) * sinTheta2 - phi2)
      / (m2 * (lc2 * lc2) + i2 - referenceSquare(d2) / d1)
    let ddTheta1 = -(d2 * ddTheta2 + phi1) / d1
    return AcrobotState(s.dTheta1, s.dTheta2, ddTheta1, ddTheta2)
  }
}

/// Acrobot's four state values as one vector, for the integrator.
struct AcrobotState {
  var theta1, theta2, dTheta1, dTheta2: Double

  init(_ theta1: Double, _ theta2: Double, _ dTheta1: Double, _ dTheta2: Double) {
    self.theta1 = theta1; self.theta2 = theta2; self.dTheta1 = dTheta1; self.dTheta2 = dTheta2
  }

  /// `self + h · k`, component by component (h·k rounded first, as NumPy does).
  func adding(_ k: AcrobotState, scaledBy h: Double) -> AcrobotState {
    AcrobotState(theta1 + h * k.theta1, theta2 + h * k.theta2, dTheta1 + h * k.dTheta1, dTheta2 + h * k.dTheta2)
  }
}
