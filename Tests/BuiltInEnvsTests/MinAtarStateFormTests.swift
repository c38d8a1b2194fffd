// MinAtarStateFormTests.swift — each game's state record (what `replay` prints and
// takes): MinAtar's attribute names in its order, entities as its lists, every
// state recorded from the reference read back to itself, and bad records refused
// with one line naming the field, leaving the environment as it was.

import Testing
import BuiltInEnvs

/// `state` with `key` set to `value` (added at the end if missing), or removed when nil.
func replacing(_ state: EnvState, _ key: String, with value: EnvState?) -> EnvState {
  var fields = state.recordFields ?? []
  if let i = fields.firstIndex(where: { $0.key == key }) {
    if let value { fields[i].value = value } else { fields.remove(at: i) }
  } else if let value {
    fields.append(.init(key, value))
  }
  return .record(fields)
}

@Suite struct MinAtarStateFormTests {
  /// The attributes each reference game's reset() sets, in that order (minatar 1.0.15,
  /// minatar/environments/*.py), without `ramping` and the generator.
  static let referenceKeys: [(String, [String])] = [
    ("Breakout", ["ball_x", "ball_y", "ball_dir", "pos", "brick_map", "strike", "last_x", "last_y", "terminal"]),
    ("Freeway", ["cars", "pos", "move_timer", "terminate_timer", "terminal"]),
    ("Asterix", ["player_x", "player_y", "entities", "shot_timer", "spawn_speed", "spawn_timer", "move_speed",
                 "move_timer", "ramp_timer", "ramp_index", "terminal"]),
    ("SpaceInvaders", ["pos", "f_bullet_map", "e_bullet_map", "alien_map", "alien_dir", "enemy_move_interval",
                       "alien_move_timer", "alien_shot_timer", "ramp_index", "shot_timer", "terminal"]),
    ("Seaquest", ["oxygen", "diver_count", "sub_x", "sub_y", "sub_or", "f_bullets", "e_bullets", "e_fish", "e_subs",
                  "divers", "e_spawn_speed", "e_spawn_timer", "d_spawn_timer", "move_speed", "ramp_index",
                  "shot_timer", "surface", "terminal"]),
  ]

  @Test func recordsUseMinAtarsAttributeNamesInItsOrder() throws {
    for (game, keys) in Self.referenceKeys {
      for version in 0...1 {
        let env = try #require(EnvRegistry.make("MinAtar/\(game)-v\(version)"))
        #expect(env.internalState.recordFields?.map(\.key) == keys, "\(game)")
      }
    }
  }

  @Test func everyRecordedReferenceStateReadsBackToItself() throws {
    func check<State: MinAtarState>(_ file: String, _ id: String, _ decode: (RecordedFields) -> State) throws {
      let fixture = try MinAtarFixture(file: file)
      let states = fixture.segments.flatMap { [$0.initial] + $0.steps.map(\.fields) }.map(decode)
      #expect(states.count > 300)
      for state in states {
        #expect(try State(envState: state.envState, for: id) == state, "\(id) \(state)")
      }
    }
    try check("minatar_breakout.txt", "MinAtar/Breakout-v0", breakoutState)
    try check("minatar_freeway.txt", "MinAtar/Freeway-v0", freewayState)
    try check("minatar_asterix.txt", "MinAtar/Asterix-v0", asterixState)
    try check("minatar_space_invaders.txt", "MinAtar/SpaceInvaders-v0", spaceInvadersState)
    try check("minatar_seaquest.txt", "MinAtar/Seaquest-v0", seaquestState)
  }

  @Test func entitiesAreListsAsMinAtarKeepsThem() {
    let freeway = Freeway().state.envState
    #expect(freeway["cars"]?.listValue?.first == .integers([0, 1, 1, 1]))
    #expect(freeway["cars"]?.listValue?.count == 8)

    var asterix = Asterix().state
    asterix.entities[1] = AsterixEntity(x: 0, y: 2, movingRight: true, isGold: false)
    let slots = asterix.envState["entities"]?.listValue
    #expect(slots?.count == 8 && slots?[0] == .null)
    #expect(slots?[1] == .list([.integer(0), .integer(2), .boolean(true), .boolean(false)]))

    var seaquest = Seaquest().state
    seaquest.fBullets = [SeaquestBullet(x: 4, y: 1, movingRight: false)]
    seaquest.eSubs = [SeaquestEnemySub(x: 9, y: 3, movingRight: false, moveTimer: 4, shotTimer: 10)]
    seaquest.divers = [SeaquestSwimmer(x: 0, y: 5, movingRight: true, moveTimer: 30)]
    let record = seaquest.envState
    #expect(record["f_bullets"] == .list([.list([.integer(4), .integer(1), .boolean(false)])]))
    #expect(record["e_subs"] == .list([.list([.integer(9), .integer(3), .boolean(false), .integer(4), .integer(10)])]))
    #expect(record["divers"] == .list([.list([.integer(0), .integer(5), .boolean(true), .integer(30)])]))
    #expect(record["e_fish"] == .list([]) && record["sub_or"] == .boolean(false))

    let invaders = SpaceInvaders().state.envState
    #expect(invaders["alien_map"]?.listValue?[0] == .integers([0, 0, 1, 1, 1, 1, 1, 1, 0, 0]))
  }

  @Test func flagsMayBeZeroOrOneAndIntegersIntegralReals() throws {
    let reset = Breakout().state
    var record = replacing(reset.envState, "strike", with: .integer(1))
    record = replacing(record, "terminal", with: .integer(0))
    record = replacing(record, "pos", with: .real(4))
    var expected = reset
    expected.strike = true
    #expect(try BreakoutState(envState: record, for: "B") == expected)
  }

  @Test(arguments: [
    ("MinAtar/Breakout-v0", EnvState.reals([0, 0, 0, 0]),
     "state: expected an object with keys ball_x, ball_y, ball_dir, pos, brick_map, strike, last_x, last_y, terminal, got an array of 4 values"),
    ("MinAtar/Breakout-v0", replacing(Breakout().state.envState, "pos", with: nil), "state: missing key pos"),
    ("MinAtar/Breakout-v0", replacing(Breakout().state.envState, "last_action", with: .integer(0)),
     "state: unknown key last_action (keys: ball_x, ball_y, ball_dir, pos, brick_map, strike, last_x, last_y, terminal)"),
    ("MinAtar/Breakout-v0", replacing(Breakout().state.envState, "pos", with: .boolean(true)),
     "state: pos must be an integer, got a boolean"),
    ("MinAtar/Breakout-v0", replacing(Breakout().state.envState, "pos", with: .integer(-1)),
     "state: pos must be in 0...9, got -1"),
    ("MinAtar/Breakout-v0", replacing(Breakout().state.envState, "strike", with: .integer(2)),
     "state: strike must be a boolean, got a number"),
    ("MinAtar/Breakout-v0", replacing(Breakout().state.envState, "brick_map", with: .list([.integer(0)])),
     "state: brick_map[0] must be an array of integers, got a number"),
    ("MinAtar/Breakout-v0", replacing(Breakout().state.envState, "brick_map", with: .grid([[Int]](repeating: [0], count: 10))),
     "state: brick_map must be 10 rows of 10 cells"),
    ("MinAtar/Breakout-v0", replacing(replacing(Breakout().state.envState, "ball_y", with: .integer(9)), "ball_dir", with: .integer(3)),
     "state: ball_y 9 moving down (ball_dir 3) leaves the grid; only a terminal state has the ball there"),
    ("MinAtar/Freeway-v1", replacing(Freeway().state.envState, "cars", with: .list([.null])),
     "state: cars[0] must be an array of 4 values [x, y, timer, speed], got null"),
    ("MinAtar/Freeway-v1", replacing(Freeway().state.envState, "cars", with: .list([.integers([1, 2, 3])])),
     "state: cars[0] must be an array of 4 values [x, y, timer, speed], got an array of 3 values"),
    ("MinAtar/Freeway-v1", replacing(Freeway().state.envState, "cars", with: .list([.list([.integer(0), .integer(1), .integer(1), .real(0.5)])])),
     "state: cars[0].speed must be an integer, got a number"),
    ("MinAtar/Freeway-v1", replacing(Freeway().state.envState, "cars", with: .list([.integers([0, 1, 1, 1])])),
     "state: cars must hold 8 cars, got 1"),
    ("MinAtar/Freeway-v1", replacing(Freeway().state.envState, "terminate_timer", with: .integer(-2_147_483_649)),
     "state: terminate_timer must be an integer from -2147483648 to 2147483647, got -2147483649"),
    ("MinAtar/Asterix-v0", replacing(Asterix().state.envState, "entities", with: .integer(8)),
     "state: entities must be an array of entities [x, y, lr, is_gold] or null, got a number"),
    ("MinAtar/Asterix-v0", replacing(Asterix().state.envState, "entities", with: .list([EnvState](repeating: .null, count: 7))),
     "state: entities must hold 8 slots, got 7"),
    ("MinAtar/Asterix-v0", replacing(Asterix().state.envState, "entities",
                                     with: .list([.null, .integers([3, 2, 2, 0])] + [EnvState](repeating: .null, count: 6))),
     "state: entities[1].lr must be a boolean, got a number"),
    ("MinAtar/Asterix-v0", replacing(Asterix().state.envState, "entities",
                                     with: .list([.integers([10, 1, 1, 0])] + [EnvState](repeating: .null, count: 7))),
     "state: entities[0].x must be in 0...9, got 10"),
    ("MinAtar/SpaceInvaders-v1", replacing(SpaceInvaders().state.envState, "alien_dir", with: .integer(0)),
     "state: alien_dir must be -1 or 1, got 0"),
    ("MinAtar/SpaceInvaders-v1", replacing(SpaceInvaders().state.envState, "e_bullet_map",
                                           with: .grid([[Int]](repeating: [Int](repeating: 0, count: 10), count: 9))),
     "state: e_bullet_map must be 10 rows of 10 cells"),
    ("MinAtar/Seaquest-v0", replacing(Seaquest().state.envState, "e_subs", with: .list([.integers([10, 3, 0, 4, 10])])),
     "state: e_subs x must be in 0...9, got 10"),
    ("MinAtar/Seaquest-v0", replacing(Seaquest().state.envState, "f_bullets", with: .list([.integers([1, 2])])),
     "state: f_bullets[0] must be an array of 3 values [x, y, sub_or], got an array of 2 values"),
    ("MinAtar/Seaquest-v0", replacing(Seaquest().state.envState, "divers", with: .list([.null])),
     "state: divers[0] must be an array of 4 values [x, y, lr, move_timer], got null"),
    ("MinAtar/Seaquest-v0", replacing(Seaquest().state.envState, "oxygen", with: .integer(1 << 31)),
     "state: oxygen must be an integer from -2147483648 to 2147483647, got 2147483648"),
  ])
  func badRecordsAreRefusedByNameAndChangeNothing(id: String, record: EnvState, message: String) throws {
    var env = try #require(EnvRegistry.make(id))
    var rng = Xoshiro256(seed: 3)
    var obs: [Float] = []
    env.reset(rng: &rng, observation: &obs)
    _ = env.step(action: 1, observation: &obs)
    let before = env.internalState
    #expect(throws: EnvStateError("\(id) \(message)")) { try env.restore(record, elapsedSteps: 0) }
    #expect(env.internalState == before && env.elapsedSteps == 1)
  }

  @Test func reseededStepsDrawTheSame() throws {
    // Asterix with its spawn timer at 0 spawns on the next step: three draws.
    var state = Asterix().state
    state.spawnTimer = 0
    var outcomes: [EnvState] = []
    for seed: UInt64 in [5, 5, 6, 7, 8, 9] {
      var env = try #require(EnvRegistry.make("MinAtar/Asterix-v1", options: EnvOptions(stickyActionProbability: 0)))
      try env.restore(state.envState, elapsedSteps: 0)
      env.reseedStepDraws(seed)
      var obs: [Float] = []
      _ = env.step(action: 0, observation: &obs)
      outcomes.append(env.internalState)
    }
    #expect(outcomes[0] == outcomes[1])
    #expect(Set(outcomes.dropFirst().map(\.description)).count > 1, "other seeds spawn elsewhere")
  }

  @Test func optionsSetTheStickyActionProbability() throws {
    let off = try #require(EnvRegistry.make("MinAtar/Breakout-v1", options: EnvOptions(stickyActionProbability: 0))
      as? MinAtarEnvironment<Breakout>)
    #expect(off.stickyActionProbability == 0)
    let standard = try #require(EnvRegistry.make("MinAtar/Seaquest-v0") as? MinAtarEnvironment<Seaquest>)
    #expect(standard.stickyActionProbability == 0.1)
    #expect(EnvRegistry.spec("CartPole-v1")?.stickyActionProbability == nil)
    #expect(EnvRegistry.make("CartPole-v1", options: EnvOptions(stickyActionProbability: 0.5)) is CartPole)
  }
}
