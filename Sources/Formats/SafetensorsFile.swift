// SafetensorsFile.swift — the safetensors format (Hugging Face), written by
// hand: an 8-byte little-endian header length N, N bytes of JSON
// {"__metadata__": {string: string}, name: {"dtype", "shape",
// "data_offsets": [begin, end]}, …} padded with spaces to a multiple of 8,
// then the tensors' little-endian bytes back to back, in the header's order.

/// Encodes a `PolicyExport` as a .safetensors file.
public enum SafetensorsFile {
  /// The file's bytes. `__metadata__` holds "format", "format_version",
  /// "algorithm", "env_id" and "architecture" (the metadata JSON as text).
  public static func encode(_ export: PolicyExport) -> [UInt8] {
    var header: [(String, JSON)] = [("__metadata__", .object(metadataEntries(export).map { ($0.0, .string($0.1)) }))]
    var begin = 0
    for t in export.tensors {
      let end = begin + 4 * t.values.count
      header.append((t.name, .object([
        ("dtype", .string("F32")),
        ("shape", .array(t.shape.map { .int(Int64($0)) })),
        ("data_offsets", .array([.int(Int64(begin)), .int(Int64(end))])),
      ])))
      begin = end
    }
    var text = Array(JSON.object(header).serialized().utf8)
    while text.count % 8 != 0 { text.append(0x20) }
    var w = ByteWriter()
    w.u64(UInt64(text.count))
    w.bytes(text)
    w.out.reserveCapacity(w.out.count + begin)
    for t in export.tensors { for v in t.values { w.u32(v.bitPattern) } }
    return w.out
  }

  /// The string → string pairs of `__metadata__`.
  static func metadataEntries(_ export: PolicyExport) -> [(String, String)] {
    let m = export.metadata
    return [
      ("format", "hogwild-rl-policy"),
      ("format_version", "1"),
      ("algorithm", m["algorithm"]?.stringValue ?? ""),
      ("env_id", m["env_id"]?.stringValue ?? ""),
      ("architecture", export.metadataText),
    ]
  }
}
