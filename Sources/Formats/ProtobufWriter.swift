// ProtobufWriter.swift — the few protocol-buffer encodings an event file
// needs (varints, fixed-width numbers, length-delimited fields), written in
// field-number order as protobuf's own serializers do, so the bytes match
// what the tensorboard package writes for the same message.

/// Appends protocol-buffer fields to a byte array.
public struct ProtobufWriter {
  public private(set) var bytes: [UInt8] = []

  public init() {}

  enum WireType: UInt64 {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
  }

  mutating func varint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  mutating func key(_ field: Int, _ wire: WireType) { varint(UInt64(field) << 3 | wire.rawValue) }

  mutating func littleEndian(_ value: UInt64, bytes count: Int) {
    for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
  }

  /// A `double` field (wire type 1).
  public mutating func double(_ field: Int, _ value: Double) {
    key(field, .fixed64)
    littleEndian(value.bitPattern, bytes: 8)
  }

  /// A `float` field (wire type 5).
  public mutating func float(_ field: Int, _ value: Float) {
    key(field, .fixed32)
    littleEndian(UInt64(value.bitPattern), bytes: 4)
  }

  /// An `int64` field: negative values take ten bytes, as in protobuf.
  public mutating func int64(_ field: Int, _ value: Int64) {
    key(field, .varint)
    varint(UInt64(bitPattern: value))
  }

  /// A `string` or `bytes` field.
  public mutating func bytesField<C: Collection>(_ field: Int, _ value: C) where C.Element == UInt8 {
    key(field, .lengthDelimited)
    varint(UInt64(value.count))
    bytes.append(contentsOf: value)
  }

  public mutating func string(_ field: Int, _ value: String) { bytesField(field, Array(value.utf8)) }

  /// An embedded message.
  public mutating func message(_ field: Int, _ body: ProtobufWriter) { bytesField(field, body.bytes) }
}
