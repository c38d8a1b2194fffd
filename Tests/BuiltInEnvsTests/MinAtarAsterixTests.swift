// MinAtarAsterixTests.swift — Asterix against traces of the real minatar 1.0.15, with
// the reference's spawn draws replayed, and the spawns' distribution from Xoshiro256.

import Testing
import BuiltInEnvs

func asterixState(_ f: RecordedFields) -> AsterixState {
  AsterixState(
    playerX: f.int("player_x"), playerY: f.int("player_y"),
    entities: f.entities("entities").map { e in
      e.map { AsterixEntity(x: $0[0], y: $0[1], movingRight: $0[2] != 0, isGold: $0[3] != 0) }
    },
    shotTimer: f.int("shot_timer"), spawnSpeed: f.int("spawn_speed"), spawnTimer: f.int("spawn_timer"),
    moveSpeed: f.int("move_speed"), moveTimer: f.int("move_timer"), rampTimer: f.int("ramp_timer"),
    rampIndex: f.int("ramp_index"), terminal: f.bool("terminal"))
}

@Suite struct MinAtarAsterixTests {
  static let fixture = Result { try MinAtarFixture(file: "minatar_asterix.txt") }

  @Test func replaysTheReferenceExactly() throws {
    let steps = try replayFixture("minatar_asterix.txt", as: Asterix.self, steps: 489, decode: asterixState).states
    // Gold picked up, ramping steps (including a faster move speed), and a spawn with
    // every lane taken (two draws, no lane draw).
    #expect(steps.filter { $0.step.reward > 0 }.count >= 5)
    #expect(steps.filter { $0.step.fields.int("ramp_index") > $0.before.int("ramp_index") }.count >= 3)
    #expect(steps.contains { $0.step.fields.int("move_speed") < $0.before.int("move_speed") })
    #expect(steps.contains { $0.step.draws.count == 2 })
    #expect(steps.filter { $0.step.draws.count == 3 }.count >= 20)
  }

  @Test func resetMatchesTheReference() throws {
    let fixture = try Self.fixture.get()
    let recorded = asterixState(fixture.segments[0].initial)
    var game = Asterix()
    var random = ScriptedRandom([])
    game.state.playerX = 0
    game.reset(random: &random)
    #expect(random.exhausted && random.mismatch == nil)
    #expect(game.state == recorded)
    #expect(game.difficultyRamp == 0)
  }

  /// From an empty screen, one spawn: side 1/2, gold 1/3, lane uniform over the 8.
  @Test func spawnsFollowTheReferenceDistribution() {
    var rng = Xoshiro256(seed: 5)
    var start = Asterix()
    start.state.spawnTimer = 0
    start.state.moveTimer = 3
    let n = 24_000
    var rightwards = 0, gold = 0
    var lanes = [Int](repeating: 0, count: 8)
    for _ in 0..<n {
      var game = start
      _ = game.act(.noop, random: &rng)
      let spawned = game.state.entities.enumerated().compactMap { slot, e in e.map { (slot, $0) } }
      #expect(spawned.count == 1)
      guard let (slot, entity) = spawned.first else { continue }
      lanes[slot] += 1
      if entity.movingRight { rightwards += 1 }
      if entity.isGold { gold += 1 }
      #expect(entity.x == (entity.movingRight ? 0 : 9) && entity.y == slot + 1)
    }
    expectFrequency(rightwards, of: n, near: 0.5, "moving right")
    expectFrequency(gold, of: n, near: 1.0 / 3.0, "gold")
    for lane in 0..<8 { expectFrequency(lanes[lane], of: n, near: 1.0 / 8.0, "lane \(lane)") }
  }

  @Test func rampingOffKeepsTheSpeeds() {
    var rng = Xoshiro256(seed: 2)
    var game = Asterix(ramping: false)
    game.reset(random: &rng)
    for _ in 0..<400 where !game.terminal { _ = game.act(.noop, random: &rng) }
    #expect(game.state.spawnSpeed == 10 && game.state.moveSpeed == 5 && game.state.rampIndex == 0)
  }
}
