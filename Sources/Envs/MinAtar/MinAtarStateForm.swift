// MinAtarStateForm.swift — a MinAtar game's state as an `EnvState` record,
// with the reference's attribute names (snake_case, in its order), so
// `replay` can print it and start a game from one.

/// A MinAtar state that converts to and from its `EnvState` record.
public protocol MinAtarStateForm {
  /// The record `replay` prints: MinAtar's attribute names and values.
  var envState: EnvState { get }
  /// Reads the record `envState` produces; `id` phrases the errors. Throws
  /// for a missing or mistyped field, or a state the game cannot run from.
  init(envState: EnvState, for id: String) throws(EnvStateError)
}

/// Reads the fields of a state record, one clear error per problem.
struct StateRecordReader {
  let state: EnvState
  let id: String

  init(_ state: EnvState, for id: String, keys: [String]) throws(EnvStateError) {
    self.state = state
    self.id = id
    guard let fields = state.recordFields else {
      throw EnvStateError("\(id) state: expected an object with keys \(keys.joined(separator: ", ")), got \(state.kindDescription)")
    }
    if let missing = keys.first(where: { k in !fields.contains { $0.key == k } }) {
      throw EnvStateError("\(id) state: missing key \(missing)")
    }
    if let extra = fields.first(where: { !keys.contains($0.key) }) {
      throw EnvStateError("\(id) state: unknown key \(extra.key) (keys: \(keys.joined(separator: ", ")))")
    }
  }

  func fail(_ key: String, _ expected: String, _ got: EnvState) -> EnvStateError {
    EnvStateError("\(id) state: \(key) must be \(expected), got \(got.kindDescription)")
  }

  func int(_ key: String) throws(EnvStateError) -> Int {
    let v = state[key]!
    guard let i = v.integerValue else { throw fail(key, "an integer", v) }
    return i
  }

  func bool(_ key: String) throws(EnvStateError) -> Bool {
    let v = state[key]!
    if let b = v.booleanValue { return b }
    // The reference keeps some flags as 0/1 numbers.
    if let i = v.integerValue, i == 0 || i == 1 { return i == 1 }
    throw fail(key, "a boolean", v)
  }

  /// A grid of integers (rows of equal length are checked by the game's
  /// validation).
  func grid(_ key: String) throws(EnvStateError) -> [[Int]] {
    let v = state[key]!
    guard let rows = v.listValue else { throw fail(key, "an array of rows", v) }
    var out: [[Int]] = []
    for row in rows {
      guard let cells = row.listValue else { throw fail(key, "an array of rows of integers", row) }
      var r: [Int] = []
      for c in cells {
        guard let i = c.integerValue else { throw fail(key, "an array of rows of integers", c) }
        r.append(i)
      }
      out.append(r)
    }
    return out
  }

  /// A list of items, each read by `item`.
  func list<T>(_ key: String, _ item: (EnvState) throws(EnvStateError) -> T) throws(EnvStateError) -> [T] {
    let v = state[key]!
    guard let items = v.listValue else { throw fail(key, "an array", v) }
    var out: [T] = []
    for x in items { out.append(try item(x)) }
    return out
  }

  /// Throws if the game cannot run from the state (`validationError`).
  func check(_ validationError: String?) throws(EnvStateError) {
    if let validationError { throw EnvStateError("\(id) state: \(validationError)") }
  }
}

extension EnvState {
  /// A grid of integers.
  static func grid(_ rows: [[Int]]) -> EnvState { .list(rows.map(EnvState.integers)) }
}

extension BreakoutState: MinAtarStateForm {
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
