// MinAtarSeaquestTests.swift — Seaquest against traces of the real minatar 1.0.15, with
// the reference's spawn draws replayed (including states set by hand to reach its
// list-removal quirks), and the spawns' distribution from Xoshiro256.

import Testing
import BuiltInEnvs

func seaquestState(_ f: RecordedFields) -> SeaquestState {
  func bullets(_ name: String) -> [SeaquestBullet] {
    f.entities(name).map { SeaquestBullet(x: $0![0], y: $0![1], movingRight: $0![2] != 0) }
  }
  func swimmers(_ name: String) -> [SeaquestSwimmer] {
    f.entities(name).map { SeaquestSwimmer(x: $0![0], y: $0![1], movingRight: $0![2] != 0, moveTimer: $0![3]) }
  }
  return SeaquestState(
    oxygen: f.int("oxygen"), diverCount: f.int("diver_count"), subX: f.int("sub_x"), subY: f.int("sub_y"),
    subOr: f.bool("sub_or"), fBullets: bullets("f_bullets"), eBullets: bullets("e_bullets"),
    eFish: swimmers("e_fish"),
    eSubs: f.entities("e_subs").map {
      SeaquestEnemySub(x: $0![0], y: $0![1], movingRight: $0![2] != 0, moveTimer: $0![3], shotTimer: $0![4])
    },
    divers: swimmers("divers"), eSpawnSpeed: f.int("e_spawn_speed"), eSpawnTimer: f.int("e_spawn_timer"),
    dSpawnTimer: f.int("d_spawn_timer"), moveSpeed: f.int("move_speed"), rampIndex: f.int("ramp_index"),
    shotTimer: f.int("shot_timer"), surface: f.bool("surface"), terminal: f.bool("terminal"))
}

@Suite struct MinAtarSeaquestTests {
  static let fixture = Result { try MinAtarFixture(file: "minatar_seaquest.txt") }

  @Test func replaysTheReferenceExactly() throws {
    let steps = try replayFixture("minatar_seaquest.txt", as: Seaquest.self, steps: 699, decode: seaquestState).states
    // Kills, the six-diver payout (diver_count left at −1), ramping, and every way to end.
    #expect(steps.filter { $0.step.reward == 1 }.count >= 5)
    #expect(steps.contains { $0.step.reward > 1 && $0.step.fields.int("diver_count") == -1 })
    #expect(steps.contains { $0.step.fields.int("ramp_index") > $0.before.int("ramp_index") })
    #expect(steps.contains { $0.step.fields.int("move_speed") < $0.before.int("move_speed") })
    #expect(steps.contains { $0.step.terminal && $0.before.int("oxygen") <= 0 })
    #expect(steps.contains { $0.step.terminal && $0.step.fields.int("sub_y") == 0 && $0.before.int("diver_count") == 0 })
    #expect(steps.filter { $0.step.draws.count >= 3 }.count >= 50)
    // A sub that dies on a player bullet still fires from its last cell.
    let dying = try #require(steps.first { $0.segment == "shot-while-dying" }?.step)
    #expect(dying.reward == 1 && seaquestState(dying.fields).eBullets == [SeaquestBullet(x: 5, y: 5, movingRight: true)])
  }

  @Test func resetMatchesTheReference() throws {
    let fixture = try Self.fixture.get()
    let recorded = seaquestState(fixture.segments[0].initial)
    var game = Seaquest()
    game.state.eFish = [SeaquestSwimmer(x: 1, y: 1, movingRight: true, moveTimer: 0)]
    var random = ScriptedRandom([])
    game.reset(random: &random)
    #expect(random.exhausted && random.mismatch == nil)
    #expect(game.state == recorded)
  }

  /// From an empty sea, one enemy and one diver spawn: side 1/2, sub 1/3, row uniform 1…8.
  @Test func spawnsFollowTheReferenceDistribution() {
    var rng = Xoshiro256(seed: 9)
    var start = Seaquest()
    start.state.eSpawnTimer = 0
    start.state.dSpawnTimer = 0
    start.state.subY = 5
    let n = 24_000
    var enemyRight = 0, subs = 0, diverRight = 0
    var enemyRows = [Int](repeating: 0, count: 10), diverRows = [Int](repeating: 0, count: 10)
    for _ in 0..<n {
      var game = start
      _ = game.act(.noop, random: &rng)
      let enemies = game.state.eSubs.map { ($0.y, $0.movingRight) } + game.state.eFish.map { ($0.y, $0.movingRight) }
      #expect(enemies.count == 1 && game.state.divers.count == 1)
      guard let enemy = enemies.first, let diver = game.state.divers.first else { continue }
      subs += game.state.eSubs.count
      enemyRows[enemy.0] += 1
      if enemy.1 { enemyRight += 1 }
      diverRows[diver.y] += 1
      if diver.movingRight { diverRight += 1 }
    }
    expectFrequency(enemyRight, of: n, near: 0.5, "enemy moving right")
    expectFrequency(subs, of: n, near: 1.0 / 3.0, "enemy sub")
    expectFrequency(diverRight, of: n, near: 0.5, "diver moving right")
    #expect(enemyRows[0] == 0 && enemyRows[9] == 0 && diverRows[0] == 0 && diverRows[9] == 0)
    for row in 1...8 {
      expectFrequency(enemyRows[row], of: n, near: 1.0 / 8.0, "enemy row \(row)")
      expectFrequency(diverRows[row], of: n, near: 1.0 / 8.0, "diver row \(row)")
    }
  }
}
