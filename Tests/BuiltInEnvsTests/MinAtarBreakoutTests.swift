// MinAtarBreakoutTests.swift — Breakout against traces of the real minatar 1.0.15:
// after reset the game is deterministic, so every recorded step must match exactly.

import Testing
import BuiltInEnvs

func breakoutState(_ f: RecordedFields) -> BreakoutState {
  BreakoutState(ballX: f.int("ball_x"), ballY: f.int("ball_y"), ballDir: f.int("ball_dir"), pos: f.int("pos"),
                brickMap: f.grid("brick_map"), strike: f.bool("strike"),
                lastX: f.int("last_x"), lastY: f.int("last_y"), terminal: f.bool("terminal"))
}

@Suite struct MinAtarBreakoutTests {
  static let fixture = Result { try MinAtarFixture(file: "minatar_breakout.txt") }

  @Test func replaysTheReferenceExactly() throws {
    let summary = try replayFixture("minatar_breakout.txt", as: Breakout.self, steps: 2358, decode: breakoutState)
    // The game draws nothing after reset.
    #expect(summary.states.allSatisfy { $0.step.draws.isEmpty })
    // The traces reach the rules that are easy to get wrong.
    let steps = summary.states
    func bricks(_ f: RecordedFields) -> Int { f.grid("brick_map").joined().reduce(0, +) }
    let refills = steps.filter { bricks($0.before) == 0 && bricks($0.step.fields) == 30 }
    let intoBrick = steps.filter {
      $0.before.bool("strike") && $0.step.fields.grid("brick_map")[$0.step.fields.int("ball_y")][$0.step.fields.int("ball_x")] == 1
    }
    let cornerHits = steps.filter {
      $0.before.int("ball_y") == 8 && $0.step.fields.int("ball_dir") == [2, 3, 0, 1][$0.before.int("ball_dir")]
    }
    let sideWalls = steps.filter { [0, 9].contains($0.before.int("ball_x")) && $0.before.int("ball_x") == $0.step.fields.int("ball_x") }
    #expect(refills.count >= 3)
    #expect(!intoBrick.isEmpty)
    #expect(cornerHits.count >= 10)
    #expect(sideWalls.count >= 50)
    #expect(steps.filter { $0.step.reward == 1 }.count >= 100)
    #expect(Set(steps.map(\.step.action)) == Set(MinAtarAction.allCases))
    #expect(steps.contains { $0.step.terminal })
  }

  @Test func resetMatchesTheReference() throws {
    let fixture = try Self.fixture.get()
    for segment in fixture.segments where !["last-brick", "strike-into-brick"].contains(segment.name) {
      let recorded = breakoutState(segment.initial)
      var game = Breakout()
      // The reference's one draw, randint(2), is 1 exactly when the ball starts on the right.
      var random = ScriptedRandom([.randint(low: 0, high: 2, value: recorded.ballX == 9 ? 1 : 0)])
      game.reset(random: &random)
      #expect(random.exhausted && random.mismatch == nil)
      #expect(game.state == recorded, "segment \(segment.name)")
    }
  }

  @Test func resetPicksEachSideHalfTheTime() {
    var rng = Xoshiro256(seed: 7)
    var game = Breakout()
    var right = 0
    let n = 20_000
    for _ in 0..<n {
      game.reset(random: &rng)
      if game.state.ballX == 9 { right += 1 }
    }
    expectFrequency(right, of: n, near: 0.5, "ball starts right")
  }

  @Test func terminalGameStaysTerminal() {
    var game = Breakout()
    var rng = Xoshiro256(seed: 1)
    game.reset(random: &rng)
    while !game.act(.noop, random: &rng).terminal {}
    let frozen = game.state
    #expect(game.act(.left, random: &rng) == (0, true))
    #expect(game.state == frozen)
    #expect(game.difficultyRamp == nil)
  }
}

/// Expects `count` successes in `n` draws of probability `p`, within 6 standard
/// deviations (a fixed seed makes the outcome the same on every run).
func expectFrequency(_ count: Int, of n: Int, near p: Double, _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
  let mean = Double(n) * p
  let sigma = (Double(n) * p * (1 - p)).squareRoot()
  #expect(abs(Double(count) - mean) <= 6 * sigma + 1, "\(what): \(count) of \(n), expected about \(mean)",
          sourceLocation: sourceLocation)
}
