// MinAtarStateValidationTests.swift — states the games can run from: every state
// recorded from the reference is accepted, off-grid ones are refused by name.

import Testing
import BuiltInEnvs

@Suite struct MinAtarStateValidationTests {
  @Test func everyRecordedStateIsValid() throws {
    func errors<State>(_ file: String, _ decode: (RecordedFields) -> State, _ check: (State) -> String?) throws -> [String] {
      let fixture = try MinAtarFixture(file: file)
      let all = fixture.segments.flatMap { [$0.initial] + $0.steps.map(\.fields) }
      #expect(all.count > 300)
      return all.compactMap { check(decode($0)) }
    }
    #expect(try errors("minatar_breakout.txt", breakoutState, \.validationError) == [])
    #expect(try errors("minatar_freeway.txt", freewayState, \.validationError) == [])
    #expect(try errors("minatar_asterix.txt", asterixState, \.validationError) == [])
    #expect(try errors("minatar_space_invaders.txt", spaceInvadersState, \.validationError) == [])
    #expect(try errors("minatar_seaquest.txt", seaquestState, \.validationError) == [])
  }

  @Test func offGridStatesAreRefusedByName() {
    var breakout = Breakout().state
    breakout.ballDir = 4
    #expect(breakout.validationError == "ball_dir must be in 0...3, got 4")
    breakout = Breakout().state
    breakout.brickMap.removeLast()
    #expect(breakout.validationError == "brick_map must be 10 rows of 10 cells")
    breakout = Breakout().state
    breakout.pos = 10
    #expect(breakout.validationError == "pos must be in 0...9, got 10")

    var freeway = Freeway().state
    freeway.cars[2].speed = 6
    #expect(freeway.validationError == "cars[2].speed must be in -5...5, got 6")
    var asterix = Asterix().state
    asterix.entities[1] = AsterixEntity(x: -1, y: 2, movingRight: true, isGold: false)
    #expect(asterix.validationError == "entities[1].x must be in 0...9, got -1")
    var invaders = SpaceInvaders().state
    invaders.alienMap[0][0] = 2
    #expect(invaders.validationError == "alien_map cells must be 0 or 1")
    var seaquest = Seaquest().state
    seaquest.eFish = [SeaquestSwimmer(x: 3, y: 10, movingRight: true, moveTimer: 0)]
    #expect(seaquest.validationError == "e_fish y must be in 0...9, got 10")
    #expect(Seaquest().state.validationError == nil && SpaceInvaders().state.validationError == nil)
  }
}
