// CRC32C.swift — CRC-32C (Castagnoli), the checksum TFRecord files carry:
// TensorBoard refuses a record whose length or data checksum is wrong.

/// CRC-32C (polynomial 0x1EDC6F41, reflected 0x82F63B78), byte-wise with a table.
public enum CRC32C {
  static let table: [UInt32] = (0..<256).map { (n: UInt32) -> UInt32 in
    var c = n
    for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
    return c
  }

  /// The CRC-32C of `bytes` ("123456789" gives 0xE3069283).
  public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }

  /// TFRecord's masked form: rotated right by 15 plus a constant, so a CRC
  /// stored inside checksummed data does not cancel out.
  public static func masked<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    let c = checksum(bytes)
    return ((c >> 15) | (c << 17)) &+ 0xA282_EAD8
  }
}
