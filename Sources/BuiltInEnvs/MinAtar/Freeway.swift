// Freeway.swift — MinAtar Freeway (minatar/environments/freeway.py), rule for rule.
//
// A chicken in column 4 crosses eight lanes of traffic from row 9 to row 0: +1 per
// crossing, after which it is put back on row 9 and the cars' speeds are drawn
// anew. A car sends the chicken back to row 9. The game itself ends the episode
// after 2500 frames (on the 2501st step), as `terminal`. Random draws: 8 speeds
// and 8 directions at reset and after each crossing.

/// One car: `[x, y, timer, speed]` in the reference.
public struct FreewayCar: Equatable, Sendable {
  /// Column 0–9.
  public var x: Int
  /// Row: car i drives on row i + 1.
  public var y: Int
  /// Frames until the car moves again; reset to |speed| after each move.
  public var timer: Int
  /// Signed: |speed| in 1...5 is frames per move (1 fastest), the sign the direction
  /// (positive: rightwards). 0 only if a direction draw was exactly 0.5.
  public var speed: Int

  public init(x: Int, y: Int, timer: Int, speed: Int) {
    self.x = x; self.y = y; self.timer = timer; self.speed = speed
  }
}

/// The complete state of MinAtar Freeway, named after the reference's attributes.
public struct FreewayState: MinAtarState {
  /// `cars`: the 8 cars, in the reference's order (car i on row i + 1).
  public var cars: [FreewayCar]
  /// `pos`: the chicken's row.
  public var pos: Int
  /// `move_timer`: frames until the chicken may move again.
  public var moveTimer: Int
  /// `terminate_timer`: frames left; the episode ends when it drops below 0.
  public var terminateTimer: Int
  public var terminal: Bool

  public init(cars: [FreewayCar], pos: Int, moveTimer: Int, terminateTimer: Int, terminal: Bool) {
    self.cars = cars; self.pos = pos; self.moveTimer = moveTimer
    self.terminateTimer = terminateTimer; self.terminal = terminal
  }
}

/// MinAtar Freeway. Channels: 0 chicken, 1 car, 2…6 the trail of a car of |speed| 1…5.
/// No difficulty ramping.
public struct Freeway: MinAtarGame {
  public static let name = "Freeway"
  public static let channelCount = 7
  public static let minimalActionSet: [MinAtarAction] = [.noop, .up, .down]
  /// `player_speed`: frames between the chicken's moves.
  static let playerSpeed = 3
  /// `time_limit`: frames per episode.
  static let timeLimit = 2500

  public var state: FreewayState
  public let ramping: Bool

  public init(ramping: Bool = true) {
    self.ramping = ramping
    state = FreewayState(
      cars: (0..<8).map { FreewayCar(x: 0, y: $0 + 1, timer: 1, speed: 1) },
      pos: 9, moveTimer: Freeway.playerSpeed, terminateTimer: Freeway.timeLimit, terminal: false)
  }

  public var difficultyRamp: Int? { nil }

  public mutating func reset(random: inout some MinAtarRandomSource) {
    randomizeCars(initialize: true, random: &random)
    state.pos = 9
    state.moveTimer = Freeway.playerSpeed
    state.terminateTimer = Freeway.timeLimit
    state.terminal = false
  }

  /// The reference's `_randomize_cars`: `randint(1, 6, 8)` speeds, then `rand(8)`
  /// directions (the sign of r − 0.5); timers restart at |speed|. `initialize` also
  /// puts every car back in column 0 on its own row.
  mutating func randomizeCars(initialize: Bool, random: inout some MinAtarRandomSource) {
    // Same draw order as NumPy's two vector calls: all speeds first, then all directions.
    for i in 0..<8 { state.cars[i].speed = random.randint(1, 6) }
    for i in 0..<8 {
      let r = random.rand() - 0.5
      let direction = r > 0 ? 1 : (r < 0 ? -1 : 0)  // np.sign
      state.cars[i].speed *= direction
      state.cars[i].timer = abs(state.cars[i].speed)
      if initialize {
        state.cars[i].x = 0
        state.cars[i].y = i + 1
      }
    }
  }

  public mutating func act(_ action: MinAtarAction, random: inout some MinAtarRandomSource)
    -> (reward: Int, terminal: Bool) {
    if state.terminal { return (0, true) }
    var reward = 0
    if action == .up && state.moveTimer == 0 {
      state.moveTimer = Freeway.playerSpeed
      state.pos = max(0, state.pos - 1)
    } else if action == .down && state.moveTimer == 0 {
      state.moveTimer = Freeway.playerSpeed
      state.pos = min(9, state.pos + 1)
    }

    if state.pos == 0 {
      reward += 1
      randomizeCars(initialize: false, random: &random)
      state.pos = 9
    }

    for i in 0..<8 {
      if state.cars[i].x == 4 && state.cars[i].y == state.pos { state.pos = 9 }
      if state.cars[i].timer == 0 {
        state.cars[i].timer = abs(state.cars[i].speed)
        var x = state.cars[i].x + (state.cars[i].speed > 0 ? 1 : -1)
        if x < 0 { x = 9 } else if x > 9 { x = 0 }
        state.cars[i].x = x
        if x == 4 && state.cars[i].y == state.pos { state.pos = 9 }
      } else {
        state.cars[i].timer -= 1
      }
    }

    if state.moveTimer > 0 { state.moveTimer -= 1 }
    state.terminateTimer -= 1
    if state.terminateTimer < 0 { state.terminal = true }
    return (reward, state.terminal)
  }

  public func forEachActiveCell(_ body: (_ row: Int, _ column: Int, _ channel: Int) -> Void) {
    body(state.pos, 4, 0)
    for car in state.cars {
      body(car.y, car.x, 1)
      var backX = car.speed > 0 ? car.x - 1 : car.x + 1
      if backX < 0 { backX = 9 } else if backX > 9 { backX = 0 }
      // A speed of 0 has no trail channel (MinAtar would reuse the previous car's
      // channel or fail; it needs a direction draw of exactly 0.5).
      let speed = abs(car.speed)
      if (1...5).contains(speed) { body(car.y, backX, 1 + speed) }
    }
  }
}
