// JSON.swift — a small JSON value and writer for summary.json, config.json
// and `dump --json`. Keys keep their insertion order so files diff cleanly;
// floats print in Swift's shortest round-trip form; non-finite numbers become
// null (JSON has no NaN). `.exactDouble` is for output that must keep every
// bit (`replay`): it always prints a real as a real, -0.0 included.

/// A JSON value.
public indirect enum JSON: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  /// A real, integral values without a fraction (`1`, not `1.0`; -0.0 prints `0`).
  case double(Double)
  /// A real printed in Swift's shortest round-trip form, always as a real
  /// (`1.0`, `-0.0`, `5e-324`), so that it parses back to the same bits.
  case exactDouble(Double)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  public static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

  public static func number(_ v: Double?) -> JSON {
    guard let v else { return .null }
    return .double(v)
  }
  public static func uint(_ v: UInt64) -> JSON { .int(Int64(clamping: v)) }

  /// Compact (one line) or indented text.
  public func serialized(indent: Bool = false) -> String {
    var out = ""
    write(into: &out, indent: indent ? 0 : nil)
    return out
  }

  private func write(into out: inout String, indent: Int?) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d):
      if !d.isFinite { out += "null" }
      else if d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) }
      else { out += "\(d)" }
    case .exactDouble(let d): out += d.isFinite ? "\(d)" : "null"
    case .string(let s): JSON.quote(s, into: &out)
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        newline(&out, indent.map { $0 + 1 })
        item.write(into: &out, indent: indent.map { $0 + 1 })
      }
      newline(&out, indent)
      out += "]"
    case .object(let pairs):
      if pairs.isEmpty { out += "{}"; return }
      out += "{"
      for (i, (k, v)) in pairs.enumerated() {
        if i > 0 { out += "," }
        newline(&out, indent.map { $0 + 1 })
        JSON.quote(k, into: &out)
        out += indent == nil ? ":" : ": "
        v.write(into: &out, indent: indent.map { $0 + 1 })
      }
      newline(&out, indent)
      out += "}"
    }
  }

  private func newline(_ out: inout String, _ indent: Int?) {
    guard let indent else { return }
    out += "\n" + String(repeating: "  ", count: indent)
  }

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

extension JSON {
  /// The value of `key` in an object.
  public subscript(key: String) -> JSON? {
    guard case .object(let pairs) = self else { return nil }
    return pairs.first { $0.0 == key }?.1
  }
  public var doubleValue: Double? {
    switch self {
    case .int(let i): Double(i)
    case .double(let d), .exactDouble(let d): d
    default: nil
    }
  }
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
  public var arrayValue: [JSON]? {
    if case .array(let a) = self { return a }
    return nil
  }
  public var objectPairs: [(String, JSON)]? {
    if case .object(let p) = self { return p }
    return nil
  }
  /// Compact text of a scalar, for tables ("-" for null).
  public var text: String {
    switch self {
    case .null: "-"
    case .string(let s): s
    default: serialized()
    }
  }
}
