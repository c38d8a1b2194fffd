// MinAtarFreewayTests.swift — Freeway against traces of the real minatar 1.0.15, with
// the reference's car-speed draws replayed, and the draws' distribution from Xoshiro256.

import Testing
import BuiltInEnvs

func freewayState(_ f: RecordedFields) -> FreewayState {
  FreewayState(cars: f.entities("cars").map { c in FreewayCar(x: c![0], y: c![1], timer: c![2], speed: c![3]) },
               pos: f.int("pos"), moveTimer: f.int("move_timer"), terminateTimer: f.int("terminate_timer"),
               terminal: f.bool("terminal"))
}

@Suite struct MinAtarFreewayTests {
  static let fixture = Result { try MinAtarFixture(file: "minatar_freeway.txt") }

  @Test func replaysTheReferenceExactly() throws {
    let steps = try replayFixture("minatar_freeway.txt", as: Freeway.self, steps: 703, decode: freewayState).states
    // Crossings (each redraws 8 speeds and 8 directions), collisions, and the end at frame 2501.
    #expect(steps.filter { $0.step.reward == 1 && $0.step.draws.count == 16 }.count >= 10)
    #expect(steps.contains { $0.before.int("pos") < 9 && $0.step.fields.int("pos") == 9 && $0.step.reward == 0 })
    #expect(steps.contains { $0.step.terminal && $0.before.int("terminate_timer") == 0 })
    #expect(steps.filter { $0.step.reward == 0 }.allSatisfy { $0.step.draws.isEmpty })
  }

  @Test func resetMatchesTheReference() throws {
    let fixture = try Self.fixture.get()
    for segment in fixture.segments where ["start", "crossing"].contains(segment.name) {
      var recorded = freewayState(segment.initial)
      if segment.name == "crossing" { recorded.pos = 9; recorded.moveTimer = 3 }  // set by hand after reset
      // Draws that give the recorded speeds: randint(1, 6) = |speed|, then rand() on
      // the side of 0.5 that gives the sign.
      let draws = recorded.cars.map { RecordedDraw.randint(low: 1, high: 6, value: abs($0.speed)) }
        + recorded.cars.map { RecordedDraw.rand($0.speed > 0 ? 0.75 : 0.25) }
      var random = ScriptedRandom(draws)
      var game = Freeway()
      game.reset(random: &random)
      #expect(random.exhausted && random.mismatch == nil)
      #expect(game.state == recorded, "segment \(segment.name)")
    }
  }

  @Test func carSpeedsAndDirectionsAreUniform() {
    var rng = Xoshiro256(seed: 11)
    var game = Freeway()
    var speedCounts = [Int](repeating: 0, count: 6)
    var rightwards = 0
    let resets = 5_000
    for _ in 0..<resets {
      game.reset(random: &rng)
      for car in game.state.cars {
        speedCounts[abs(car.speed)] += 1
        if car.speed > 0 { rightwards += 1 }
        #expect(car.timer == abs(car.speed) && car.x == 0)
      }
    }
    #expect(speedCounts[0] == 0)
    for speed in 1...5 { expectFrequency(speedCounts[speed], of: 8 * resets, near: 0.2, "|speed| \(speed)") }
    expectFrequency(rightwards, of: 8 * resets, near: 0.5, "rightwards")
    #expect(game.state.cars.map(\.y) == Array(1...8))
  }

  @Test func anEpisodeEndsOnFrame2501() {
    var rng = Xoshiro256(seed: 3)
    var game = Freeway()
    game.reset(random: &rng)
    var frames = 0
    var returned = 0
    while true {
      let (reward, terminal) = game.act(MinAtarAction.allCases[Int(rng.next() % 6)], random: &rng)
      frames += 1
      returned += reward
      if terminal { break }
    }
    #expect(frames == 2501)
    #expect(game.act(.up, random: &rng) == (0, true))
    #expect(returned >= 0)
  }
}
