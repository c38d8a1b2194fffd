// Breakout.swift — MinAtar Breakout (minatar/environments/breakout.py), rule for rule.
//
// A paddle on the bottom row bounces a ball that travels only along diagonals into
// three rows of bricks: +1 per brick, a fresh wall once all are gone, and the
// episode ends when the ball reaches the bottom row past the paddle. After reset
// (one draw: which side the ball starts on) the dynamics are deterministic; the
// port matches the reference bit for bit (Tests/BuiltInEnvsTests/MinAtarBreakoutTests.swift).

/// The complete state of MinAtar Breakout. Field names follow the reference's
/// attributes (`ball_x` → `ballX`, …).
public struct BreakoutState: MinAtarState {
  /// `ball_x`, `ball_y`: the ball's column and row (row 0 at the top).
  public var ballX: Int
  public var ballY: Int
  /// `ball_dir`: 0 up-left, 1 up-right, 2 down-right, 3 down-left.
  public var ballDir: Int
  /// `pos`: the paddle's column (the paddle is on row 9).
  public var pos: Int
  /// `brick_map`: 10 rows of 10 cells, 1 where a brick stands (floats 0./1. in the reference).
  public var brickMap: [[Int]]
  /// `strike`: a brick was hit on the previous step (the ball then passes through
  /// the next brick it meets without breaking it).
  public var strike: Bool
  /// `last_x`, `last_y`: where the ball was before the last step (the trail plane).
  public var lastX: Int
  public var lastY: Int
  /// `terminal`: the ball was missed.
  public var terminal: Bool

  public init(ballX: Int, ballY: Int, ballDir: Int, pos: Int, brickMap: [[Int]], strike: Bool,
              lastX: Int, lastY: Int, terminal: Bool) {
    self.ballX = ballX; self.ballY = ballY; self.ballDir = ballDir; self.pos = pos
    self.brickMap = brickMap; self.strike = strike
    self.lastX = lastX; self.lastY = lastY; self.terminal = terminal
  }
}

/// MinAtar Breakout. Channels: 0 paddle, 1 ball, 2 trail, 3 brick. No difficulty ramping.
public struct Breakout: MinAtarGame {
  public static let name = "Breakout"
  public static let channelCount = 4
  public static let minimalActionSet: [MinAtarAction] = [.noop, .left, .right]

  public var state: BreakoutState
  public let ramping: Bool

  public init(ramping: Bool = true) {
    self.ramping = ramping
    state = BreakoutState(
      ballX: 0, ballY: 3, ballDir: 2, pos: 4,
      brickMap: [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10),
      strike: false, lastX: 0, lastY: 3, terminal: false)
    restart(ballStartsRight: false)
  }

  public var difficultyRamp: Int? { nil }

  public mutating func reset(random: inout some MinAtarRandomSource) {
    // The reference draws randint(2): 0 → left corner, 1 → right corner.
    restart(ballStartsRight: random.randint(0, 2) == 1)
  }

  /// The reset state, written in place (no allocation): three rows of bricks (rows
  /// 1–3), paddle in column 4, the ball on row 3 in a corner heading down and inward.
  mutating func restart(ballStartsRight: Bool) {
    state.ballX = ballStartsRight ? 9 : 0
    state.ballY = 3
    state.ballDir = ballStartsRight ? 3 : 2
    state.pos = 4
    for row in 0..<10 {
      let brick = (1...3).contains(row) ? 1 : 0
      for column in 0..<10 { state.brickMap[row][column] = brick }
    }
    state.strike = false
    state.lastX = state.ballX
    state.lastY = state.ballY
    state.terminal = false
  }

  // Direction tables, indexed by ball_dir: the step offsets and the reflections.
  static let dx = [-1, 1, 1, -1]
  static let dy = [-1, -1, 1, 1]
  static let mirrorHorizontal = [1, 0, 3, 2]
  static let mirrorVertical = [3, 2, 1, 0]
  static let reverse = [2, 3, 0, 1]

  public mutating func act(_ action: MinAtarAction, random: inout some MinAtarRandomSource)
    -> (reward: Int, terminal: Bool) {
    if state.terminal { return (0, true) }
    var reward = 0
    if action == .left {
      state.pos = max(0, state.pos - 1)
    } else if action == .right {
      state.pos = min(9, state.pos + 1)
    }

    state.lastX = state.ballX
    state.lastY = state.ballY
    var newX = state.ballX + Breakout.dx[state.ballDir]
    var newY = state.ballY + Breakout.dy[state.ballDir]

    var struck = false
    if newX < 0 || newX > 9 {
      // Side wall: the ball stays in its column this step and turns around.
      newX = min(max(newX, 0), 9)
      state.ballDir = Breakout.mirrorHorizontal[state.ballDir]
    }
    if newY < 0 {
      newY = 0
      state.ballDir = Breakout.mirrorVertical[state.ballDir]
    } else if state.brickMap[newY][newX] == 1 {
      struck = true
      // Right after a hit the ball moves into the next brick without breaking it.
      if !state.strike {
        reward += 1
        state.strike = true
        state.brickMap[newY][newX] = 0
        newY = state.lastY
        state.ballDir = Breakout.mirrorVertical[state.ballDir]
      }
    } else if newY == 9 {
      // The wall is rebuilt only when the ball comes down to the paddle's row.
      if !state.brickMap.contains(where: { $0.contains { $0 != 0 } }) {
        for row in 1...3 { for column in 0..<10 { state.brickMap[row][column] = 1 } }
      }
      if state.ballX == state.pos {
        state.ballDir = Breakout.mirrorVertical[state.ballDir]
        newY = state.lastY
      } else if newX == state.pos {
        // Hit with the paddle's corner: the ball goes back the way it came.
        state.ballDir = Breakout.reverse[state.ballDir]
        newY = state.lastY
      } else {
        state.terminal = true
      }
    }
    if !struck { state.strike = false }

    state.ballX = newX
    state.ballY = newY
    return (reward, state.terminal)
  }

  public func forEachActiveCell(_ body: (_ row: Int, _ column: Int, _ channel: Int) -> Void) {
    body(state.ballY, state.ballX, 1)
    body(9, state.pos, 0)
    body(state.lastY, state.lastX, 2)
    for row in 0..<10 {
      for column in 0..<10 where state.brickMap[row][column] != 0 { body(row, column, 3) }
    }
  }
}
