// JSONParser.swift — reads back the JSON this program writes (config.json,
// stored in checkpoints): RFC 8259 values, objects keep their key order.

extension JSON {
  /// Why text is not JSON.
  public struct ParseError: Error, CustomStringConvertible, Sendable {
    public var offset: Int
    public var message: String
    public var description: String { "\(message) at byte \(offset)" }
  }

  /// Parses one JSON value (surrounding whitespace allowed).
  public static func parse(_ text: String) throws(ParseError) -> JSON {
    var p = Parser(bytes: Array(text.utf8))
    p.skipSpace()
    let v = try p.value(depth: 0)
    p.skipSpace()
    guard p.i == p.bytes.count else { throw p.fail("trailing characters") }
    return v
  }

  private struct Parser {
    let bytes: [UInt8]
    var i = 0

    func fail(_ m: String) -> ParseError { ParseError(offset: i, message: m) }

    mutating func skipSpace() {
      while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    mutating func literal(_ s: String, _ v: JSON) throws(ParseError) -> JSON {
      let b = Array(s.utf8)
      guard i + b.count <= bytes.count, Array(bytes[i..<(i + b.count)]) == b else { throw fail("invalid literal") }
      i += b.count
      return v
    }

    mutating func value(depth: Int) throws(ParseError) -> JSON {
      guard depth < 64 else { throw fail("nesting too deep") }
      guard i < bytes.count else { throw fail("unexpected end") }
      switch bytes[i] {
      case UInt8(ascii: "{"):
        i += 1
        var pairs: [(String, JSON)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
        while true {
          skipSpace()
          guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
          let k = try string()
          skipSpace()
          guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
          i += 1
          skipSpace()
          pairs.append((k, try value(depth: depth + 1)))
          skipSpace()
          guard i < bytes.count else { throw fail("unexpected end") }
          if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
          guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
          i += 1
          return .object(pairs)
        }
      case UInt8(ascii: "["):
        i += 1
        var items: [JSON] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
          skipSpace()
          items.append(try value(depth: depth + 1))
          skipSpace()
          guard i < bytes.count else { throw fail("unexpected end") }
          if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
          guard bytes[i] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
          i += 1
          return .array(items)
        }
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      default: return try number()
      }
    }

    mutating func number() throws(ParseError) -> JSON {
      let start = i
      while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
      let text = String(decoding: bytes[start..<i], as: UTF8.self)
      guard !text.isEmpty else { throw fail("unexpected character") }
      if let v = Int64(text) { return .int(v) }
      guard let d = Double(text), d.isFinite else { throw fail("invalid number") }
      return .double(d)
    }

    mutating func hex4() throws(ParseError) -> UInt32 {
      guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
      else { throw fail("invalid \\u escape") }
      i += 4
      return v
    }

    mutating func string() throws(ParseError) -> String {
      i += 1  // opening quote
      var out: [UInt8] = []
      while true {
        guard i < bytes.count else { throw fail("unterminated string") }
        let c = bytes[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""):
          guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8") }
          return s
        case UInt8(ascii: "\\"):
          guard i < bytes.count else { throw fail("unterminated string") }
          let e = bytes[i]
          i += 1
          switch e {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
          case UInt8(ascii: "b"): out.append(8)
          case UInt8(ascii: "f"): out.append(12)
          case UInt8(ascii: "n"): out.append(10)
          case UInt8(ascii: "r"): out.append(13)
          case UInt8(ascii: "t"): out.append(9)
          case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
               bytes[i + 1] == UInt8(ascii: "u") {
              i += 2
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair") }
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
            out += Array(String(Character(scalar)).utf8)
          default: throw fail("invalid escape")
          }
        default:
          guard c >= 0x20 else { throw fail("control character in string") }
          out.append(c)
        }
      }
    }
  }
}
