// EnvStateJSON.swift — converting an environment's internal state and
// observations to and from JSON for `replay`, keeping every bit: reals print
// in their shortest round-trip form, integers stay integers, and non-finite
// values (which JSON cannot hold) become the strings "NaN", "Infinity" and
// "-Infinity".

import BuiltInEnvs
import Formats
import Runtime

extension EnvState {
  /// The state written as JSON text: numbers, booleans, arrays and objects
  /// (keys in order). A JSON integer becomes `.integer`, any other number
  /// `.real`; null is an empty slot (`.null`); strings have no meaning in a
  /// state.
  init(json: JSON) throws(UsageError) {
    switch json {
    case .int(let i): self = .integer(Int(i))
    case .double(let d), .exactDouble(let d): self = .real(d)
    case .bool(let b): self = .boolean(b)
    case .array(let items):
      var list: [EnvState] = []
      for item in items { list.append(try EnvState(json: item)) }
      self = .list(list)
    case .object(let pairs):
      var fields: [Field] = []
      for (key, value) in pairs {
        guard !fields.contains(where: { $0.key == key }) else { throw UsageError("key \"\(key)\" appears twice") }
        fields.append(Field(key, try EnvState(json: value)))
      }
      self = .record(fields)
    case .null: self = .null
    case .string(let s): throw UsageError("\"\(s)\" is a string, not a state value")
    }
  }

  /// The state as JSON, every real exact (see `ExactNumber.real`).
  var json: JSON {
    switch self {
    case .real(let x): ExactNumber.real(x)
    case .integer(let i): .int(Int64(i))
    case .boolean(let b): .bool(b)
    case .null: .null
    case .list(let items): .array(items.map(\.json))
    case .record(let fields): .object(fields.map { ($0.key, $0.value.json) })
    }
  }
}

/// JSON numbers that parse back to the same bits.
enum ExactNumber {
  /// A float64 in Swift's shortest round-trip form (`0.1`, `1.0`, `-0.0`);
  /// NaN and ±∞ as the strings "NaN", "Infinity", "-Infinity".
  static func real(_ x: Double) -> JSON {
    if x.isNaN { return .string("NaN") }
    if x.isInfinite { return .string(x < 0 ? "-Infinity" : "Infinity") }
    return .exactDouble(x)
  }

  /// A float32 printed with its own shortest digits (`0.1`, not
  /// `0.10000000149011612`), chosen so that reading the text as a float64 and
  /// rounding that to float32 gives `f` back; where those shortest digits
  /// would not survive the double rounding, the exact float64 value of `f`.
  static func float32(_ f: Float) -> JSON {
    guard f.isFinite else { return real(Double(f)) }
    if let d = Double(f.description), Float(d).bitPattern == f.bitPattern { return .exactDouble(d) }
    return .exactDouble(Double(f))
  }
}

extension EnvSpec {
  /// An observation as `replay` prints it: nested arrays in
  /// `observationShape` (a flat array for a one-dimensional shape; MinAtar's
  /// [row][column][channel]), each value an exact float32 (`ExactNumber.float32`),
  /// or the integer 0 or 1 when the observation is binary.
  func observationJSON(_ observation: [Float]) -> JSON {
    let binary = observationIsBinary
    func value(_ x: Float) -> JSON { binary ? .int(x == 0 ? 0 : 1) : ExactNumber.float32(x) }
    // The values of dimension `d` at flat `offset`, `stride` apart.
    func nested(_ d: Int, _ offset: Int, _ stride: Int) -> JSON {
      let count = observationShape[d]
      let inner = stride / count
      if d == observationShape.count - 1 { return .array((0..<count).map { value(observation[offset + $0]) }) }
      return .array((0..<count).map { nested(d + 1, offset + $0 * inner, inner) })
    }
    return nested(0, 0, observationSize)
  }
}
