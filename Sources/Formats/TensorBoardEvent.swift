// TensorBoardEvent.swift — TensorBoard's Event message (tensorflow/core/util/
// event.proto) for the two kinds this program writes, and the TFRecord
// framing that an events.out.tfevents.* file is a sequence of.
//
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3;
//             Summary summary = 5; SourceMetadata source_metadata = 10; }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; }
//   SourceMetadata { string writer = 1; }
//
// proto3 leaves a field at its default out (step 0, an empty string), except
// simple_value, which is in a oneof and so is written even when it is 0.

/// One event of an event file.
public enum TensorBoardEvent: Equatable, Sendable {
  /// The first event of every file: "brain.Event:2" and the writer's name.
  case fileVersion(wallTime: Double, writer: String)
  /// One scalar point: `tag` at `step`.
  case scalar(wallTime: Double, step: Int64, tag: String, value: Float)

  public static let fileVersionText = "brain.Event:2"

  /// The serialized Event message.
  public var encoded: [UInt8] {
    var e = ProtobufWriter()
    switch self {
    case .fileVersion(let wallTime, let writer):
      if wallTime.bitPattern != 0 { e.double(1, wallTime) }
      e.string(3, Self.fileVersionText)
      var source = ProtobufWriter()
      if !writer.isEmpty { source.string(1, writer) }
      e.message(10, source)
    case .scalar(let wallTime, let step, let tag, let value):
      if wallTime.bitPattern != 0 { e.double(1, wallTime) }
      if step != 0 { e.int64(2, step) }
      var v = ProtobufWriter()
      if !tag.isEmpty { v.string(1, tag) }
      v.float(2, value)
      var summary = ProtobufWriter()
      summary.message(1, v)
      e.message(5, summary)
    }
    return e.bytes
  }

  /// `data` as one TFRecord: uint64 length, masked CRC-32C of those 8 bytes,
  /// the data, masked CRC-32C of the data (all little-endian).
  public static func record(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(data.count + 16)
    let length = UInt64(data.count)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
    appendLittleEndian(CRC32C.masked(out), to: &out)
    out.append(contentsOf: data)
    appendLittleEndian(CRC32C.masked(data), to: &out)
    return out
  }

  static func appendLittleEndian(_ v: UInt32, to out: inout [UInt8]) {
    for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
  }

  /// The event framed as a record.
  public var record: [UInt8] { Self.record(encoded) }
}
