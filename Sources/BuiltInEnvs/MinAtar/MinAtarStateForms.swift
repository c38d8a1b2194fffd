// MinAtarStateForms.swift — the `EnvState` record of each MinAtar game: the
// reference's attributes (minatar/environments/*.py), named as there, in the
// order its reset() sets them, holding what the reference holds:
// * numbers as integers; flags as booleans (0/1 accepted when read back);
// * 10×10 maps (NumPy arrays of 0./1. in the reference) as 10 rows of 10 integers;
// * entities as MinAtar keeps them, Python lists of `[x, y, …]` in list order,
//   with Python's True/False as booleans and Asterix's empty slots (None) as null.
// Only the game's state is in the record: not `ramping` (a setting of the id,
// always on) and not the sticky-action wrapper's `last_action` (`replay` runs
// with sticky actions off, where it has no effect). Reading a record back
// checks the game's `validationError`, so every accepted state is safe to run.

extension BreakoutState: MinAtarStateForm {
  /// `{ball_x, ball_y, ball_dir, pos, brick_map, strike, last_x, last_y, terminal}`.
  static let keys = ["ball_x", "ball_y", "ball_dir", "pos", "brick_map", "strike", "last_x", "last_y", "terminal"]

  public var envState: EnvState {
    .record([
      .init("ball_x", .integer(ballX)), .init("ball_y", .integer(ballY)), .init("ball_dir", .integer(ballDir)),
      .init("pos", .integer(pos)), .init("brick_map", .grid(brickMap)), .init("strike", .boolean(strike)),
      .init("last_x", .integer(lastX)), .init("last_y", .integer(lastY)), .init("terminal", .boolean(terminal)),
    ])
  }

  public init(envState: EnvState, for id: String) throws(EnvStateError) {
    let r = try StateRecordReader(envState, for: id, keys: Self.keys)
    self.init(ballX: try r.int("ball_x"), ballY: try r.int("ball_y"), ballDir: try r.int("ball_dir"),
              pos: try r.int("pos"), brickMap: try r.grid("brick_map"), strike: try r.bool("strike"),
              lastX: try r.int("last_x"), lastY: try r.int("last_y"), terminal: try r.bool("terminal"))
    try r.check(validationError)
  }
}

extension FreewayState: MinAtarStateForm {
  /// `{cars, pos, move_timer, terminate_timer, terminal}`; `cars` is 8 cars
  /// `[x, y, timer, speed]` (speed signed: its sign is the direction).
  static let keys = ["cars", "pos", "move_timer", "terminate_timer", "terminal"]
  static let carFields = ["x", "y", "timer", "speed"]

  public var envState: EnvState {
    .record([
      .init("cars", .list(cars.map { .integers([$0.x, $0.y, $0.timer, $0.speed]) })),
      .init("pos", .integer(pos)), .init("move_timer", .integer(moveTimer)),
      .init("terminate_timer", .integer(terminateTimer)), .init("terminal", .boolean(terminal)),
    ])
  }

  public init(envState: EnvState, for id: String) throws(EnvStateError) {
    let r = try StateRecordReader(envState, for: id, keys: Self.keys)
    let cars = try r.entities("cars", fields: Self.carFields) { e throws(EnvStateError) in
      FreewayCar(x: try e.int("x"), y: try e.int("y"), timer: try e.int("timer"), speed: try e.int("speed"))
    }
    self.init(cars: cars, pos: try r.int("pos"), moveTimer: try r.int("move_timer"),
              terminateTimer: try r.int("terminate_timer"), terminal: try r.bool("terminal"))
    try r.check(validationError)
  }
}

extension AsterixState: MinAtarStateForm {
  /// `{player_x, player_y, entities, shot_timer, spawn_speed, spawn_timer,
  /// move_speed, move_timer, ramp_timer, ramp_index, terminal}`; `entities` is
  /// the 8 lane slots (slot i on row i + 1), each `[x, y, lr, is_gold]` or null.
  static let keys = ["player_x", "player_y", "entities", "shot_timer", "spawn_speed", "spawn_timer",
                     "move_speed", "move_timer", "ramp_timer", "ramp_index", "terminal"]
  static let entityFields = ["x", "y", "lr", "is_gold"]

  public var envState: EnvState {
    let slots: [EnvState] = entities.map { e in
      e.map { .list([.integer($0.x), .integer($0.y), .boolean($0.movingRight), .boolean($0.isGold)]) } ?? .null
    }
    return .record([
      .init("player_x", .integer(playerX)), .init("player_y", .integer(playerY)), .init("entities", .list(slots)),
      .init("shot_timer", .integer(shotTimer)), .init("spawn_speed", .integer(spawnSpeed)),
      .init("spawn_timer", .integer(spawnTimer)), .init("move_speed", .integer(moveSpeed)),
      .init("move_timer", .integer(moveTimer)), .init("ramp_timer", .integer(rampTimer)),
      .init("ramp_index", .integer(rampIndex)), .init("terminal", .boolean(terminal)),
    ])
  }

  public init(envState: EnvState, for id: String) throws(EnvStateError) {
    let r = try StateRecordReader(envState, for: id, keys: Self.keys)
    let entities = try r.entitySlots("entities", fields: Self.entityFields) { e throws(EnvStateError) in
      AsterixEntity(x: try e.int("x"), y: try e.int("y"), movingRight: try e.bool("lr"), isGold: try e.bool("is_gold"))
    }
    self.init(playerX: try r.int("player_x"), playerY: try r.int("player_y"), entities: entities,
              shotTimer: try r.int("shot_timer"), spawnSpeed: try r.int("spawn_speed"),
              spawnTimer: try r.int("spawn_timer"), moveSpeed: try r.int("move_speed"),
              moveTimer: try r.int("move_timer"), rampTimer: try r.int("ramp_timer"),
              rampIndex: try r.int("ramp_index"), terminal: try r.bool("terminal"))
    try r.check(validationError)
  }
}

extension SpaceInvadersState: MinAtarStateForm {
  /// `{pos, f_bullet_map, e_bullet_map, alien_map, alien_dir, enemy_move_interval,
  /// alien_move_timer, alien_shot_timer, ramp_index, shot_timer, terminal}`;
  /// the three maps are 10 rows of 10 cells, 0 or 1.
  static let keys = ["pos", "f_bullet_map", "e_bullet_map", "alien_map", "alien_dir", "enemy_move_interval",
                     "alien_move_timer", "alien_shot_timer", "ramp_index", "shot_timer", "terminal"]

  public var envState: EnvState {
    .record([
      .init("pos", .integer(pos)), .init("f_bullet_map", .grid(fBulletMap)),
      .init("e_bullet_map", .grid(eBulletMap)), .init("alien_map", .grid(alienMap)),
      .init("alien_dir", .integer(alienDir)), .init("enemy_move_interval", .integer(enemyMoveInterval)),
      .init("alien_move_timer", .integer(alienMoveTimer)), .init("alien_shot_timer", .integer(alienShotTimer)),
      .init("ramp_index", .integer(rampIndex)), .init("shot_timer", .integer(shotTimer)),
      .init("terminal", .boolean(terminal)),
    ])
  }

  public init(envState: EnvState, for id: String) throws(EnvStateError) {
    let r = try StateRecordReader(envState, for: id, keys: Self.keys)
    self.init(pos: try r.int("pos"), fBulletMap: try r.grid("f_bullet_map"), eBulletMap: try r.grid("e_bullet_map"),
              alienMap: try r.grid("alien_map"), alienDir: try r.int("alien_dir"),
              enemyMoveInterval: try r.int("enemy_move_interval"), alienMoveTimer: try r.int("alien_move_timer"),
              alienShotTimer: try r.int("alien_shot_timer"), rampIndex: try r.int("ramp_index"),
              shotTimer: try r.int("shot_timer"), terminal: try r.bool("terminal"))
    try r.check(validationError)
  }
}

extension SeaquestState: MinAtarStateForm {
  /// `{oxygen, diver_count, sub_x, sub_y, sub_or, f_bullets, e_bullets, e_fish,
  /// e_subs, divers, e_spawn_speed, e_spawn_timer, d_spawn_timer, move_speed,
  /// ramp_index, shot_timer, surface, terminal}`; the entity lists, in spawn
  /// order: `f_bullets` `[x, y, sub_or]`, `e_bullets` `[x, y, lr]`, `e_fish` and
  /// `divers` `[x, y, lr, move_timer]`, `e_subs` `[x, y, lr, move_timer, shot_timer]`.
  static let keys = ["oxygen", "diver_count", "sub_x", "sub_y", "sub_or", "f_bullets", "e_bullets", "e_fish",
                     "e_subs", "divers", "e_spawn_speed", "e_spawn_timer", "d_spawn_timer", "move_speed",
                     "ramp_index", "shot_timer", "surface", "terminal"]
  static let playerBulletFields = ["x", "y", "sub_or"]
  static let enemyBulletFields = ["x", "y", "lr"]
  static let swimmerFields = ["x", "y", "lr", "move_timer"]
  static let enemySubFields = ["x", "y", "lr", "move_timer", "shot_timer"]

  public var envState: EnvState {
    func bullets(_ list: [SeaquestBullet]) -> EnvState {
      .list(list.map { .list([.integer($0.x), .integer($0.y), .boolean($0.movingRight)]) })
    }
    func swimmers(_ list: [SeaquestSwimmer]) -> EnvState {
      .list(list.map { .list([.integer($0.x), .integer($0.y), .boolean($0.movingRight), .integer($0.moveTimer)]) })
    }
    let subs = EnvState.list(eSubs.map {
      .list([.integer($0.x), .integer($0.y), .boolean($0.movingRight), .integer($0.moveTimer), .integer($0.shotTimer)])
    })
    return .record([
      .init("oxygen", .integer(oxygen)), .init("diver_count", .integer(diverCount)),
      .init("sub_x", .integer(subX)), .init("sub_y", .integer(subY)), .init("sub_or", .boolean(subOr)),
      .init("f_bullets", bullets(fBullets)), .init("e_bullets", bullets(eBullets)),
      .init("e_fish", swimmers(eFish)), .init("e_subs", subs), .init("divers", swimmers(divers)),
      .init("e_spawn_speed", .integer(eSpawnSpeed)), .init("e_spawn_timer", .integer(eSpawnTimer)),
      .init("d_spawn_timer", .integer(dSpawnTimer)), .init("move_speed", .integer(moveSpeed)),
      .init("ramp_index", .integer(rampIndex)), .init("shot_timer", .integer(shotTimer)),
      .init("surface", .boolean(surface)), .init("terminal", .boolean(terminal)),
    ])
  }

  public init(envState: EnvState, for id: String) throws(EnvStateError) {
    let r = try StateRecordReader(envState, for: id, keys: Self.keys)
    func bullets(_ key: String, _ fields: [String]) throws(EnvStateError) -> [SeaquestBullet] {
      try r.entities(key, fields: fields) { e throws(EnvStateError) in
        SeaquestBullet(x: try e.int("x"), y: try e.int("y"), movingRight: try e.bool(fields[2]))
      }
    }
    func swimmers(_ key: String) throws(EnvStateError) -> [SeaquestSwimmer] {
      try r.entities(key, fields: Self.swimmerFields) { e throws(EnvStateError) in
        SeaquestSwimmer(x: try e.int("x"), y: try e.int("y"), movingRight: try e.bool("lr"),
                        moveTimer: try e.int("move_timer"))
      }
    }
    let subs = try r.entities("e_subs", fields: Self.enemySubFields) { e throws(EnvStateError) in
      SeaquestEnemySub(x: try e.int("x"), y: try e.int("y"), movingRight: try e.bool("lr"),
                       moveTimer: try e.int("move_timer"), shotTimer: try e.int("shot_timer"))
    }
    self.init(oxygen: try r.int("oxygen"), diverCount: try r.int("diver_count"), subX: try r.int("sub_x"),
              subY: try r.int("sub_y"), subOr: try r.bool("sub_or"),
              fBullets: try bullets("f_bullets", Self.playerBulletFields),
              eBullets: try bullets("e_bullets", Self.enemyBulletFields), eFish: try swimmers("e_fish"),
              eSubs: subs, divers: try swimmers("divers"), eSpawnSpeed: try r.int("e_spawn_speed"),
              eSpawnTimer: try r.int("e_spawn_timer"), dSpawnTimer: try r.int("d_spawn_timer"),
              moveSpeed: try r.int("move_speed"), rampIndex: try r.int("ramp_index"),
              shotTimer: try r.int("shot_timer"), surface: try r.bool("surface"), terminal: try r.bool("terminal"))
    try r.check(validationError)
  }
}
