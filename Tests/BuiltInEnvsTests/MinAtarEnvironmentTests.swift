// MinAtarEnvironmentTests.swift — the Gymnasium-style wrapper: ids and action sets
// as minatar.gym registers them, sticky actions as MinAtar's Environment does them,
// no time limit, and each environment's own random stream.

import Testing
import BuiltInEnvs

@Suite struct MinAtarEnvironmentTests {
  /// (game name, channels, minimal action set) as the fixtures recorded them from
  /// minatar 1.0.15's `state_shape()` and `minimal_action_set()`.
  static let reference: [(String, Int, [Int])] = [
    ("Asterix", 4, [0, 1, 2, 3, 4]), ("Breakout", 4, [0, 1, 3]), ("Freeway", 7, [0, 2, 4]),
    ("Seaquest", 10, [0, 1, 2, 3, 4, 5]), ("SpaceInvaders", 6, [0, 1, 3, 5]),
  ]

  @Test func registryHasTheTenIds() throws {
    let ids = EnvRegistry.ids.filter { $0.hasPrefix("MinAtar/") }
    #expect(ids == Self.reference.flatMap { ["MinAtar/\($0.0)-v0", "MinAtar/\($0.0)-v1"] })
    for (name, channels, minimal) in Self.reference {
      for version in 0...1 {
        let id = "MinAtar/\(name)-v\(version)"
        let spec = try #require(EnvRegistry.spec(id))
        #expect(spec.observationSize == 100 * channels)
        #expect(spec.observationShape == [10, 10, channels] && spec.observationIsBinary)
        #expect(spec.timeLimit == nil && spec.stickyActionProbability == 0.1)
        #expect(spec.actionSpace == .discrete(version == 0 ? 6 : minimal.count))
        #expect(spec.rewardThreshold == nil)
        #expect(spec.maxEpisodeSteps == Int.max, "minatar.gym registers no time limit")
        let env = try #require(EnvRegistry.make(id))
        #expect(env.spec.id == id)
      }
    }
  }

  @Test func actionSetsMapAsMinatarGymDoes() {
    func sets<G: MinAtarGame>(_: G.Type) -> ([Int], [Int]) {
      (MinAtarEnvironment<G>(minimalActionSet: false).actionSet.map(\.rawValue),
       MinAtarEnvironment<G>(minimalActionSet: true).actionSet.map(\.rawValue))
    }
    let all = [sets(Asterix.self), sets(Breakout.self), sets(Freeway.self), sets(Seaquest.self),
               sets(SpaceInvaders.self)]
    for ((v0, v1), reference) in zip(all, Self.reference) {
      #expect(v0 == Array(0...5), "\(reference.0)-v0")
      #expect(v1 == reference.2, "\(reference.0)-v1")
    }
  }

  @Test func v1IndicesDriveTheGameActions() {
    // Breakout-v1: 0 no-op, 1 left, 2 right.
    var breakout = MinAtarEnvironment<Breakout>(minimalActionSet: true, stickyActionProbability: 0)
    var rng = Xoshiro256(seed: 1)
    var observation: [Float] = []
    breakout.reset(rng: &rng, observation: &observation)
    _ = breakout.step(action: 2, observation: &observation)
    #expect(breakout.game.state.pos == 5 && breakout.lastAction == .right)
    _ = breakout.step(action: 1, observation: &observation)
    _ = breakout.step(action: 1, observation: &observation)
    #expect(breakout.game.state.pos == 3 && breakout.lastAction == .left)
    // Space Invaders-v1: 3 is fire.
    var invaders = MinAtarEnvironment<SpaceInvaders>(minimalActionSet: true, stickyActionProbability: 0)
    invaders.reset(rng: &rng, observation: &observation)
    _ = invaders.step(action: 3, observation: &observation)
    #expect(invaders.game.state.fBulletMap[8][5] == 1 && invaders.lastAction == .fire)
    // Freeway-v1: 1 is up, 2 is down.
    var freeway = MinAtarEnvironment<Freeway>(minimalActionSet: true, stickyActionProbability: 0)
    freeway.reset(rng: &rng, observation: &observation)
    #expect(freeway.lastAction == .noop)
    for _ in 0..<4 { _ = freeway.step(action: 1, observation: &observation) }
    #expect(freeway.lastAction == .up)
  }

  /// With probability p the previous action is used instead of the chosen one.
  @Test(arguments: [0.1, 0.5])
  func stickyActionsRepeatWithTheirProbability(p: Double) {
    var env = MinAtarEnvironment<Seaquest>(minimalActionSet: false, stickyActionProbability: p)
    var rng = Xoshiro256(seed: 21)
    var observation: [Float] = []
    env.reset(rng: &rng, observation: &observation)
    var differing = 0, repeated = 0
    for _ in 0..<40_000 {
      let previous = env.lastAction
      let chosen = Int(rng.next() % 6)
      let outcome = env.step(action: chosen, observation: &observation)
      if chosen != previous.rawValue {
        differing += 1
        if env.lastAction == previous { repeated += 1 } else { #expect(env.lastAction.rawValue == chosen) }
      }
      if outcome.done { env.reset(rng: &rng, observation: &observation) }
    }
    expectFrequency(repeated, of: differing, near: p, "sticky repeats at p = \(p)")
  }

  @Test func stickyExtremesAndCarryOverAcrossReset() {
    var rng = Xoshiro256(seed: 4)
    var observation: [Float] = []
    var never = MinAtarEnvironment<Breakout>(minimalActionSet: false, stickyActionProbability: 0)
    never.reset(rng: &rng, observation: &observation)
    for a in [3, 1, 3, 4, 5, 2] {
      _ = never.step(action: a, observation: &observation)
      #expect(never.lastAction.rawValue == a)
    }
    // MinAtar's reset leaves last_action alone: it carries into the next episode.
    never.reset(rng: &rng, observation: &observation)
    #expect(never.lastAction == .up)
    var always = MinAtarEnvironment<Breakout>(minimalActionSet: false, stickyActionProbability: 1)
    always.reset(rng: &rng, observation: &observation)
    for a in [3, 3, 1] {
      _ = always.step(action: a, observation: &observation)
      #expect(always.lastAction == .noop)
    }
    #expect(always.game.state.pos == 4)
  }

  @Test func resetSeedsTheEnvironmentsOwnGeneratorFromOneWord() {
    var worker = Xoshiro256(seed: 99)
    var expectedWorker = worker
    _ = expectedWorker.next()
    var a = MinAtarEnvironment<Asterix>(minimalActionSet: true)
    var b = MinAtarEnvironment<Asterix>(minimalActionSet: true)
    var copy = worker
    var obsA: [Float] = [], obsB = [Float](repeating: 0, count: 400)
    a.reset(rng: &worker, observation: &obsA)
    b.reset(rng: &copy, observation: &obsB)
    #expect(worker == expectedWorker)
    for t in 0..<2_000 {
      let outA = a.step(action: t % 5, observation: &obsA)
      let outB = b.step(action: t % 5, observation: &obsB)
      #expect(outA == outB)
      if outA.done { break }
    }
    #expect(obsA == obsB && a.game.state == b.game.state)
  }

  @Test func observationsAreBinaryPlanesOfTheGameState() {
    var env = MinAtarEnvironment<Breakout>(minimalActionSet: true)
    var rng = Xoshiro256(seed: 8)
    var observation: [Float] = []
    env.reset(rng: &rng, observation: &observation)
    #expect(observation.count == 400)
    // Reset: paddle (9, 4), ball and trail on row 3 in a corner, 30 bricks.
    let ballX = env.game.state.ballX
    #expect(observation[(9 * 10 + 4) * 4 + 0] == 1)
    #expect(observation[(3 * 10 + ballX) * 4 + 1] == 1 && observation[(3 * 10 + ballX) * 4 + 2] == 1)
    #expect(stride(from: 3, to: 400, by: 4).filter { observation[$0] == 1 }.count == 30)
    #expect(observation.allSatisfy { $0 == 0 || $0 == 1 })
    #expect(observation.reduce(0, +) == 33)
  }

  @Test func episodesTerminateAndAreNeverTruncated() {
    var env = MinAtarEnvironment<Freeway>(minimalActionSet: false)
    var rng = Xoshiro256(seed: 12)
    var observation: [Float] = []
    env.reset(rng: &rng, observation: &observation)
    var steps = 0
    var outcome = StepOutcome(reward: 0, terminated: false, truncated: false)
    while !outcome.done {
      outcome = env.step(action: Int(rng.next() % 6), observation: &observation)
      steps += 1
    }
    #expect(steps == 2501 && outcome.terminated && !outcome.truncated)
    let after = env.step(action: 2, observation: &observation)
    #expect(after == StepOutcome(reward: 0, terminated: true, truncated: false))
  }
}

@Suite struct MinAtarRandomSourceTests {
  @Test func randintIsUniformOverItsRange() {
    var rng = Xoshiro256(seed: 31)
    var counts = [Int](repeating: 0, count: 7)
    let n = 70_000
    for _ in 0..<n {
      let v = rng.randint(2, 9)
      #expect((2..<9).contains(v))
      counts[v - 2] += 1
    }
    for value in 0..<7 { expectFrequency(counts[value], of: n, near: 1.0 / 7.0, "randint value \(value + 2)") }
    #expect((0..<100).allSatisfy { _ in rng.randint(0, 1) == 0 })
    let below = (0..<n).filter { _ in rng.rand() < 0.25 }.count
    expectFrequency(below, of: n, near: 0.25, "rand() < 0.25")
  }
}
