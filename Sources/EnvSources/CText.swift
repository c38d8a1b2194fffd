// CText.swift — reading the C side's fixed-size arrays (imported as tuples)
// and NUL-terminated buffers, without pointer code. Only probes and error
// paths use these, never a step.

enum CText {
  /// A NUL-terminated UTF-8 buffer as a String.
  static func string(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// A C `char name[N]` field (a tuple of CChar) as a String.
  static func string<T>(_ tuple: T) -> String {
    string(values(tuple, count: Int.max) as [CChar])
  }

  /// The first `count` elements of a C array field (a homogeneous tuple).
  static func values<T, E>(_ tuple: T, count: Int) -> [E] {
    Array(Mirror(reflecting: tuple).children.prefix(count).compactMap { $0.value as? E })
  }
}
