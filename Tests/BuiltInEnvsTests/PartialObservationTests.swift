// PartialObservationTests.swift — CartPoleNoVel-v1 and PendulumNoVel-v1 are
// their full environments with the observation projected: same dynamics,
// rewards and time limit.

import Testing
import BuiltInEnvs

@Suite struct PartialObservationTests {
  /// Steps the full and the partial environment side by side from one seed and
  /// checks observation = projection of the full one, and equal outcomes.
  func checkProjection(_ id: String, full fullID: String, kept: [Int], steps: Int,
                       action: (inout Xoshiro256) -> (Int?, [Float])) throws {
    var partial = try #require(EnvRegistry.make(id))
    var full = try #require(EnvRegistry.make(fullID))
    #expect(partial.spec.observationSize == kept.count)
    #expect(partial.spec.actionSpace == full.spec.actionSpace)
    #expect(partial.spec.maxEpisodeSteps == full.spec.maxEpisodeSteps)
    #expect(partial.spec.rewardThreshold == full.spec.rewardThreshold)
    var po = [Float](repeating: 0, count: kept.count), fo = [Float](repeating: 0, count: full.spec.observationSize)
    partial.reset(seed: 5, observation: &po)
    full.reset(seed: 5, observation: &fo)
    #expect(po == kept.map { fo[$0] })
    var rng = Xoshiro256(seed: 9)
    for _ in 0..<steps {
      let (discrete, box) = action(&rng)
      let a = discrete.map { partial.step(action: $0, observation: &po) } ?? partial.step(continuous: box, observation: &po)
      let b = discrete.map { full.step(action: $0, observation: &fo) } ?? full.step(continuous: box, observation: &fo)
      #expect(a == b)
      #expect(po == kept.map { fo[$0] })
      #expect(partial.internalState == full.internalState)
      #expect(partial.elapsedSteps == full.elapsedSteps)
      if a.done {
        partial.reset(rng: &rng, observation: &po)
        try full.restore(partial.internalState, elapsedSteps: 0)
        full.writeObservation(into: &fo)
        #expect(po == kept.map { fo[$0] })
      }
    }
  }

  @Test func cartPoleNoVelHidesTheVelocities() throws {
    try checkProjection("CartPoleNoVel-v1", full: "CartPole-v1", kept: [0, 2], steps: 700) { rng in
      (Int(rng.next() % 2), [])
    }
  }

  @Test func pendulumNoVelShowsCosAndSinOnly() throws {
    try checkProjection("PendulumNoVel-v1", full: "Pendulum-v1", kept: [0, 1], steps: 450) { rng in
      (nil, [Float(rng.next() % 1000) / 250 - 2])
    }
  }

  @Test func restoreGivesTheProjectedObservation() throws {
    var env = try #require(EnvRegistry.make("CartPoleNoVel-v1"))
    try env.restore(.reals([0.1, 0.2, 0.03, 0.4]), elapsedSteps: 3)
    var obs: [Float] = []
    env.writeObservation(into: &obs)
    #expect(obs == [Float(0.1), Float(0.03)])
    #expect(env.elapsedSteps == 3)
  }
}
