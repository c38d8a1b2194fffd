// CartPoleTests.swift — CartPole-v1 against trajectories recorded from
// Gymnasium 1.4.0 (Fixtures/make_cartpole_fixture.py), bit for bit.

import Foundation
import Testing
import BuiltInEnvs

func loadCartPoleFixture() throws -> [Trajectory] {
  try TrajectoryFixture.load(envID: "CartPole-v1").trajectories
}

@Suite struct CartPoleFixtureTests {
  @Test func fixtureCoversTheInterestingEndings() throws {
    let episodes = try loadCartPoleFixture()
    #expect(episodes.count == 6)
    let endings = episodes.map { ($0.steps.count, $0.steps.last!.terminated, $0.steps.last!.truncated) }
    // Short terminated episodes, a pure truncation, and termination on step 500.
    #expect(endings.contains { $0.0 < 500 && $0.1 && !$0.2 })
    #expect(endings.contains { $0.0 == 500 && !$0.1 && $0.2 })
    #expect(endings.contains { $0.0 == 500 && $0.1 && $0.2 })
    #expect(episodes.allSatisfy { $0.initialState.count == 4 })
  }

  @Test func replaysGymnasiumBitForBit() throws {
    let episodes = try loadCartPoleFixture()
    var totalSteps = 0
    for episode in episodes {
      var env = CartPole()
      env.state = episode.initialState
      env.elapsedSteps = 0
      var observation = [Float](repeating: .nan, count: 4)
      for (i, record) in episode.steps.enumerated() {
        #expect(record.t == i + 1)
        guard case .discrete(let action) = record.action else { Issue.record("box action"); break }
        let outcome = env.step(action: action, observation: &observation)
        let where_ = "episode \(episode.index) (\(episode.policy)) step \(record.t)"
        let stateBits = env.state.map(\.bitPattern)
        let expectedStateBits = record.state.map(\.bitPattern)
        #expect(stateBits == expectedStateBits, "state at \(where_)")
        #expect(observation.map(\.bitPattern) == record.observation.map(\.bitPattern), "obs at \(where_)")
        #expect(outcome.reward.bitPattern == record.reward.bitPattern, "reward at \(where_)")
        #expect(outcome.terminated == record.terminated, "terminated at \(where_)")
        #expect(outcome.truncated == record.truncated, "truncated at \(where_)")
        #expect(env.elapsedSteps == record.t)
        totalSteps += 1
        if stateBits != expectedStateBits { break }  // one report per diverging episode
      }
    }
    #expect(totalSteps == 1070)
  }
}

@Suite struct CartPoleTests {
  @Test func specValues() {
    let spec = CartPole().spec
    #expect(spec.id == "CartPole-v1")
    #expect(spec.observationSize == 4)
    #expect(spec.actionSpace == .discrete(2))
    #expect(spec.discreteActionCount == 2)
    #expect(spec.maxEpisodeSteps == 500)
    #expect(spec.rewardThreshold == 475)
    #expect(CartPole.thetaThresholdRadians == 0.20943951023931953)
    #expect(CartPole.xThreshold == 2.4)
  }

  @Test func resetDrawsSmallStatesDeterministically() {
    for seed: UInt64 in 0..<200 {
      var rngA = Xoshiro256(seed: seed)
      var rngB = Xoshiro256(seed: seed)
      var a = CartPole(), b = CartPole()
      var obsA: [Float] = [], obsB = [Float](repeating: 0, count: 4)
      a.elapsedSteps = 123
      a.reset(rng: &rngA, observation: &obsA)
      b.reset(rng: &rngB, observation: &obsB)
      #expect(a.elapsedSteps == 0)
      #expect(a.state.allSatisfy { $0 >= -0.05 && $0 < 0.05 }, "seed \(seed): \(a.state)")
      #expect(a.state.map(\.bitPattern) == b.state.map(\.bitPattern))
      #expect(obsA == obsB)
      #expect(obsA == a.state.map { Float($0) })
      #expect(rngA == rngB)
      // The four components are distinct draws.
      #expect(Set(a.state).count == 4)
    }
    // Draw order is x, xDot, theta, thetaDot, one uniform each.
    var rng = Xoshiro256(seed: 42)
    let expected = (0..<4).map { _ in rng.uniform(-0.05, 0.05) }
    var rng2 = Xoshiro256(seed: 42)
    var env = CartPole()
    var obs = [Float](repeating: 0, count: 4)
    env.reset(rng: &rng2, observation: &obs)
    #expect(env.state == expected)
    #expect(rng2 == rng)
    // Different seeds give different episodes.
    var rng3 = Xoshiro256(seed: 43)
    var other = CartPole()
    other.reset(rng: &rng3, observation: &obs)
    #expect(other.state != env.state)
  }

  @Test func resetRestartsTheTimeLimit() {
    var rng = Xoshiro256(seed: 5)
    var env = CartPole()
    var obs = [Float](repeating: 0, count: 4)
    env.reset(rng: &rng, observation: &obs)
    env.elapsedSteps = 499
    let last = env.step(action: env.theta > 0 ? 1 : 0, observation: &obs)
    #expect(last.truncated && !last.terminated)
    env.reset(rng: &rng, observation: &obs)
    let first = env.step(action: 0, observation: &obs)
    #expect(!first.truncated && !first.terminated && first.reward == 1.0)
    #expect(env.elapsedSteps == 1)
  }

  @Test func terminationAndTruncationCanCoincide() {
    // Just past the angle threshold after one step, on step 500: Gymnasium's
    // TimeLimit reports terminated = true and truncated = true.
    var env = CartPole()
    env.state = [0, 0, 0.2094, 0.5]
    env.elapsedSteps = 499
    var obs = [Float](repeating: 0, count: 4)
    let outcome = env.step(action: 1, observation: &obs)
    #expect(outcome.terminated)
    #expect(outcome.truncated)
    #expect(outcome.reward == 1.0)
  }

  @Test func terminationUsesStrictInequalitiesOnTheNewState() {
    var obs = [Float](repeating: 0, count: 4)
    // x lands exactly on 2.4 (0.02 * 0 velocity keeps it): not terminated.
    var atEdge = CartPole()
    atEdge.state = [2.4, 0, 0, 0]
    #expect(!atEdge.step(action: 0, observation: &obs).terminated)
    // Old state beyond the edge, new state back inside: not terminated.
    var comingBack = CartPole()
    comingBack.state = [2.41, -1.0, 0, 0]
    #expect(!comingBack.step(action: 0, observation: &obs).terminated)
    // Left edge crossed.
    var leaving = CartPole()
    leaving.state = [-2.4, -0.1, 0, 0]
    #expect(leaving.step(action: 0, observation: &obs).terminated)
  }

  @Test func rewardIsZeroAfterTermination() {
    var env = CartPole()
    env.state = [0, 0, 0.3, 0]
    var obs = [Float](repeating: 0, count: 4)
    let first = env.step(action: 1, observation: &obs)
    #expect(first.terminated && first.reward == 1.0)
    let second = env.step(action: 1, observation: &obs)
    #expect(second.terminated && second.reward == 0.0)
  }

  @Test func explicitEulerUsesOldValues() {
    // With x_dot = 1 and action 1, the new x is x + 0.02 * old x_dot exactly.
    var env = CartPole()
    env.state = [0.25, 1.0, 0.0, 2.0]
    var obs = [Float](repeating: 0, count: 4)
    _ = env.step(action: 1, observation: &obs)
    #expect(env.x == 0.25 + 0.02 * 1.0)
    #expect(env.theta == 0.0 + 0.02 * 2.0)
    #expect(env.xDot != 1.0)
  }

  @Test func stepWritesIntoTheCallersBuffer() {
    var env = CartPole()
    env.state = [0.01, 0.02, 0.03, 0.04]
    var obs = [Float](repeating: .nan, count: 4)
    let before = obs.withUnsafeBufferPointer { $0.baseAddress }
    _ = env.step(action: 0, observation: &obs)
    let after = obs.withUnsafeBufferPointer { $0.baseAddress }
    #expect(before == after)
    #expect(obs == env.state.map { Float($0) })
  }
}

@Suite struct EnvRegistryTests {
  @Test func knownId() throws {
    #expect(EnvRegistry.ids.contains("CartPole-v1"))
    let spec = try #require(EnvRegistry.spec("CartPole-v1"))
    #expect(spec.observationSize == 4 && spec.maxEpisodeSteps == 500 && spec.rewardThreshold == 475)
    let env = try #require(EnvRegistry.make("CartPole-v1"))
    #expect(env.spec.id == "CartPole-v1")
    #expect(env is CartPole)
  }

  @Test func unknownId() {
    #expect(EnvRegistry.spec("CartPole-v0") == nil)
    #expect(EnvRegistry.make("cartpole-v1") == nil)
    #expect(EnvRegistry.make("") == nil)
  }

  @Test func idsAreUniqueAndMatchSpecs() {
    #expect(Set(EnvRegistry.ids).count == EnvRegistry.ids.count)
    for id in EnvRegistry.ids {
      #expect(EnvRegistry.spec(id)?.id == id)
      #expect(EnvRegistry.make(id)?.spec.id == id)
    }
  }
}

@Suite struct RandomTests {
  @Test func xoshiroIsDeterministicPerSeed() {
    var a = Xoshiro256(seed: 2024), b = Xoshiro256(seed: 2024), c = Xoshiro256(seed: 2025)
    let sa = (0..<64).map { _ in a.next() }
    let sb = (0..<64).map { _ in b.next() }
    let sc = (0..<64).map { _ in c.next() }
    #expect(sa == sb)
    #expect(sa != sc)
    #expect(Set(sa).count == 64)
  }

  @Test func streamsDiffer() {
    var streams = (0..<8).map { Xoshiro256(seed: 7, stream: UInt64($0)) }
    let firsts = (0..<8).map { i in (0..<16).map { _ in streams[i].next() } }
    #expect(Set(firsts.map { $0.description }).count == 8)
    var again = Xoshiro256(seed: 7, stream: 3)
    #expect((0..<16).map { _ in again.next() } == firsts[3])
    var otherSeed = Xoshiro256(seed: 8, stream: 3)
    #expect((0..<16).map { _ in otherSeed.next() } != firsts[3])
  }

  @Test func splitMix64KnownValue() {
    // Reference output of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    var sm = SplitMix64(seed: 0)
    #expect(sm.next() == 0xE220_A839_7B1D_CDAF)
  }

  @Test func unitDoubleIsInHalfOpenUnitInterval() {
    var rng = Xoshiro256(seed: 99)
    var minimum = 1.0, maximum = 0.0, sum = 0.0, outside = 0
    let n = 100_000
    for _ in 0..<n {
      let u = rng.nextUnitDouble()
      if !(u >= 0 && u < 1) { outside += 1 }
      minimum = min(minimum, u); maximum = max(maximum, u); sum += u
    }
    #expect(outside == 0)
    #expect(minimum < 0.001 && maximum > 0.999)
    #expect(abs(sum / Double(n) - 0.5) < 0.01)
    #expect(rng.uniform(-0.05, 0.05) < 0.05)
  }

  @Test func unitFloatIsInHalfOpenUnitInterval() {
    var rng = Xoshiro256(seed: 100)
    let draws = (0..<10_000).map { _ in rng.nextUnitFloat() }
    #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect(Set(draws).count > 9_000)
  }
}
