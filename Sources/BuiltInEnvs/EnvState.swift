// EnvState.swift — an environment's internal state as a small value tree, so
// that `replay` can start any environment from a given state and print the
// state after each step without knowing the environment.
//
// The tree mirrors JSON (the CLI converts both ways) but keeps integers apart
// from reals: a classic-control state is a list of float64 reals, a MinAtar
// game's state a record of integers, booleans, integer grids and entity lists
// (with null for Asterix's empty lane slots). Envs does not
// depend on Runtime's JSON type, hence this separate, smaller one.

/// An environment's internal state: a real, an integer, a boolean, null, a
/// list or a record (keys in order), nested as deep as the environment needs.
///
/// Two states are equal when they have the same shape and key order and
/// their reals have the same bits (so `-0.0 != 0.0` and NaN equals the same
/// NaN): equal states replay identically.
public indirect enum EnvState: Sendable, Equatable, CustomStringConvertible {
  /// A float64 value (may be non-finite only if an environment produced it).
  case real(Double)
  case integer(Int)
  case boolean(Bool)
  /// No value: an empty slot (Python's None, e.g. Asterix's free lanes).
  case null
  case list([EnvState])
  /// Named fields, in a fixed order (the environment's).
  case record([Field])

  /// One named field of a record.
  public struct Field: Sendable, Equatable {
    public var key: String
    public var value: EnvState
    public init(_ key: String, _ value: EnvState) {
      self.key = key
      self.value = value
    }
  }

  public static func == (a: EnvState, b: EnvState) -> Bool {
    switch (a, b) {
    case (.real(let x), .real(let y)): x.bitPattern == y.bitPattern
    case (.integer(let x), .integer(let y)): x == y
    case (.boolean(let x), .boolean(let y)): x == y
    case (.null, .null): true
    case (.list(let x), .list(let y)): x == y
    case (.record(let x), .record(let y)): x == y
    default: false
    }
  }

  /// A list of reals, the classic-control form.
  public static func reals(_ values: [Double]) -> EnvState { .list(values.map(EnvState.real)) }

  /// A list of integers (e.g. one row of a grid).
  public static func integers(_ values: [Int]) -> EnvState { .list(values.map(EnvState.integer)) }

  /// A grid of integers, as rows (e.g. a MinAtar map).
  public static func grid(_ rows: [[Int]]) -> EnvState { .list(rows.map(EnvState.integers)) }

  /// The value of `key` in a record (nil for other kinds or a missing key).
  public subscript(key: String) -> EnvState? {
    guard case .record(let fields) = self else { return nil }
    return fields.first { $0.key == key }?.value
  }

  /// A real, or an integer converted to a real (JSON writes `1` for 1.0).
  public var realValue: Double? {
    switch self {
    case .real(let x): x
    case .integer(let i): Double(i)
    default: nil
    }
  }

  /// An integer, or a real with an integral value that fits in `Int`.
  public var integerValue: Int? {
    switch self {
    case .integer(let i): return i
    case .real(let x): return Int(exactly: x)
    default: return nil
    }
  }

  public var booleanValue: Bool? {
    if case .boolean(let b) = self { return b }
    return nil
  }

  public var listValue: [EnvState]? {
    if case .list(let items) = self { return items }
    return nil
  }

  public var recordFields: [Field]? {
    if case .record(let fields) = self { return fields }
    return nil
  }

  /// What kind of value this is, for error messages: "a number",
  /// "an array of 2 values", "an object with keys a, b"...
  public var kindDescription: String {
    switch self {
    case .real, .integer: "a number"
    case .boolean: "a boolean"
    case .null: "null"
    case .list(let items): items.count == 1 ? "an array of 1 value" : "an array of \(items.count) values"
    case .record(let fields):
      fields.isEmpty ? "an empty object" : "an object with keys " + fields.map(\.key).joined(separator: ", ")
    }
  }

  /// A compact JSON-like rendering, for test failures and messages.
  public var description: String {
    switch self {
    case .real(let x): "\(x)"
    case .integer(let i): "\(i)"
    case .boolean(let b): "\(b)"
    case .null: "null"
    case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .record(let fields): "{" + fields.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }
  }

  /// Reads the classic-control form: a list of exactly `names.count` finite
  /// numbers (integers accepted). `id` and `names` phrase the error, e.g.
  /// "CartPole-v1 state: expected an array of 4 finite numbers [x, x_dot,
  /// theta, theta_dot], got an array of 2 values".
  public func finiteReals(named names: [String], for id: String) throws(EnvStateError) -> [Double] {
    let expected = "an array of \(names.count) finite numbers [\(names.joined(separator: ", "))]"
    guard let items = listValue, items.count == names.count else {
      throw EnvStateError("\(id) state: expected \(expected), got \(kindDescription)")
    }
    var values: [Double] = []
    values.reserveCapacity(items.count)
    for (name, item) in zip(names, items) {
      guard let x = item.realValue, x.isFinite else {
        let got = item.realValue == nil ? item.kindDescription : "not finite"
        throw EnvStateError("\(id) state: expected \(expected), but \(name) is \(got)")
      }
      values.append(x)
    }
    return values
  }
}

/// A state (or step count) that an environment cannot be restored to; the
/// message is one line naming the environment and the form it expects.
public struct EnvStateError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }

  /// Checks the step count given to `restore`: 0 or more.
  public static func checkElapsed(_ elapsedSteps: Int, for id: String) throws(EnvStateError) {
    guard elapsedSteps >= 0 else {
      throw EnvStateError("\(id): elapsed steps must be 0 or more, got \(elapsedSteps)")
    }
  }
}
