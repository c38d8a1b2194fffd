// ClassicControlTests.swift — properties of Acrobot-v1, MountainCar-v0 and
// Pendulum-v1 that the recorded trajectories do not pin down: specs, reset
// distributions, boundary behaviour, clipping.

import Foundation
import Testing
import BuiltInEnvs

@Suite struct AcrobotTests {
  @Test func specValues() {
    let spec = Acrobot().spec
    #expect(spec.id == "Acrobot-v1")
    #expect(spec.observationSize == 6 && spec.observationShape == [6])
    #expect(spec.actionSpace == .discrete(3))
    #expect(spec.maxEpisodeSteps == 500)
    #expect(spec.rewardThreshold == -100)
  }

  @Test func resetDrawsSmallFloat32States() {
    var rng = Xoshiro256(seed: 3)
    var env = Acrobot()
    var obs: [Float] = []
    for _ in 0..<200 {
      env.elapsedSteps = 7
      env.reset(rng: &rng, observation: &obs)
      #expect(env.elapsedSteps == 0)
      #expect(env.state.allSatisfy { $0 >= -0.1 && $0 <= 0.1 && Double(Float($0)) == $0 })
      #expect(obs.count == 6 && obs[4] == Float(env.dTheta1) && obs[0] == Float(cos(env.theta1)))
    }
  }

  @Test func anglesWrapAndVelocitiesClampAfterTheStep() throws {
    var env = Acrobot()
    try env.restore(.reals([20.0, -20.0, 100.0, -100.0]), elapsedSteps: 0)
    var obs = [Float](repeating: 0, count: 6)
    _ = env.step(action: 1, observation: &obs)
    #expect(abs(env.theta1) <= Double.pi && abs(env.theta2) <= Double.pi)
    // Gymnasium 1.4.0 from the same state: [-1.7289…, -1.4708…, -4π, 9π].
    #expect(env.dTheta1 == -4 * Double.pi && env.dTheta2 == 9 * Double.pi)
    #expect(abs(env.theta1 + 1.72892888) < 1e-8 && abs(env.theta2 + 1.4707982) < 1e-7)
  }

  @Test func terminatingStepEarnsZero() throws {
    // Both links pointing up: the tip is two link lengths above the pivot.
    var env = Acrobot()
    try env.restore(.reals([Double.pi, 0, 0, 0]), elapsedSteps: 0)
    var obs = [Float](repeating: 0, count: 6)
    let up = env.step(action: 1, observation: &obs)
    #expect(up.terminated && !up.truncated && up.reward == 0)
    try env.restore(.reals([0, 0, 0, 0]), elapsedSteps: 499)
    let down = env.step(action: 1, observation: &obs)
    #expect(!down.terminated && down.truncated && down.reward == -1)
  }
}

@Suite struct MountainCarTests {
  @Test func specValues() {
    let spec = MountainCar().spec
    #expect(spec.id == "MountainCar-v0")
    #expect(spec.observationSize == 2)
    #expect(spec.actionSpace == .discrete(3))
    #expect(spec.maxEpisodeSteps == 200)
    #expect(spec.rewardThreshold == -110)
  }

  @Test func resetStartsAtRestInTheValley() {
    var rng = Xoshiro256(seed: 4)
    var env = MountainCar()
    var obs: [Float] = []
    var positions = Set<Double>()
    for _ in 0..<200 {
      env.reset(rng: &rng, observation: &obs)
      #expect(env.position >= -0.6 && env.position < -0.4 && env.velocity == 0)
      #expect(obs == [Float(env.position), 0])
      positions.insert(env.position)
    }
    #expect(positions.count == 200)
  }

  @Test func leftWallStopsTheCar() throws {
    var env = MountainCar()
    try env.restore(.reals([-1.19, -0.07]), elapsedSteps: 0)
    var obs = [Float](repeating: 0, count: 2)
    let outcome = env.step(action: 0, observation: &obs)
    #expect(env.position == -1.2 && env.velocity == 0)
    #expect(outcome == StepOutcome(reward: -1, terminated: false, truncated: false))
  }

  @Test func goalTerminatesWithRewardMinusOne() throws {
    var env = MountainCar()
    try env.restore(.reals([0.49, 0.02]), elapsedSteps: 10)
    var obs = [Float](repeating: 0, count: 2)
    let outcome = env.step(action: 2, observation: &obs)
    #expect(outcome == StepOutcome(reward: -1, terminated: true, truncated: false))
    #expect(env.elapsedSteps == 11)
    // Past the goal but moving left: not terminated.
    try env.restore(.reals([0.55, -0.01]), elapsedSteps: 0)
    #expect(!env.step(action: 0, observation: &obs).terminated)
  }
}

@Suite struct PendulumTests {
  @Test func specValues() {
    let spec = Pendulum().spec
    #expect(spec.id == "Pendulum-v1")
    #expect(spec.observationSize == 3)
    #expect(spec.actionSpace == .box(low: [-2], high: [2]))
    #expect(spec.discreteActionCount == 0 && spec.continuousActionSize == 1)
    #expect(spec.maxEpisodeSteps == 200)
    #expect(spec.rewardThreshold == nil)
  }

  @Test func resetDrawsAnyAngleAndASmallVelocity() {
    var rng = Xoshiro256(seed: 5)
    var env = Pendulum()
    var obs: [Float] = []
    var below = 0
    for _ in 0..<400 {
      env.reset(rng: &rng, observation: &obs)
      #expect(env.theta >= -Double.pi && env.theta < Double.pi)
      #expect(env.thetaDot >= -1 && env.thetaDot < 1)
      #expect(obs == [Float(cos(env.theta)), Float(sin(env.theta)), Float(env.thetaDot)])
      if env.theta < 0 { below += 1 }
    }
    #expect(below > 150 && below < 250)
  }

  @Test func torqueIsClippedToTheBounds() throws {
    for (given, clipped) in [(Float(5), Float(2)), (-1e30, -2), (.infinity, 2), (2, 2)] {
      var a = Pendulum(), b = Pendulum()
      try a.restore(.reals([0.7, -1.5]), elapsedSteps: 3)
      try b.restore(.reals([0.7, -1.5]), elapsedSteps: 3)
      var obsA = [Float](repeating: 0, count: 3), obsB = obsA
      let ra = a.step(continuous: [given], observation: &obsA)
      let rb = b.step(continuous: [clipped], observation: &obsB)
      #expect(a == b && obsA == obsB && ra == rb, "torque \(given)")
    }
  }

  @Test func uprightAtRestCostsNothingAndNeverTerminates() throws {
    var env = Pendulum()
    try env.restore(.reals([0, 0]), elapsedSteps: 198)
    var obs = [Float](repeating: 0, count: 3)
    let first = env.step(continuous: [0], observation: &obs)
    #expect(first.reward == 0 && !first.terminated && !first.truncated)
    let last = env.step(continuous: [0], observation: &obs)
    #expect(!last.terminated && last.truncated)
  }

  /// The cost squares with `**`, i.e. glibc pow/powf, which for these two
  /// values differ from x·x and u·u; Gymnasium 1.4.0's reward for this step
  /// is −0x1.39be3bc954422p-3 (x·x and u·u would give …c554421p-3).
  @Test func costSquaresLikeTheReference() throws {
    var env = Pendulum()
    try env.restore(.reals([0, -0x1.3bb52f05be668p+0]), elapsedSteps: 0)
    var obs = [Float](repeating: 0, count: 3)
    let outcome = env.step(continuous: [-0x1.0d8512p+0], observation: &obs)
    #expect(outcome.reward.bitPattern == (-0x1.39be3bc954422p-3 as Double).bitPattern)
    #expect(env.internalState == .reals([-0x1.1ce8987f7999bp-4, -0x1.6422be9f58002p+0]))
  }

  @Test func costNormalisesTheAngleButTheStateKeepsWholeTurns() throws {
    // θ and θ + 2πk cost the same up to rounding; the state is never wrapped.
    var near = Pendulum(), far = Pendulum()
    try near.restore(.reals([0.5, 0]), elapsedSteps: 0)
    try far.restore(.reals([0.5 - 6 * Double.pi, 0]), elapsedSteps: 0)
    var obs = [Float](repeating: 0, count: 3)
    let a = near.step(continuous: [0], observation: &obs)
    let b = far.step(continuous: [0], observation: &obs)
    #expect(abs(a.reward - b.reward) < 1e-12 && abs(a.reward + 0.25) < 1e-12)
    #expect(far.theta < -17)
  }
}

@Suite struct ActionSpaceMismatchTests {
  @Test func discreteEnvTrapsOnAContinuousStep() async {
    await #expect(processExitsWith: .failure) {
      var env = CartPole()
      var obs = [Float](repeating: 0, count: 4)
      _ = env.step(continuous: [1], observation: &obs)
    }
  }

  @Test func boxEnvTrapsOnADiscreteStep() async {
    await #expect(processExitsWith: .failure) {
      var env = Pendulum()
      var obs = [Float](repeating: 0, count: 3)
      _ = env.step(action: 0, observation: &obs)
    }
  }

  @Test func pendulumTrapsOnAWrongActionSize() async {
    await #expect(processExitsWith: .failure) {
      var env = Pendulum()
      var obs = [Float](repeating: 0, count: 3)
      _ = env.step(continuous: [1, 1], observation: &obs)
    }
  }
}
