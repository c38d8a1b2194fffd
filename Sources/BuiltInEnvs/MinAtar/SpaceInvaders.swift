// SpaceInvaders.swift — MinAtar Space Invaders (minatar/environments/space_invaders.py),
// rule for rule.
//
// A cannon on the bottom row shoots at a block of aliens that sweeps sideways and
// steps down at the edges; the aliens shoot back from the one nearest the cannon.
// +1 per alien hit; an alien or an alien bullet reaching the cannon ends the
// episode. Aliens speed up as their number falls, and each cleared wave comes back
// faster (difficulty ramping). The game draws no random numbers at all.

/// The complete state of MinAtar Space Invaders, named after the reference's attributes.
/// Maps are 10 rows of 10 cells holding 0 or 1 (floats in the reference).
public struct SpaceInvadersState: MinAtarState {
  /// `pos`: the cannon's column (row 9).
  public var pos: Int
  /// `f_bullet_map`: the player's bullets (they rise one row per frame).
  public var fBulletMap: [[Int]]
  /// `e_bullet_map`: the aliens' bullets (they fall one row per frame).
  public var eBulletMap: [[Int]]
  /// `alien_map`: the aliens.
  public var alienMap: [[Int]]
  /// `alien_dir`: −1 moving left, +1 moving right.
  public var alienDir: Int
  /// `enemy_move_interval`: the wave's frames between moves (it falls with ramping).
  public var enemyMoveInterval: Int
  /// `alien_move_timer`: frames until the aliens move.
  public var alienMoveTimer: Int
  /// `alien_shot_timer`: frames until the aliens shoot.
  public var alienShotTimer: Int
  /// `ramp_index`: waves cleared with ramping on (until the interval reaches 6).
  public var rampIndex: Int
  /// `shot_timer`: frames until the cannon may shoot again.
  public var shotTimer: Int
  public var terminal: Bool

  public init(pos: Int, fBulletMap: [[Int]], eBulletMap: [[Int]], alienMap: [[Int]], alienDir: Int,
              enemyMoveInterval: Int, alienMoveTimer: Int, alienShotTimer: Int, rampIndex: Int,
              shotTimer: Int, terminal: Bool) {
    self.pos = pos; self.fBulletMap = fBulletMap; self.eBulletMap = eBulletMap
    self.alienMap = alienMap; self.alienDir = alienDir; self.enemyMoveInterval = enemyMoveInterval
    self.alienMoveTimer = alienMoveTimer; self.alienShotTimer = alienShotTimer
    self.rampIndex = rampIndex; self.shotTimer = shotTimer; self.terminal = terminal
  }
}

/// MinAtar Space Invaders. Channels: 0 cannon, 1 alien, 2 alien moving left, 3 alien
/// moving right, 4 player bullet, 5 alien bullet. Ramps difficulty.
public struct SpaceInvaders: MinAtarGame {
  public static let name = "SpaceInvaders"
  public static let channelCount = 6
  public static let minimalActionSet: [MinAtarAction] = [.noop, .left, .right, .fire]
  /// `shot_cool_down`, `enemy_move_interval`, `enemy_shot_interval`.
  static let shotCoolDown = 5
  static let initialEnemyMoveInterval = 12
  static let enemyShotInterval = 10

  public var state: SpaceInvadersState
  public let ramping: Bool

  public init(ramping: Bool = true) {
    self.ramping = ramping
    state = SpaceInvadersState(
      pos: 5, fBulletMap: .zeroGrid(), eBulletMap: .zeroGrid(), alienMap: .zeroGrid(), alienDir: -1,
      enemyMoveInterval: 0, alienMoveTimer: 0, alienShotTimer: 0, rampIndex: 0, shotTimer: 0,
      terminal: false)
    restart()
  }

  public var difficultyRamp: Int? { state.rampIndex }

  public mutating func reset(random: inout some MinAtarRandomSource) { restart() }

  /// The reference's reset, in place: a 4×6 block of aliens in rows 0–3, columns 2–7.
  mutating func restart() {
    state.pos = 5
    state.fBulletMap.clearGrid()
    state.eBulletMap.clearGrid()
    state.alienMap.clearGrid()
    state.alienMap.fill(rows: 0..<4, columns: 2..<8)
    state.alienDir = -1
    state.enemyMoveInterval = SpaceInvaders.initialEnemyMoveInterval
    state.alienMoveTimer = state.enemyMoveInterval
    state.alienShotTimer = SpaceInvaders.enemyShotInterval
    state.rampIndex = 0
    state.shotTimer = 0
    state.terminal = false
  }

  public mutating func act(_ action: MinAtarAction, random: inout some MinAtarRandomSource)
    -> (reward: Int, terminal: Bool) {
    if state.terminal { return (0, true) }
    var reward = 0
    if action == .fire && state.shotTimer == 0 {
      state.fBulletMap[9][state.pos] = 1
      state.shotTimer = SpaceInvaders.shotCoolDown
    } else if action == .left {
      state.pos = max(0, state.pos - 1)
    } else if action == .right {
      state.pos = min(9, state.pos + 1)
    }

    // Bullets: the player's rise (a new one leaves row 9 at once), the aliens' fall.
    state.fBulletMap.rollRowsUp()
    for column in 0..<10 { state.fBulletMap[9][column] = 0 }
    state.eBulletMap.rollRowsDown()
    for column in 0..<10 { state.eBulletMap[0][column] = 0 }
    if state.eBulletMap[9][state.pos] != 0 { state.terminal = true }

    if state.alienMap[9][state.pos] != 0 { state.terminal = true }
    if state.alienMoveTimer == 0 {
      // Fewer aliens move more often: the wait is at most one frame per alien.
      state.alienMoveTimer = min(state.alienMap.nonzeroCount, state.enemyMoveInterval)
      if (state.alienMap.columnIsOccupied(0) && state.alienDir < 0)
        || (state.alienMap.columnIsOccupied(9) && state.alienDir > 0) {
        state.alienDir = -state.alienDir
        if state.alienMap[9].contains(where: { $0 != 0 }) { state.terminal = true }
        // np.roll wraps: aliens stepping down from row 9 reappear on row 0.
        state.alienMap.rollRowsDown()
      } else {
        state.alienMap.rollColumns(by: state.alienDir)
      }
      if state.alienMap[9][state.pos] != 0 { state.terminal = true }
    }
    if state.alienShotTimer == 0 {
      state.alienShotTimer = SpaceInvaders.enemyShotInterval
      if let (row, column) = nearestAlien(to: state.pos) { state.eBulletMap[row][column] = 1 }
    }

    for row in 0..<10 {
      for column in 0..<10 {
        let alien = state.alienMap[row][column]
        if alien != 0 && alien == state.fBulletMap[row][column] {
          reward += 1
          state.alienMap[row][column] = 0
          state.fBulletMap[row][column] = 0
        }
      }
    }

    if state.shotTimer > 0 { state.shotTimer -= 1 }
    state.alienMoveTimer -= 1
    state.alienShotTimer -= 1
    if state.alienMap.nonzeroCount == 0 {
      if state.enemyMoveInterval > 6 && ramping {
        state.enemyMoveInterval -= 1
        state.rampIndex += 1
      }
      state.alienMap.fill(rows: 0..<4, columns: 2..<8)
    }
    return (reward, state.terminal)
  }

  /// The reference's `_nearest_alien`: the lowest alien of the occupied column nearest
  /// to `pos`; of two columns at the same distance the left one (Python's stable sort
  /// of 0…9 by distance keeps it first).
  func nearestAlien(to pos: Int) -> (row: Int, column: Int)? {
    for distance in 0..<10 {
      let left = pos - distance, right = pos + distance
      if left >= 0, let row = lowestAlien(inColumn: left) { return (row, left) }
      if distance > 0, right <= 9, let row = lowestAlien(inColumn: right) { return (row, right) }
    }
    return nil
  }

  /// The bottom-most row holding an alien in `column`.
  func lowestAlien(inColumn column: Int) -> Int? {
    (0..<10).last { state.alienMap[$0][column] != 0 }
  }

  public func forEachActiveCell(_ body: (_ row: Int, _ column: Int, _ channel: Int) -> Void) {
    body(9, state.pos, 0)
    let directionChannel = state.alienDir < 0 ? 2 : 3
    for row in 0..<10 {
      for column in 0..<10 {
        if state.alienMap[row][column] != 0 {
          body(row, column, 1)
          body(row, column, directionChannel)
        }
        if state.fBulletMap[row][column] != 0 { body(row, column, 4) }
        if state.eBulletMap[row][column] != 0 { body(row, column, 5) }
      }
    }
  }
}
