// Asterix.swift — MinAtar Asterix (minatar/environments/asterix.py), rule for rule.
//
// The player moves in four directions on rows 1–8; enemies and gold enter from the
// sides, one lane (row) each: +1 per gold picked up, and touching an enemy ends
// the episode. With difficulty ramping, every ~100 frames entities spawn more
// often and (every other time) move faster. Random draws: at each spawn, the side,
// gold or enemy, and the free lane.

/// An enemy or a piece of gold: `[x, y, lr, is_gold]` in the reference.
public struct AsterixEntity: Equatable, Sendable {
  /// Column 0–9.
  public var x: Int
  /// Row: the entity in slot i is on row i + 1.
  public var y: Int
  /// `lr`: moving rightwards (entered at column 0) rather than leftwards (column 9).
  public var movingRight: Bool
  public var isGold: Bool

  public init(x: Int, y: Int, movingRight: Bool, isGold: Bool) {
    self.x = x; self.y = y; self.movingRight = movingRight; self.isGold = isGold
  }
}

/// The complete state of MinAtar Asterix, named after the reference's attributes.
public struct AsterixState: MinAtarState {
  /// `player_x`, `player_y`: the player's column and row (row in 1...8).
  public var playerX: Int
  public var playerY: Int
  /// `entities`: 8 lane slots (slot i is row i + 1), nil when empty.
  public var entities: [AsterixEntity?]
  /// `shot_timer`: set by reset and never used by the reference (kept for completeness).
  public var shotTimer: Int
  /// `spawn_speed`: frames between spawns; `spawn_timer`: frames until the next one.
  public var spawnSpeed: Int
  public var spawnTimer: Int
  /// `move_speed`: frames between entity moves; `move_timer`: frames until the next one.
  public var moveSpeed: Int
  public var moveTimer: Int
  /// `ramp_timer`: frames until the next difficulty step; `ramp_index`: steps so far.
  public var rampTimer: Int
  public var rampIndex: Int
  public var terminal: Bool

  public init(playerX: Int, playerY: Int, entities: [AsterixEntity?], shotTimer: Int,
              spawnSpeed: Int, spawnTimer: Int, moveSpeed: Int, moveTimer: Int,
              rampTimer: Int, rampIndex: Int, terminal: Bool) {
    self.playerX = playerX; self.playerY = playerY; self.entities = entities
    self.shotTimer = shotTimer
    self.spawnSpeed = spawnSpeed; self.spawnTimer = spawnTimer
    self.moveSpeed = moveSpeed; self.moveTimer = moveTimer
    self.rampTimer = rampTimer; self.rampIndex = rampIndex; self.terminal = terminal
  }
}

/// MinAtar Asterix. Channels: 0 player, 1 enemy, 2 trail, 3 gold. Ramps difficulty.
public struct Asterix: MinAtarGame {
  public static let name = "Asterix"
  public static let channelCount = 4
  public static let minimalActionSet: [MinAtarAction] = [.noop, .left, .up, .right, .down]
  /// `ramp_interval`, `init_spawn_speed`, `init_move_interval`.
  static let rampInterval = 100
  static let initialSpawnSpeed = 10
  static let initialMoveInterval = 5

  public var state: AsterixState
  public let ramping: Bool

  public init(ramping: Bool = true) {
    self.ramping = ramping
    state = AsterixState(
      playerX: 5, playerY: 5, entities: [AsterixEntity?](repeating: nil, count: 8), shotTimer: 0,
      spawnSpeed: 0, spawnTimer: 0, moveSpeed: 0, moveTimer: 0, rampTimer: 0, rampIndex: 0,
      terminal: false)
    restart()
  }

  public var difficultyRamp: Int? { state.rampIndex }

  public mutating func reset(random: inout some MinAtarRandomSource) { restart() }

  /// The reference's reset, in place (it draws nothing).
  mutating func restart() {
    state.playerX = 5
    state.playerY = 5
    for slot in 0..<8 { state.entities[slot] = nil }
    state.shotTimer = 0
    state.spawnSpeed = Asterix.initialSpawnSpeed
    state.spawnTimer = state.spawnSpeed
    state.moveSpeed = Asterix.initialMoveInterval
    state.moveTimer = state.moveSpeed
    state.rampTimer = Asterix.rampInterval
    state.rampIndex = 0
    state.terminal = false
  }

  public mutating func act(_ action: MinAtarAction, random: inout some MinAtarRandomSource)
    -> (reward: Int, terminal: Bool) {
    if state.terminal { return (0, true) }
    var reward = 0
    if state.spawnTimer == 0 {
      spawnEntity(random: &random)
      state.spawnTimer = state.spawnSpeed
    }

    switch action {
    case .left: state.playerX = max(0, state.playerX - 1)
    case .right: state.playerX = min(9, state.playerX + 1)
    case .up: state.playerY = max(1, state.playerY - 1)
    case .down: state.playerY = min(8, state.playerY + 1)
    case .noop, .fire: break
    }

    for slot in 0..<8 { reward += collide(slot) }
    if state.moveTimer == 0 {
      state.moveTimer = state.moveSpeed
      for slot in 0..<8 {
        guard var entity = state.entities[slot] else { continue }
        entity.x += entity.movingRight ? 1 : -1
        // An entity leaving the screen is gone (it cannot be on the player's cell).
        state.entities[slot] = (0...9).contains(entity.x) ? entity : nil
        reward += collide(slot)
      }
    }

    state.spawnTimer -= 1
    state.moveTimer -= 1

    if ramping && (state.spawnSpeed > 1 || state.moveSpeed > 1) {
      if state.rampTimer >= 0 {
        state.rampTimer -= 1
      } else {
        if state.moveSpeed > 1 && state.rampIndex % 2 != 0 { state.moveSpeed -= 1 }
        if state.spawnSpeed > 1 { state.spawnSpeed -= 1 }
        state.rampIndex += 1
        state.rampTimer = Asterix.rampInterval
      }
    }
    return (reward, state.terminal)
  }

  /// The entity in `slot` on the player's cell: gold is picked up (returns 1), an
  /// enemy ends the episode.
  mutating func collide(_ slot: Int) -> Int {
    guard let entity = state.entities[slot], entity.x == state.playerX, entity.y == state.playerY else {
      return 0
    }
    if entity.isGold {
      state.entities[slot] = nil
      return 1
    }
    state.terminal = true
    return 0
  }

  /// The reference's `_spawn_entity`: side (`rand() < 1/2`: from the left, moving
  /// right), kind (`rand() < 1/3`: gold), then a free lane (`randint(#free)`), or
  /// nothing if every lane is taken (after the first two draws).
  mutating func spawnEntity(random: inout some MinAtarRandomSource) {
    let movingRight = random.rand() < 1.0 / 2.0
    let isGold = random.rand() < 1.0 / 3.0
    let free = state.entities.lazy.filter { $0 == nil }.count
    if free == 0 { return }
    var choice = random.randint(0, free)
    for slot in 0..<8 where state.entities[slot] == nil {
      if choice == 0 {
        state.entities[slot] = AsterixEntity(x: movingRight ? 0 : 9, y: slot + 1,
                                             movingRight: movingRight, isGold: isGold)
        return
      }
      choice -= 1
    }
  }

  public func forEachActiveCell(_ body: (_ row: Int, _ column: Int, _ channel: Int) -> Void) {
    body(state.playerY, state.playerX, 0)
    for case let entity? in state.entities {
      body(entity.y, entity.x, entity.isGold ? 3 : 1)
      let backX = entity.movingRight ? entity.x - 1 : entity.x + 1
      if (0...9).contains(backX) { body(entity.y, backX, 2) }
    }
  }
}
