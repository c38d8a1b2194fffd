// Seaquest.swift — MinAtar Seaquest (minatar/environments/seaquest.py), rule for rule.
//
// The player's two-cell submarine shoots fish and enemy subs (+1 each), picks up
// divers, and must surface (row 0) with a diver on board before its oxygen runs
// out; surfacing with six divers pays out the remaining oxygen. Enemies, their
// bullets, running out of air, or surfacing with no diver end the episode. With
// difficulty ramping each surfacing makes enemies spawn more often and (every
// other time) move faster. Random draws: at each enemy spawn its side, kind and
// row; at each diver spawn its side and row.
//
// The reference walks its lists backwards while removing entities by value; the
// loops below keep its exact visiting order (PythonListSemantics.swift), including
// its quirks: an enemy sub removed while moving still counts down its shot timer
// and may fire from where it was removed, and surfacing with six divers leaves
// `diver_count` at −1.

/// MinAtar Seaquest. Channels: 0 sub front, 1 sub back, 2 player bullet, 3 trail,
/// 4 enemy bullet, 5 enemy fish, 6 enemy sub, 7 oxygen gauge, 8 diver gauge,
/// 9 diver. Ramps difficulty.
public struct Seaquest: MinAtarGame {
  public static let name = "Seaquest"
  public static let channelCount = 10
  public static let minimalActionSet: [MinAtarAction] = [.noop, .left, .up, .right, .down, .fire]
  // The reference's module constants (`ramp_interval` and `enemy_move_interval` are unused).
  static let maxOxygen = 200
  static let initialSpawnSpeed = 20
  static let diverSpawnSpeed = 30
  static let initialMoveInterval = 5
  static let shotCoolDown = 5
  static let enemyShotInterval = 10
  static let diverMoveInterval = 5

  public var state: SeaquestState
  public let ramping: Bool

  public init(ramping: Bool = true) {
    self.ramping = ramping
    state = SeaquestState(
      oxygen: 0, diverCount: 0, subX: 0, subY: 0, subOr: false,
      fBullets: [], eBullets: [], eFish: [], eSubs: [], divers: [],
      eSpawnSpeed: 0, eSpawnTimer: 0, dSpawnTimer: 0, moveSpeed: 0, rampIndex: 0, shotTimer: 0,
      surface: true, terminal: false)
    // Room for far more entities than a game holds at once, so steps do not allocate.
    state.fBullets.reserveCapacity(16)
    state.eBullets.reserveCapacity(64)
    state.eFish.reserveCapacity(64)
    state.eSubs.reserveCapacity(64)
    state.divers.reserveCapacity(16)
    restart()
  }

  public var difficultyRamp: Int? { state.rampIndex }

  public mutating func reset(random: inout some MinAtarRandomSource) { restart() }

  /// The reference's reset, in place (it draws nothing).
  mutating func restart() {
    state.oxygen = Seaquest.maxOxygen
    state.diverCount = 0
    state.subX = 5
    state.subY = 0
    state.subOr = false
    state.fBullets.removeAll(keepingCapacity: true)
    state.eBullets.removeAll(keepingCapacity: true)
    state.eFish.removeAll(keepingCapacity: true)
    state.eSubs.removeAll(keepingCapacity: true)
    state.divers.removeAll(keepingCapacity: true)
    state.eSpawnSpeed = Seaquest.initialSpawnSpeed
    state.eSpawnTimer = state.eSpawnSpeed
    state.dSpawnTimer = Seaquest.diverSpawnSpeed
    state.moveSpeed = Seaquest.initialMoveInterval
    state.rampIndex = 0
    state.shotTimer = 0
    state.surface = true
    state.terminal = false
  }

  public mutating func act(_ action: MinAtarAction, random: inout some MinAtarRandomSource)
    -> (reward: Int, terminal: Bool) {
    if state.terminal { return (0, true) }
    var reward = 0
    if state.eSpawnTimer == 0 {
      spawnEnemy(random: &random)
      state.eSpawnTimer = state.eSpawnSpeed
    }
    if state.dSpawnTimer == 0 {
      spawnDiver(random: &random)
      state.dSpawnTimer = Seaquest.diverSpawnSpeed
    }

    switch action {
    case .fire:
      if state.shotTimer == 0 {
        state.fBullets.append(SeaquestBullet(x: state.subX, y: state.subY, movingRight: state.subOr))
        state.shotTimer = Seaquest.shotCoolDown
      }
    case .left:
      state.subX = max(0, state.subX - 1)
      state.subOr = false
    case .right:
      state.subX = min(9, state.subX + 1)
      state.subOr = true
    case .up: state.subY = max(0, state.subY - 1)
    case .down: state.subY = min(8, state.subY + 1)
    case .noop: break
    }

    reward += moveFriendlyBullets()
    moveDivers()
    reward += moveEnemySubs()
    moveEnemyBullets()
    reward += moveFish()

    if state.eSpawnTimer > 0 { state.eSpawnTimer -= 1 }
    if state.dSpawnTimer > 0 { state.dSpawnTimer -= 1 }
    if state.shotTimer > 0 { state.shotTimer -= 1 }
    if state.oxygen <= 0 { state.terminal = true }
    if state.subY > 0 {
      state.oxygen -= 1
      state.surface = false
    } else if !state.surface {
      if state.diverCount == 0 {
        state.terminal = true
      } else {
        reward += surfaceWithDivers()
      }
    }
    return (reward, state.terminal)
  }

  /// Whether (x, y) is the player's front cell.
  func isPlayer(_ x: Int, _ y: Int) -> Bool { x == state.subX && y == state.subY }

  /// The player's bullets move; one that meets a fish (checked first) or an enemy sub
  /// removes it. Returns the reward.
  mutating func moveFriendlyBullets() -> Int {
    var reward = 0
    var cursor = ReversedListCursor(count: state.fBullets.count)
    while let i = cursor.next(count: state.fBullets.count) {
      state.fBullets[i].x += state.fBullets[i].movingRight ? 1 : -1
      let bullet = state.fBullets[i]
      if !(0...9).contains(bullet.x) {
        state.fBullets.removeFirstEqual(to: bullet)
      } else if let fish = state.eFish.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
        state.eFish.remove(at: fish)
        state.fBullets.removeFirstEqual(to: bullet)
        reward += 1
      } else if let sub = state.eSubs.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
        state.eSubs.remove(at: sub)
        state.fBullets.removeFirstEqual(to: bullet)
        reward += 1
      }
    }
    return reward
  }

  /// Divers drift one column every few frames; one on (or drifting onto) the player's
  /// cell is picked up while fewer than 6 are on board.
  mutating func moveDivers() {
    var cursor = ReversedListCursor(count: state.divers.count)
    while let i = cursor.next(count: state.divers.count) {
      let diver = state.divers[i]
      if isPlayer(diver.x, diver.y) && state.diverCount < 6 {
        state.divers.removeFirstEqual(to: diver)
        state.diverCount += 1
      } else if diver.moveTimer == 0 {
        state.divers[i].moveTimer = Seaquest.diverMoveInterval
        state.divers[i].x += diver.movingRight ? 1 : -1
        let moved = state.divers[i]
        if !(0...9).contains(moved.x) {
          state.divers.removeFirstEqual(to: moved)
        } else if isPlayer(moved.x, moved.y) && state.diverCount < 6 {
          state.divers.removeFirstEqual(to: moved)
          state.diverCount += 1
        }
      } else {
        state.divers[i].moveTimer -= 1
      }
    }
  }

  /// Enemy subs move (touching the player ends the episode; meeting a player bullet
  /// removes both) and shoot. Returns the reward.
  mutating func moveEnemySubs() -> Int {
    var reward = 0
    var cursor = ReversedListCursor(count: state.eSubs.count)
    while let i = cursor.next(count: state.eSubs.count) {
      // `sub` is the Python object; `home` is where it sits in the list (nil once
      // removed: the reference keeps updating the removed object's shot timer).
      var sub = state.eSubs[i]
      var home: Int? = i
      if isPlayer(sub.x, sub.y) { state.terminal = true }
      if sub.moveTimer == 0 {
        sub.moveTimer = state.moveSpeed
        sub.x += sub.movingRight ? 1 : -1
        state.eSubs[i] = sub
        if !(0...9).contains(sub.x) {
          home = Seaquest.position(of: home, afterRemovingAt: state.eSubs.removeFirstEqual(to: sub))
        } else if isPlayer(sub.x, sub.y) {
          state.terminal = true
        } else if let bullet = state.fBullets.firstIndex(where: { $0.x == sub.x && $0.y == sub.y }) {
          home = Seaquest.position(of: home, afterRemovingAt: state.eSubs.removeFirstEqual(to: sub))
          state.fBullets.remove(at: bullet)
          reward += 1
        }
      } else {
        sub.moveTimer -= 1
      }
      if sub.shotTimer == 0 {
        sub.shotTimer = Seaquest.enemyShotInterval
        state.eBullets.append(SeaquestBullet(x: sub.x, y: sub.y, movingRight: sub.movingRight))
      } else {
        sub.shotTimer -= 1
      }
      if let at = home { state.eSubs[at] = sub }
    }
    return reward
  }

  /// Where an element that sat at `home` is after the element at `removed` was taken
  /// out of its list: nil if it was the one removed, one place earlier if an element
  /// before it went.
  static func position(of home: Int?, afterRemovingAt removed: Int) -> Int? {
    guard let home else { return nil }
    if removed == home { return nil }
    return removed < home ? home - 1 : home
  }

  /// Enemy bullets move one column a frame; touching the player ends the episode.
  mutating func moveEnemyBullets() {
    var cursor = ReversedListCursor(count: state.eBullets.count)
    while let i = cursor.next(count: state.eBullets.count) {
      if isPlayer(state.eBullets[i].x, state.eBullets[i].y) { state.terminal = true }
      state.eBullets[i].x += state.eBullets[i].movingRight ? 1 : -1
      let bullet = state.eBullets[i]
      if !(0...9).contains(bullet.x) {
        state.eBullets.removeFirstEqual(to: bullet)
      } else if isPlayer(bullet.x, bullet.y) {
        state.terminal = true
      }
    }
  }

  /// Fish move (touching the player ends the episode; meeting a player bullet removes
  /// both). Returns the reward.
  mutating func moveFish() -> Int {
    var reward = 0
    var cursor = ReversedListCursor(count: state.eFish.count)
    while let i = cursor.next(count: state.eFish.count) {
      if isPlayer(state.eFish[i].x, state.eFish[i].y) { state.terminal = true }
      guard state.eFish[i].moveTimer == 0 else {
        state.eFish[i].moveTimer -= 1
        continue
      }
      state.eFish[i].moveTimer = state.moveSpeed
      state.eFish[i].x += state.eFish[i].movingRight ? 1 : -1
      let fish = state.eFish[i]
      if !(0...9).contains(fish.x) {
        state.eFish.removeFirstEqual(to: fish)
      } else if isPlayer(fish.x, fish.y) {
        state.terminal = true
      } else if let bullet = state.fBullets.firstIndex(where: { $0.x == fish.x && $0.y == fish.y }) {
        state.eFish.removeFirstEqual(to: fish)
        state.fBullets.remove(at: bullet)
        reward += 1
      }
    }
    return reward
  }

  /// The reference's `_surface` (called with at least one diver on board, or −1 after
  /// an earlier six-diver payout): full oxygen, one diver less, or with 6 divers all of
  /// them and a payout of oxygen·10 // 200; then one difficulty step. Returns the reward.
  mutating func surfaceWithDivers() -> Int {
    state.surface = true
    var reward = 0
    if state.diverCount == 6 {
      state.diverCount = 0
      reward = floorDivide(state.oxygen * 10, Seaquest.maxOxygen)
    }
    state.oxygen = Seaquest.maxOxygen
    state.diverCount -= 1
    if ramping && (state.eSpawnSpeed > 1 || state.moveSpeed > 2) {
      if state.moveSpeed > 2 && state.rampIndex % 2 != 0 { state.moveSpeed -= 1 }
      if state.eSpawnSpeed > 1 { state.eSpawnSpeed -= 1 }
      state.rampIndex += 1
    }
    return reward
  }

  /// The reference's `_spawn_enemy`: side (`rand() < 1/2`: from the left), kind
  /// (`rand() < 1/3`: a sub), row (`randint(1, 9)`); nothing spawns in a row where an
  /// enemy moves the other way.
  mutating func spawnEnemy(random: inout some MinAtarRandomSource) {
    let movingRight = random.rand() < 1.0 / 2.0
    let isSub = random.rand() < 1.0 / 3.0
    let x = movingRight ? 0 : 9
    let y = random.randint(1, 9)
    if state.eSubs.contains(where: { $0.y == y && $0.movingRight != movingRight })
      || state.eFish.contains(where: { $0.y == y && $0.movingRight != movingRight }) {
      return
    }
    if isSub {
      state.eSubs.append(SeaquestEnemySub(x: x, y: y, movingRight: movingRight,
                                          moveTimer: state.moveSpeed, shotTimer: Seaquest.enemyShotInterval))
    } else {
      state.eFish.append(SeaquestSwimmer(x: x, y: y, movingRight: movingRight, moveTimer: state.moveSpeed))
    }
  }

  /// The reference's `_spawn_diver`: side (`rand() < 1/2`), row (`randint(1, 9)`).
  mutating func spawnDiver(random: inout some MinAtarRandomSource) {
    let movingRight = random.rand() < 1.0 / 2.0
    let y = random.randint(1, 9)
    state.divers.append(SeaquestSwimmer(x: movingRight ? 0 : 9, y: y, movingRight: movingRight,
                                        moveTimer: Seaquest.diverMoveInterval))
  }

  public func forEachActiveCell(_ body: (_ row: Int, _ column: Int, _ channel: Int) -> Void) {
    body(state.subY, state.subX, 0)
    // NumPy reads column −1 as column 9 (only reachable from a state set by hand).
    let backX = state.subOr ? state.subX - 1 : state.subX + 1
    if backX < 10 { body(state.subY, backX < 0 ? backX + 10 : backX, 1) }
    let oxygenCells = min(10, max(0, state.oxygen) * 10 / Seaquest.maxOxygen)
    for column in 0..<oxygenCells { body(9, column, 7) }
    let firstDiverCell = max(0, 9 - state.diverCount)
    if firstDiverCell < 9 { for column in firstDiverCell..<9 { body(9, column, 8) } }
    for bullet in state.fBullets { body(bullet.y, bullet.x, 2) }
    for bullet in state.eBullets { body(bullet.y, bullet.x, 4) }
    for fish in state.eFish { bodyWithTrail(fish.y, fish.x, fish.movingRight, 5, body) }
    for sub in state.eSubs { bodyWithTrail(sub.y, sub.x, sub.movingRight, 6, body) }
    for diver in state.divers { bodyWithTrail(diver.y, diver.x, diver.movingRight, 9, body) }
  }

  /// Reports an entity's cell in `channel` and, when on screen, the cell behind it as trail.
  private func bodyWithTrail(_ row: Int, _ column: Int, _ movingRight: Bool, _ channel: Int,
                             _ body: (_ row: Int, _ column: Int, _ channel: Int) -> Void) {
    body(row, column, channel)
    let backX = movingRight ? column - 1 : column + 1
    if (0...9).contains(backX) { body(row, backX, 3) }
  }
}

/// Python's `//` on integers: the quotient rounded toward −∞.
func floorDivide(_ a: Int, _ b: Int) -> Int {
  let q = a / b
  return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
}
