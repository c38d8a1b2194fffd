// MinAtarStateValidation.swift — which hand-written states the games can run from.
//
// A state set from outside (`replay --state`) must keep every position on the
// 10×10 grid and every map 10×10, or the game would index out of bounds.
// `validationError` names the first field that does not, so a caller can refuse
// the state with one clear line. Timers and speeds are not limited here: odd
// values only make a game odd, not unsafe (the state form keeps every integer
// within 32 bits, so no counter can overflow). Every state the games reach
// themselves is valid (Seaquest's diver_count may go negative, as in the reference).

/// Collects the first problem found while checking a state's fields.
struct StateChecker {
  private(set) var error: String?

  mutating func require(_ ok: Bool, _ message: @autoclosure () -> String) {
    if error == nil && !ok { error = message() }
  }

  mutating func cell(_ name: String, _ value: Int) {
    require((0...9).contains(value), "\(name) must be in 0...9, got \(value)")
  }

  /// A 10×10 map of 0/1 cells.
  mutating func map(_ name: String, _ grid: [[Int]]) {
    require(grid.count == 10 && grid.allSatisfy { $0.count == 10 }, "\(name) must be 10 rows of 10 cells")
    require(grid.joined().allSatisfy { $0 == 0 || $0 == 1 }, "\(name) cells must be 0 or 1")
  }
}

extension BreakoutState {
  /// nil if the game can run from this state, else what is wrong with it.
  public var validationError: String? {
    var c = StateChecker()
    c.cell("ball_x", ballX); c.cell("ball_y", ballY)
    c.require((0...3).contains(ballDir), "ball_dir must be in 0...3, got \(ballDir)")
    c.cell("pos", pos); c.cell("last_x", lastX); c.cell("last_y", lastY)
    c.map("brick_map", brickMap)
    // The ball reaches row 9 only when it is missed, which ends the game; moving
    // down from there it would look up row 10 (the reference fails there too).
    c.require(terminal || ballY < 9 || ballDir < 2,
              "ball_y 9 moving down (ball_dir \(ballDir)) leaves the grid; only a terminal state has the ball there")
    return c.error
  }
}

extension FreewayState {
  /// nil if the game can run from this state, else what is wrong with it.
  public var validationError: String? {
    var c = StateChecker()
    c.require(cars.count == 8, "cars must hold 8 cars, got \(cars.count)")
    for (i, car) in cars.enumerated() {
      c.cell("cars[\(i)].x", car.x); c.cell("cars[\(i)].y", car.y)
      c.require((-5...5).contains(car.speed), "cars[\(i)].speed must be in -5...5, got \(car.speed)")
    }
    c.cell("pos", pos)
    return c.error
  }
}

extension AsterixState {
  /// nil if the game can run from this state, else what is wrong with it.
  public var validationError: String? {
    var c = StateChecker()
    c.cell("player_x", playerX); c.cell("player_y", playerY)
    c.require(entities.count == 8, "entities must hold 8 slots, got \(entities.count)")
    for (i, entity) in entities.enumerated() {
      guard let entity else { continue }
      c.cell("entities[\(i)].x", entity.x); c.cell("entities[\(i)].y", entity.y)
    }
    return c.error
  }
}

extension SpaceInvadersState {
  /// nil if the game can run from this state, else what is wrong with it.
  public var validationError: String? {
    var c = StateChecker()
    c.cell("pos", pos)
    c.map("alien_map", alienMap); c.map("f_bullet_map", fBulletMap); c.map("e_bullet_map", eBulletMap)
    c.require(alienDir == -1 || alienDir == 1, "alien_dir must be -1 or 1, got \(alienDir)")
    return c.error
  }
}

extension SeaquestState {
  /// nil if the game can run from this state, else what is wrong with it.
  public var validationError: String? {
    var c = StateChecker()
    c.cell("sub_x", subX); c.cell("sub_y", subY)
    // Facing right in column 0 the back cell is column −1, which NumPy (and the port)
    // draws in column 9; facing left in column 9 it is column 10, where NumPy fails.
    c.require(subOr || subX < 9, "sub_x 9 facing left (sub_or 0) puts the sub's back cell off the grid")
    let positions = fBullets.map { ("f_bullets", $0.x, $0.y) } + eBullets.map { ("e_bullets", $0.x, $0.y) }
      + eFish.map { ("e_fish", $0.x, $0.y) } + eSubs.map { ("e_subs", $0.x, $0.y) }
      + divers.map { ("divers", $0.x, $0.y) }
    for (list, x, y) in positions {
      c.cell("\(list) x", x); c.cell("\(list) y", y)
    }
    return c.error
  }
}
