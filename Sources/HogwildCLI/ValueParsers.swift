// ValueParsers.swift — parsing option values, each failure phrased as
// "<option>: expected <what it accepts>, got '<value>'".

enum ValueParsers {
  static func fail(_ option: String, _ expected: String, _ got: String) -> UsageError {
    UsageError("\(option): expected \(expected), got '\(got)'")
  }

  /// An integer in `range`; accepts 5000000, 5e6, 500k, 5M.
  static func integer(_ option: String, _ s: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
    let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
    var text = Substring(s)
    var scale = 1.0
    if let last = text.last, "kKmMgG".contains(last) {
      scale = "kK".contains(last) ? 1e3 : "mM".contains(last) ? 1e6 : 1e9
      text = text.dropLast()
    }
    guard let d = Double(text), d.isFinite, !text.contains("x") else { throw fail(option, expected, s) }
    // Exactly an Int, then in range: a bound like Int.max is not exact as a
    // Double (9.223372036854775807e18 rounds to 2^63, one past Int.max).
    guard let v = Int(exactly: d * scale), range.contains(v) else { throw fail(option, expected, s) }
    return v
  }

  static func unsigned(_ option: String, _ s: String) throws(UsageError) -> UInt64 {
    if let v = UInt64(s) { return v }
    return UInt64(try integer(option, s, 0...Int.max))
  }

  /// A finite real number satisfying `ok`.
  static func real(_ option: String, _ s: String, _ expected: String,
                   _ ok: (Double) -> Bool) throws(UsageError) -> Double {
    guard let v = Double(s), v.isFinite, ok(v) else { throw fail(option, expected, s) }
    return v
  }

  /// One of the raw values of a String-backed enum.
  static func choice<E: RawRepresentable & CaseIterable>(_ option: String, _ s: String, _: E.Type) throws(UsageError) -> E
  where E.RawValue == String {
    guard let v = E(rawValue: s) else {
      let names = E.allCases.map(\.rawValue)
      throw UsageError(fail(option, "one of " + names.joined(separator: ", "), s).message + NearMatch.hint(s, among: names))
    }
    return v
  }

  /// A comma-separated list of integers in `range`.
  static func integerList(_ option: String, _ s: String, _ range: ClosedRange<Int>) throws(UsageError) -> [Int] {
    let parts = s.split(separator: ",", omittingEmptySubsequences: false)
    guard !parts.isEmpty else { throw fail(option, "a comma-separated list of integers", s) }
    var out: [Int] = []
    for p in parts {
      guard let v = Int(p.trimmingCharacters), range.contains(v) else {
        throw fail(option, "a comma-separated list of integers from \(range.lowerBound) to \(range.upperBound)", s)
      }
      out.append(v)
    }
    return out
  }
}

extension Substring {
  var trimmingCharacters: String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
