import CHogwild
import Glibc
import HogwildSegment
import Testing

/// The bytes of a real, published segment.
func segmentImage() throws -> [UInt8] {
  let name = testSegmentName("img")
  defer { try? SharedSegment.unlink(name: name) }
  let layout = try SegmentLayout(parameterCount: 100, optimizerCount: 100, workerCount: 2, ringCapacity: 64)
  let seg = try SharedSegment.create(name: name, layout: layout)
  seg.header.layers = [LayerEntry(name: "w", rows: 10, cols: 10, offset: 0, count: 100)]
  seg.publish()
  let fd = shm_open(name, O_RDONLY, 0)
  defer { close(fd) }
  var bytes = [UInt8](repeating: 0, count: layout.totalSize)
  let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, layout.totalSize) }
  #expect(n == layout.totalSize)
  return bytes
}

func validate(_ bytes: [UInt8]) throws(SegmentError) {
  var err: SegmentError?
  bytes.withUnsafeBytes { b in
    do { try SegmentValidator.validate(b, name: "/img") } catch { err = error as? SegmentError }
  }
  if let err { throw err }
}

func poke<T>(_ bytes: inout [UInt8], at offset: Int, _ value: T) {
  withUnsafeBytes(of: value) { v in
    for (i, b) in v.enumerated() { bytes[offset + i] = b }
  }
}

@Suite struct SegmentValidatorTests {
  @Test func acceptsARealSegment() throws {
    try validate(try segmentImage())
  }

  @Test func rejectsWrongMagic() throws {
    var b = try segmentImage()
    b[0] ^= 0xFF
    #expect { try validate(b) } throws: { error in
      if case .badMagic = error as? SegmentError { return true }
      return false
    }
  }

  @Test func rejectsOtherLayoutVersions() throws {
    var b = try segmentImage()
    poke(&b, at: 8, UInt32(99))
    #expect(throws: SegmentError.versionMismatch(name: "/img", found: 99, expected: HW_LAYOUT_VERSION)) {
      try validate(b)
    }
  }

  @Test func rejectsEveryTruncation() throws {
    let b = try segmentImage()
    for cut in [0, 4, 8, 100, 4095, 4096, b.count / 2, b.count - 1] {
      #expect(throws: SegmentError.self) { try validate(Array(b.prefix(cut))) }
    }
  }

  @Test func rejectsRegionsOutsideTheSegment() throws {
    let offsets = [
      MemoryLayout<hw_header>.offset(of: \.params_offset)!,
      MemoryLayout<hw_header>.offset(of: \.opt_count)!,
      MemoryLayout<hw_header>.offset(of: \.slots_offset)!,
      MemoryLayout<hw_header>.offset(of: \.ring_offset)!,
    ]
    for off in offsets {
      var b = try segmentImage()
      poke(&b, at: off, UInt64(1) << 40)
      #expect(throws: SegmentError.self) { try validate(b) }
    }
  }

  @Test func rejectsALayerOutsideTheParameters() throws {
    var b = try segmentImage()
    let layerCount = MemoryLayout<hw_header>.offset(of: \.layers)! + MemoryLayout<hw_layer>.offset(of: \.count)!
    poke(&b, at: layerCount, UInt64(101))
    #expect(throws: SegmentError.regionOutOfBounds(name: "/img", region: "layer w")) { try validate(b) }
  }

  @Test func randomBytesNeverCrashTheValidator() throws {
    let real = try segmentImage()
    var rng = SystemRandomNumberGenerator()
    for trial in 0..<2000 {
      var b = real
      // Corrupt up to 8 random header bytes (past the magic, so checks go deep).
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        b[Int.random(in: 8..<4096, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      }
      if trial % 4 == 0 { b = Array(b.prefix(Int.random(in: 0...b.count, using: &rng))) }
      do { try validate(b) } catch {}  // either verdict is fine; crashing is not
    }
  }
}
