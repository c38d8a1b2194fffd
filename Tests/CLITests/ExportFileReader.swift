// ExportFileReader.swift — an independent reader of `hogwild-rl export`'s
// files for the tests: safetensors (header length, JSON header, offsets
// that tile the data) and npz (zip local headers with their CRC-32
// recomputed here, .npy 1.0 headers), each to name → (shape, values).

import Formats
import Foundation
import Testing

/// What an exported file holds.
struct ExportedFile {
  var names: [String] = []
  var shapes: [String: [Int]] = [:]
  var values: [String: [Float]] = [:]
  /// The architecture JSON.
  var metadata: [String: Any] = [:]

  struct Malformed: Error, CustomStringConvertible { var description: String }

  static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
  static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) } }
  static func u16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
  static func floats(_ b: ArraySlice<UInt8>) -> [Float] {
    let base = b.startIndex
    return stride(from: 0, to: b.count, by: 4).map { i in
      Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[base + i + $1]) << (8 * UInt32($1)) })
    }
  }

  /// Reads a .safetensors file.
  init(safetensors b: [UInt8]) throws {
    guard b.count >= 8 else { throw Malformed(description: "shorter than 8 bytes") }
    let n = Int(Self.u64(b, 0))
    guard n % 8 == 0, 8 + n <= b.count, b[8] == UInt8(ascii: "{") else { throw Malformed(description: "header length \(n)") }
    let header = try #require(try JSONSerialization.jsonObject(with: Data(b[8..<(8 + n)])) as? [String: Any])
    let meta = try #require(header["__metadata__"] as? [String: String])
    let architecture = try #require(meta["architecture"])
    metadata = try #require(try JSONSerialization.jsonObject(with: Data(architecture.utf8)) as? [String: Any])
    // Entries in data order; they must tile the data without gaps.
    var entries: [(String, [Int], Int, Int)] = []
    for (k, v) in header where k != "__metadata__" {
      let e = try #require(v as? [String: Any])
      guard e["dtype"] as? String == "F32" else { throw Malformed(description: "\(k): dtype") }
      let offsets = try #require(e["data_offsets"] as? [Int])
      entries.append((k, try #require(e["shape"] as? [Int]), offsets[0], offsets[1]))
    }
    entries.sort { $0.2 < $1.2 }
    var cursor = 0
    let data = 8 + n
    for (name, shape, begin, end) in entries {
      guard begin == cursor, end - begin == 4 * shape.reduce(1, *), data + end <= b.count else {
        throw Malformed(description: "\(name): offsets \(begin)..<\(end)")
      }
      names.append(name)
      shapes[name] = shape
      values[name] = Self.floats(b[(data + begin)..<(data + end)])
      cursor = end
    }
    guard data + cursor == b.count else { throw Malformed(description: "trailing bytes") }
  }

  /// Reads an .npz file (stored members only, as `export` writes them).
  init(npz b: [UInt8]) throws {
    var at = 0
    while at + 4 <= b.count, Self.u32(b, at) == 0x0403_4B50 {
      guard Self.u16(b, at + 8) == 0 else { throw Malformed(description: "compressed member") }
      let crc = Self.u32(b, at + 14), size = Int(Self.u32(b, at + 18))
      let nameLength = Self.u16(b, at + 26), extra = Self.u16(b, at + 28)
      let name = String(decoding: b[(at + 30)..<(at + 30 + nameLength)], as: UTF8.self)
      let start = at + 30 + nameLength + extra
      let member = Array(b[start..<(start + size)])
      guard Self.crc32(member) == crc else { throw Malformed(description: "\(name): CRC-32") }
      guard name.hasSuffix(".npy") else { throw Malformed(description: "\(name) is not .npy") }
      let (descr, shape, payload) = try Self.npy(member)
      let key = String(name.dropLast(4))
      if key == "__metadata__" {
        guard descr == "|u1", shape == [payload.count] else { throw Malformed(description: "metadata dtype") }
        metadata = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
      } else {
        guard descr == "<f4", payload.count == 4 * shape.reduce(1, *) else { throw Malformed(description: "\(key): \(descr)") }
        names.append(key)
        shapes[key] = shape
        values[key] = Self.floats(payload[...])
      }
      at = start + size
    }
    guard at + 4 <= b.count, Self.u32(b, at) == 0x0201_4B50 else { throw Malformed(description: "no central directory at \(at)") }
    // End of central directory: the member count and where the directory starts.
    let end = b.count - 22
    guard Self.u32(b, end) == 0x0605_4B50, Self.u16(b, end + 10) == names.count + 1,
      Int(Self.u32(b, end + 16)) == at else { throw Malformed(description: "end of central directory") }
  }

  /// A .npy 1.0 member: (descr, shape, data bytes).
  static func npy(_ m: [UInt8]) throws -> (String, [Int], [UInt8]) {
    guard m.count >= 10, m[0] == 0x93, Array(m[1..<6]) == Array("NUMPY".utf8), m[6] == 1, m[7] == 0 else {
      throw Malformed(description: "npy magic")
    }
    let h = u16(m, 8)
    guard (10 + h) % 64 == 0, m[9 + h] == 0x0A else { throw Malformed(description: "npy header alignment") }
    let dict = String(decoding: m[10..<(10 + h)], as: UTF8.self)
    guard dict.contains("'fortran_order': False") else { throw Malformed(description: "fortran order") }
    let descr = try #require(dict.components(separatedBy: "'descr': '").last?.components(separatedBy: "'").first)
    let dims = try #require(dict.components(separatedBy: "'shape': (").last?.components(separatedBy: ")").first)
    let shape = dims.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    return (descr, shape, Array(m[(10 + h)...]))
  }

  /// CRC-32 (IEEE), bit by bit.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
      c ^= UInt32(b)
      for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 0 ? 0 : 0xEDB8_8320) }
    }
    return ~c
  }
}
