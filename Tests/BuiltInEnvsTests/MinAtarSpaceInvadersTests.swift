// MinAtarSpaceInvadersTests.swift — Space Invaders against traces of the real minatar
// 1.0.15. The game draws no random numbers, so every step must match exactly.

import Testing
import BuiltInEnvs

func spaceInvadersState(_ f: RecordedFields) -> SpaceInvadersState {
  SpaceInvadersState(
    pos: f.int("pos"), fBulletMap: f.grid("f_bullet_map"), eBulletMap: f.grid("e_bullet_map"),
    alienMap: f.grid("alien_map"), alienDir: f.int("alien_dir"), enemyMoveInterval: f.int("enemy_move_interval"),
    alienMoveTimer: f.int("alien_move_timer"), alienShotTimer: f.int("alien_shot_timer"),
    rampIndex: f.int("ramp_index"), shotTimer: f.int("shot_timer"), terminal: f.bool("terminal"))
}

@Suite struct MinAtarSpaceInvadersTests {
  static let fixture = Result { try MinAtarFixture(file: "minatar_space_invaders.txt") }

  @Test func replaysTheReferenceExactly() throws {
    let steps = try replayFixture("minatar_space_invaders.txt", as: SpaceInvaders.self, steps: 583,
                                  decode: spaceInvadersState).states
    #expect(steps.allSatisfy { $0.step.draws.isEmpty })
    // Aliens shot, a wave cleared and replaced with ramping, the block stepping down.
    #expect(steps.filter { $0.step.reward > 0 }.count >= 20)
    #expect(steps.contains { $0.step.fields.int("ramp_index") > $0.before.int("ramp_index") })
    #expect(steps.contains { $0.step.fields.int("alien_dir") != $0.before.int("alien_dir") })
    #expect(steps.contains { $0.step.terminal })
  }

  @Test func resetMatchesTheReference() throws {
    let fixture = try Self.fixture.get()
    let recorded = spaceInvadersState(fixture.segments[0].initial)
    var game = SpaceInvaders()
    game.state.alienMap[5][5] = 1
    var random = ScriptedRandom([])
    game.reset(random: &random)
    #expect(random.exhausted && random.mismatch == nil)
    #expect(game.state == recorded)
  }
}
