// NPZFile.swift — NumPy's .npz, written by hand: a zip archive (stored, no
// compression) of one .npy (format 1.0) file per tensor, plus
// `__metadata__.npy`, a uint8 array holding the metadata JSON's UTF-8 text
// (`json.loads(bytes(npz["__metadata__"]))`). `np.load` reads it as is.

/// Encodes a `PolicyExport` as a .npz file.
public enum NPZFile {
  /// Why the archive cannot be written (the plain zip format's limits).
  public struct TooLarge: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  /// The archive's bytes: one `<name>.npy` per tensor in export order, then
  /// `__metadata__.npy`.
  public static func encode(_ export: PolicyExport) throws(TooLarge) -> [UInt8] {
    var entries: [(String, [UInt8])] = export.tensors.map { t in
      var w = ByteWriter()
      w.bytes(npyHeader(descr: "<f4", shape: t.shape))
      for v in t.values { w.u32(v.bitPattern) }
      return (t.name + ".npy", w.out)
    }
    let text = Array(export.metadataText.utf8)
    entries.append(("__metadata__.npy", npyHeader(descr: "|u1", shape: [text.count]) + text))
    return try ZipArchive.stored(entries)
  }

  /// A .npy 1.0 header: magic, version, u16 length, the dict literal padded
  /// with spaces and ended by a newline so the data starts 64-byte aligned.
  static func npyHeader(descr: String, shape: [Int]) -> [UInt8] {
    let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }".utf8)
    while (10 + dict.count + 1) % 64 != 0 { dict.append(0x20) }
    dict.append(0x0A)
    var w = ByteWriter()
    w.bytes([0x93] + Array("NUMPY".utf8) + [1, 0])
    w.u16(UInt16(dict.count))
    w.bytes(dict)
    return w.out
  }
}

/// A zip archive of stored (uncompressed) members, without zip64: every
/// offset and size below 4 GiB, fewer than 65 535 members. Timestamps are
/// the format's epoch (1980-01-01 00:00), so the bytes depend on the
/// contents only.
enum ZipArchive {
  static func stored(_ entries: [(String, [UInt8])]) throws(NPZFile.TooLarge) -> [UInt8] {
    guard entries.count < 0xFFFF else { throw NPZFile.TooLarge(description: "too many tensors for a zip archive") }
    let dosTime: UInt16 = 0, dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    var w = ByteWriter()
    var central = ByteWriter()
    for (name, data) in entries {
      let nameBytes = Array(name.utf8)
      let offset = w.out.count
      guard data.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, nameBytes.count < 0xFFFF else {
        throw NPZFile.TooLarge(description: "\(name) is too large for a zip archive without zip64")
      }
      let crc = CRC32.checksum(data)
      // Local file header.
      w.u32(0x0403_4B50)
      w.u16(20); w.u16(0); w.u16(0)          // version needed 2.0, flags, method: stored
      w.u16(dosTime); w.u16(dosDate)
      w.u32(crc); w.u32(UInt32(data.count)); w.u32(UInt32(data.count))
      w.u16(UInt16(nameBytes.count)); w.u16(0)
      w.bytes(nameBytes)
      w.bytes(data)
      // Its central directory record.
      central.u32(0x0201_4B50)
      central.u16(0x0314); central.u16(20)   // made by: Unix, 2.0; needed: 2.0
      central.u16(0); central.u16(0)
      central.u16(dosTime); central.u16(dosDate)
      central.u32(crc); central.u32(UInt32(data.count)); central.u32(UInt32(data.count))
      central.u16(UInt16(nameBytes.count)); central.u16(0); central.u16(0)  // name, extra, comment
      central.u16(0); central.u16(0)         // disk, internal attributes
      central.u32(0o100644 << 16)            // external: a regular file, rw-r--r--
      central.u32(UInt32(offset))
      central.bytes(nameBytes)
    }
    let centralOffset = w.out.count
    guard centralOffset + central.out.count < 0xFFFF_FFFF else {
      throw NPZFile.TooLarge(description: "the archive is too large for a zip archive without zip64")
    }
    w.bytes(central.out)
    // End of central directory.
    w.u32(0x0605_4B50)
    w.u16(0); w.u16(0)
    w.u16(UInt16(entries.count)); w.u16(UInt16(entries.count))
    w.u32(UInt32(central.out.count)); w.u32(UInt32(centralOffset))
    w.u16(0)
    return w.out
  }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): zip's checksum.
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }
}

extension ByteWriter {
  mutating func u16(_ v: UInt16) { out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8)) }
}
