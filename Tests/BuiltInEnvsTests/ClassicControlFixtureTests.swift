// ClassicControlFixtureTests.swift — Acrobot-v1, MountainCar-v0 and
// Pendulum-v1 against trajectories recorded from Gymnasium 1.4.0
// (Fixtures/make_classic_control_fixture.py), bit for bit, through the
// Environment protocol (restore, step, internalState) as `replay` uses it.

import Testing
import BuiltInEnvs

let classicControlIDs = ["Acrobot-v1", "MountainCar-v0", "Pendulum-v1"]

/// Steps `env` through `steps`, comparing everything Gymnasium recorded;
/// returns the number of steps that matched before the first divergence.
func replaySteps(_ env: inout any Environment, _ steps: ArraySlice<TrajectoryStep>, label: String) -> Int {
  var observation = [Float](repeating: .nan, count: env.spec.observationSize)
  var matched = 0
  for record in steps {
    let outcome: StepOutcome
    switch record.action {
    case .discrete(let a): outcome = env.step(action: a, observation: &observation)
    case .box(let u): outcome = env.step(continuous: u, observation: &observation)
    }
    let at = "\(label) t \(record.t)"
    let sameState = env.internalState == .reals(record.state)
    let sameObservation = observation.map(\.bitPattern) == record.observation.map(\.bitPattern)
    let sameReward = outcome.reward.bitPattern == record.reward.bitPattern
    #expect(sameState, "state at \(at): \(env.internalState) vs \(record.state)")
    #expect(sameObservation, "obs at \(at): \(observation) vs \(record.observation)")
    #expect(sameReward, "reward at \(at): \(outcome.reward) vs \(record.reward)")
    #expect(outcome.terminated == record.terminated, "terminated at \(at)")
    #expect(outcome.truncated == record.truncated, "truncated at \(at)")
    #expect(env.elapsedSteps == record.t, "elapsed steps at \(at)")
    guard sameState, sameObservation, sameReward else { break }  // one report per diverging episode
    matched += 1
  }
  return matched
}

@Suite struct ClassicControlFixtureTests {
  @Test(arguments: classicControlIDs)
  func replaysGymnasiumBitForBit(_ id: String) throws {
    let fixture = try TrajectoryFixture.load(envID: id)
    var total = 0
    for trajectory in fixture.trajectories {
      var env = try #require(EnvRegistry.make(id))
      try env.restore(.reals(trajectory.initialState), elapsedSteps: trajectory.elapsedAtStart)
      #expect(env.internalState == .reals(trajectory.initialState))
      #expect(env.elapsedSteps == trajectory.elapsedAtStart)
      let matched = replaySteps(&env, trajectory.steps[...], label: "\(id) \(trajectory.label)")
      #expect(matched == trajectory.steps.count)
      total += matched
    }
    let expectedTotals = ["Acrobot-v1": 1215, "MountainCar-v0": 933, "Pendulum-v1": 870]
    #expect(total == expectedTotals[id])
  }

  /// The state and step count are all there is: restarting from any
  /// recorded step continues exactly as the original episode did.
  @Test(arguments: classicControlIDs)
  func restartsMidEpisodeFromARecordedState(_ id: String) throws {
    let fixture = try TrajectoryFixture.load(envID: id)
    for trajectory in fixture.trajectories where trajectory.steps.count > 2 {
      let k = trajectory.steps.count / 2
      let from = trajectory.steps[k - 1]
      var env = try #require(EnvRegistry.make(id))
      try env.restore(.reals(from.state), elapsedSteps: from.t)
      let rest = trajectory.steps[k...]
      #expect(replaySteps(&env, rest, label: "\(id) \(trajectory.label) from t \(from.t)") == rest.count)
    }
  }

  @Test(arguments: classicControlIDs)
  func fixtureMatchesTheSpec(_ id: String) throws {
    let fixture = try TrajectoryFixture.load(envID: id)
    let spec = try #require(EnvRegistry.spec(id))
    #expect(fixture.observationSize == spec.observationSize)
    #expect(fixture.boxActions == (spec.continuousActionSize > 0))
    #expect(fixture.trajectories.count >= 6)
    for trajectory in fixture.trajectories {
      #expect(trajectory.initialState.count == fixture.stateSize)
      #expect(trajectory.steps.last.map { $0.terminated || $0.truncated } == true, "\(trajectory.label) ends")
      #expect(trajectory.steps.dropLast().allSatisfy { !$0.terminated && !$0.truncated })
      #expect(trajectory.steps.last?.truncated == (trajectory.steps.last?.t == spec.maxEpisodeSteps))
    }
  }

  @Test(arguments: ["Acrobot-v1", "MountainCar-v0"])
  func fixtureCoversEveryWayAnEpisodeEnds(_ id: String) throws {
    let limit = try #require(EnvRegistry.spec(id)).maxEpisodeSteps
    let endings = try TrajectoryFixture.load(envID: id).trajectories.compactMap(\.steps.last)
    #expect(endings.contains { $0.terminated && !$0.truncated && $0.t < limit })
    #expect(endings.contains { !$0.terminated && $0.truncated && $0.t == limit })
    #expect(endings.contains { $0.terminated && $0.truncated && $0.t == limit })
  }

  @Test func pendulumFixtureClipsTorquesAndNeverTerminates() throws {
    let steps = try TrajectoryFixture.load(envID: "Pendulum-v1").trajectories.flatMap(\.steps)
    let torques: [Float] = steps.compactMap { if case .box(let u) = $0.action { u[0] } else { nil } }
    #expect(torques.count == steps.count)
    #expect(torques.contains { $0 > 2 } && torques.contains { $0 < -2 })
    // Torques that are not multiples of 2^-10 exercise the float32 arithmetic.
    #expect(torques.contains { ($0 * 1024).rounded() != $0 * 1024 })
    #expect(steps.allSatisfy { !$0.terminated })
    // Spinning: the angle leaves [−π, π] and the velocity clamp acts.
    #expect(steps.contains { abs($0.state[0]) > 100 })
    #expect(steps.contains { abs($0.state[1]) == 8 })
  }

  @Test func acrobotFixtureWrapsAndClamps() throws {
    let fixture = try TrajectoryFixture.load(envID: "Acrobot-v1")
    let states = fixture.trajectories.flatMap { $0.steps.map(\.state) }
    #expect(fixture.trajectories.contains { $0.initialState[0] > 2 * Double.pi })
    #expect(states.allSatisfy { abs($0[0]) <= Double.pi && abs($0[1]) <= Double.pi })
    #expect(states.contains { abs($0[2]) == 4 * Double.pi })
    #expect(states.contains { abs($0[3]) == 9 * Double.pi })
  }

  @Test func mountainCarFixtureHitsBothEnds() throws {
    let states = try TrajectoryFixture.load(envID: "MountainCar-v0").trajectories.flatMap { $0.steps.map(\.state) }
    #expect(states.contains { $0[0] == -1.2 && $0[1] == 0 })
    #expect(states.contains { $0[0] == 0.6 })
  }
}
