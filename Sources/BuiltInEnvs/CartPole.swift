// CartPole.swift — Gymnasium 1.x CartPole-v1, bit-exact on glibc.
//
// Reference: /work/shared/ENV_SPEC.md §1 (gymnasium 1.4.0, class CartPoleEnv, wrapped
// by gym.make in TimeLimit(500)). The state is four float64 values and every
// floating-point expression below keeps the reference's evaluation order, so that
// with Glibc `sin`/`cos` a trajectory matches Gymnasium bit for bit (checked by
// Tests/BuiltInEnvsTests/CartPoleTests.swift against recorded Gymnasium episodes).
//
// Time limit: like Gymnasium's TimeLimit, `truncated` is true whenever the step
// count since reset has reached 500, even if the same step also terminated
// (Gymnasium then reports terminated=True and truncated=True). Consumers must
// test `terminated` first: a terminal step never bootstraps.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The classic cart-pole balancing task (Barto, Sutton & Anderson 1983) as
/// Gymnasium's CartPole-v1: action 0 pushes the cart left, 1 pushes it right;
/// reward +1.0 on every step including the terminating one; the episode
/// terminates when |x| > 2.4 or |θ| > 12° and is truncated after 500 steps.
public struct CartPole: RealVectorStateEnvironment, Sendable, Equatable {
  /// Cart position (m).
  public var x: Double
  /// Cart velocity (m/s).
  public var xDot: Double
  /// Pole angle (rad, 0 = upright).
  public var theta: Double
  /// Pole angular velocity (rad/s).
  public var thetaDot: Double
  /// Steps since the last reset (Gymnasium's TimeLimit `_elapsed_steps`).
  public var elapsedSteps: Int
  /// True once a step of this episode has terminated. Further steps then give
  /// reward 0.0, as Gymnasium does (stepping past termination is undefined
  /// there and only warns); `reset` clears it.
  public var pastTermination: Bool

  /// A cart-pole at rest in the upright position; call `reset` to start an episode.
  public init() {
    x = 0; xDot = 0; theta = 0; thetaDot = 0
    elapsedSteps = 0
    pastTermination = false
  }

  /// The static facts of CartPole-v1.
  public static let spec = EnvSpec(
    id: "CartPole-v1", observationSize: 4, actionSpace: .discrete(2),
    maxEpisodeSteps: 500, rewardThreshold: 475)

  public var spec: EnvSpec { CartPole.spec }

  /// The internal float64 state `[x, xDot, theta, thetaDot]`, as Gymnasium's
  /// `env.unwrapped.state`. Setting it requires exactly 4 values. (Allocates:
  /// for tests and replay, not for the hot path.)
  public var state: [Double] {
    get { [x, xDot, theta, thetaDot] }
    set {
      precondition(newValue.count == 4, "CartPole state has 4 components")
      x = newValue[0]; xDot = newValue[1]; theta = newValue[2]; thetaDot = newValue[3]
    }
  }

  /// Names of the state components, in order (replay's state form).
  public static let stateNames = ["x", "x_dot", "theta", "theta_dot"]

  /// Sets `state` (4 finite numbers) and the step counter; a restored
  /// episode has not terminated yet (its next step earns reward 1).
  public mutating func restore(_ newState: EnvState, elapsedSteps: Int) throws(EnvStateError) {
    try restoreRealVector(newState, elapsedSteps: elapsedSteps)
    pastTermination = false
  }

  // Constants, written as the reference computes them (each folds to one double).
  @inlinable static var gravity: Double { 9.8 }
  @inlinable static var massCart: Double { 1.0 }
  @inlinable static var massPole: Double { 0.1 }
  @inlinable static var totalMass: Double { massPole + massCart }
  /// Half the pole's length.
  @inlinable static var length: Double { 0.5 }
  @inlinable static var poleMassLength: Double { massPole * length }
  @inlinable static var forceMag: Double { 10.0 }
  /// Seconds between state updates.
  @inlinable static var tau: Double { 0.02 }
  /// 12 degrees in radians: 12 * 2 * pi / 360 = 0.20943951023931953.
  @inlinable public static var thetaThresholdRadians: Double { 12 * 2 * Double.pi / 360 }
  @inlinable public static var xThreshold: Double { 2.4 }
  @inlinable static var maxEpisodeSteps: Int { 500 }

  /// Starts an episode: each state component ~ Uniform[-0.05, 0.05), drawn in
  /// the order x, xDot, theta, thetaDot; resets the step counter.
  /// `observation` is resized to 4 if needed (the only allocation).
  @inlinable
  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    x = rng.uniform(-0.05, 0.05)
    xDot = rng.uniform(-0.05, 0.05)
    theta = rng.uniform(-0.05, 0.05)
    thetaDot = rng.uniform(-0.05, 0.05)
    elapsedSteps = 0
    pastTermination = false
    writeObservation(into: &observation)
  }

  /// One explicit-Euler step of 0.02 s with force -10 (action 0) or +10 (action 1).
  /// Writes the float32 observation of the new state into `observation` in place.
  @inlinable
  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    precondition(action == 0 || action == 1, "CartPole action must be 0 or 1")
    let force = action == 1 ? CartPole.forceMag : -CartPole.forceMag
    let cosTheta = cos(theta)
    let sinTheta = sin(theta)

    // Reference order: ((0.05 * θ̇²) * sin θ), the numerator sum, then / M.
    let thetaDotSquared = thetaDot * thetaDot
    let temp = (force + CartPole.poleMassLength * thetaDotSquared * sinTheta) / CartPole.totalMass
    let cosSquared = cosTheta * cosTheta
    let thetaAcc = (CartPole.gravity * sinTheta - cosTheta * temp)
      / (CartPole.length * (4.0 / 3.0 - CartPole.massPole * cosSquared / CartPole.totalMass))
    let xAcc = temp - CartPole.poleMassLength * thetaAcc * cosTheta / CartPole.totalMass

    // Explicit Euler: every update reads the old values.
    let newX = x + CartPole.tau * xDot
    let newXDot = xDot + CartPole.tau * xAcc
    let newTheta = theta + CartPole.tau * thetaDot
    let newThetaDot = thetaDot + CartPole.tau * thetaAcc
    x = newX; xDot = newXDot; theta = newTheta; thetaDot = newThetaDot

    let terminated = x < -CartPole.xThreshold || x > CartPole.xThreshold
      || theta < -CartPole.thetaThresholdRadians || theta > CartPole.thetaThresholdRadians
    let reward: Double = pastTermination ? 0.0 : 1.0
    if terminated { pastTermination = true }

    // Gymnasium's TimeLimit: truncated once elapsed >= max, regardless of terminated.
    elapsedSteps += 1
    let truncated = elapsedSteps >= CartPole.maxEpisodeSteps

    writeObservation(into: &observation)
    return StepOutcome(reward: reward, terminated: terminated, truncated: truncated)
  }

  /// Writes `(Float(x), Float(xDot), Float(theta), Float(thetaDot))` (round to
  /// nearest even, as NumPy's float64 → float32 cast) into `observation`.
  @inlinable
  public func writeObservation(into observation: inout [Float]) {
    if observation.count != 4 {
      observation = [Float](repeating: 0, count: 4)
    }
    observation.withUnsafeMutableBufferPointer { buffer in
      buffer[0] = Float(x)
      buffer[1] = Float(xDot)
      buffer[2] = Float(theta)
      buffer[3] = Float(thetaDot)
    }
  }
}
