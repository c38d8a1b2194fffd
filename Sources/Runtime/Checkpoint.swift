// Checkpoint.swift — checkpoint.bin: θ, the shared optimizer statistics and
// the counters, behind a versioned header and followed by a checksum.
//
// Format (little-endian), version 1:
//   0   8  magic "HWCKPT01"
//   8   4  format version (1)
//   12  4  header bytes (= 112 + 64·layers)
//   16  8  θ float count P
//   24  8  optimizer float count G (0 if none)
//   32  8  T (global steps)
//   40  8  U (global updates)
//   48  48 env id, NUL-padded UTF-8
//   96  8  algorithm, NUL-padded
//   104 4  layer count L
//   108 4  reserved (0)
//   112 64·L layer table: name (40 bytes), rows u32, cols u32, offset u64, count u64
//   then P float32 (θ), G float32 (g)
//   last 8: FNV-1a 64 of every byte before it

import HogwildSegment

/// A training checkpoint.
public struct Checkpoint: Equatable, Sendable {
  public static let magic: [UInt8] = Array("HWCKPT01".utf8)
  public static let version: UInt32 = 1

  public var envID: String
  public var algorithm: String
  public var globalSteps: UInt64
  public var globalUpdates: UInt64
  public var layers: [LayerEntry]
  public var parameters: [Float]
  public var optimizerStatistics: [Float]

  public init(envID: String, algorithm: String, globalSteps: UInt64, globalUpdates: UInt64,
              layers: [LayerEntry], parameters: [Float], optimizerStatistics: [Float]) {
    self.envID = envID
    self.algorithm = algorithm
    self.globalSteps = globalSteps
    self.globalUpdates = globalUpdates
    self.layers = layers
    self.parameters = parameters
    self.optimizerStatistics = optimizerStatistics
  }

  /// Takes a checkpoint of a live segment (the copy races with workers, as
  /// any Hogwild! read does).
  public init(segment: SharedSegment) {
    let h = segment.header
    self.init(envID: h.envID, algorithm: h.algorithm, globalSteps: h.globalSteps.load(),
              globalUpdates: h.globalUpdates.load(), layers: h.layers,
              parameters: segment.parameters.snapshot,
              optimizerStatistics: segment.optimizerStatistics.snapshot)
  }

  /// The file's bytes.
  public func encoded() -> [UInt8] {
    var w = ByteWriter()
    w.bytes(Self.magic)
    w.u32(Self.version)
    w.u32(UInt32(112 + 64 * layers.count))
    w.u64(UInt64(parameters.count))
    w.u64(UInt64(optimizerStatistics.count))
    w.u64(globalSteps)
    w.u64(globalUpdates)
    w.fixedString(envID, 48)
    w.fixedString(algorithm, 8)
    w.u32(UInt32(layers.count))
    w.u32(0)
    for l in layers {
      w.fixedString(l.name, 40)
      w.u32(UInt32(l.rows)); w.u32(UInt32(l.cols))
      w.u64(UInt64(l.offset)); w.u64(UInt64(l.count))
    }
    for f in parameters { w.u32(f.bitPattern) }
    for f in optimizerStatistics { w.u32(f.bitPattern) }
    w.u64(fnv1a64(w.out))
    return w.out
  }

  /// Why a checkpoint could not be read.
  public enum DecodeError: Error, Equatable, CustomStringConvertible, Sendable {
    case truncated
    case notACheckpoint
    case unsupportedVersion(UInt32)
    case checksumMismatch
    case corrupt(String)
    public var description: String {
      switch self {
      case .truncated: "checkpoint is truncated"
      case .notACheckpoint: "not a hogwild-rl checkpoint (bad magic)"
      case .unsupportedVersion(let v): "checkpoint format version \(v) is not supported (this build reads 1)"
      case .checksumMismatch: "checkpoint is corrupted (checksum mismatch)"
      case .corrupt(let why): "checkpoint is corrupted: \(why)"
      }
    }
  }

  /// Parses and verifies a checkpoint file's bytes.
  public init(decoding data: [UInt8]) throws(DecodeError) {
    guard data.count >= 8 else { throw .truncated }
    guard Array(data[0..<8]) == Self.magic else { throw .notACheckpoint }
    guard data.count >= 112 + 8 else { throw .truncated }
    var r = ByteReader(data)
    r.position = 8
    let version = r.u32()
    guard version == Self.version else { throw .unsupportedVersion(version) }
    let stored = ByteReader(data, at: data.count - 8).peekU64()
    guard fnv1a64(data[0..<(data.count - 8)]) == stored else { throw .checksumMismatch }
    let headerBytes = Int(r.u32())
    let p = r.u64(), g = r.u64()
    globalSteps = r.u64()
    globalUpdates = r.u64()
    envID = r.fixedString(48)
    algorithm = r.fixedString(8)
    let nLayers = Int(r.u32())
    _ = r.u32()
    guard nLayers <= SegmentLayout.maxLayers, headerBytes == 112 + 64 * nLayers else {
      throw .corrupt("layer table")
    }
    let (floats, o1) = p.addingReportingOverflow(g)
    let (floatBytes, o2) = floats.multipliedReportingOverflow(by: 4)
    guard !o1, !o2, UInt64(data.count) == UInt64(headerBytes) + floatBytes + 8 else {
      throw .corrupt("sizes do not match the file length")
    }
    layers = (0..<nLayers).map { _ in
      LayerEntry(name: r.fixedString(40), rows: Int(r.u32()), cols: Int(r.u32()),
                 offset: Int(clamping: r.u64()), count: Int(clamping: r.u64()))
    }
    for l in layers where l.offset < 0 || l.count < 0 || l.offset + l.count > Int(p) {
      throw .corrupt("layer \(l.name) lies outside θ")
    }
    parameters = (0..<Int(p)).map { _ in Float(bitPattern: r.u32()) }
    optimizerStatistics = (0..<Int(g)).map { _ in Float(bitPattern: r.u32()) }
  }
}

/// FNV-1a, 64-bit: a simple, dependency-free corruption check.
func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
  return h
}

struct ByteWriter {
  var out: [UInt8] = []
  mutating func bytes(_ b: [UInt8]) { out += b }
  mutating func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
  mutating func u64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
  mutating func fixedString(_ s: String, _ n: Int) {
    var b = Array(s.utf8.prefix(n - 1))
    b += [UInt8](repeating: 0, count: n - b.count)
    out += b
  }
}

struct ByteReader {
  let data: [UInt8]
  var position: Int
  init(_ data: [UInt8], at position: Int = 0) { self.data = data; self.position = position }
  mutating func u32() -> UInt32 {
    var v: UInt32 = 0
    for i in 0..<4 { v |= UInt32(data[position + i]) << (8 * i) }
    position += 4
    return v
  }
  mutating func u64() -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(data[position + i]) << (8 * UInt64(i)) }
    position += 8
    return v
  }
  func peekU64() -> UInt64 {
    var copy = self
    return copy.u64()
  }
  mutating func fixedString(_ n: Int) -> String {
    let slice = data[position..<(position + n)]
    position += n
    let end = slice.firstIndex(of: 0) ?? slice.endIndex
    return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
  }
}
