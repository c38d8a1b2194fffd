import CHogwild
import Glibc
import HogwildSegment
import Testing

/// The target-network region θ⁻ of the Q-learning family.
@Suite struct TargetRegionTests {
  @Test func layoutPlacesTheTargetAfterThetaOnItsOwnLines() throws {
    let l = try SegmentLayout(parameterCount: 4610, optimizerCount: 4610, targetCount: 4610, workerCount: 16)
    #expect(l.targetOffset % 64 == 0)
    #expect(l.targetOffset >= l.parametersOffset + 4610 * 4)
    #expect(l.optimizerOffset >= l.targetOffset + 4610 * 4)
    // A3C: an empty region, and no extra bytes.
    let a = try SegmentLayout(parameterCount: 4610, optimizerCount: 4610, workerCount: 16)
    #expect(a.targetCount == 0)
    #expect(l.totalSize >= a.totalSize + 4610 * 4)
    #expect(throws: SegmentError.self) {
      try SegmentLayout(parameterCount: 1, optimizerCount: 0, targetCount: Int.max / 2, workerCount: 1)
    }
  }

  @Test func targetRegionRoundTripsAndShowsInRegions() throws {
    let name = testSegmentName("target")
    defer { try? SharedSegment.unlink(name: name) }
    let seg = try SharedSegment.create(
      name: name, layout: try SegmentLayout(parameterCount: 10, optimizerCount: 10, targetCount: 10, workerCount: 2))
    seg.parameters.write((0..<10).map(Float.init))
    seg.targetParameters.copy(from: seg.parameters)
    seg.header.targetVersion.add(1)
    seg.publish()
    let r = try SharedSegment.attach(name: name)
    #expect(r.targetParameters.snapshot == (0..<10).map(Float.init))
    #expect(r.header.targetCount == 10)
    #expect(r.header.targetVersion.load() == 1)
    let region = try #require(r.header.regions.first { $0.name == "target_parameters" })
    #expect(region.bytes == 40 && region.offset % 64 == 0)
  }

  @Test func validatorRejectsATargetRegionOutsideTheSegment() throws {
    let name = testSegmentName("tv")
    defer { try? SharedSegment.unlink(name: name) }
    let layout = try SegmentLayout(parameterCount: 100, optimizerCount: 100, targetCount: 100, workerCount: 2, ringCapacity: 64)
    let seg = try SharedSegment.create(name: name, layout: layout)
    seg.publish()
    let fd = shm_open(name, O_RDONLY, 0)
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: layout.totalSize)
    _ = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, layout.totalSize) }
    try validate(bytes)
    let countOffset = MemoryLayout<hw_header>.offset(of: \.target_count)!
    var bad = bytes
    poke(&bad, at: countOffset, UInt64(layout.totalSize))
    #expect(throws: SegmentError.regionOutOfBounds(name: "/img", region: "target parameters")) { try validate(bad) }
    bad = bytes
    poke(&bad, at: MemoryLayout<hw_header>.offset(of: \.target_offset)!, UInt64(layout.totalSize - 8))
    #expect(throws: SegmentError.regionOutOfBounds(name: "/img", region: "target parameters")) { try validate(bad) }
  }
}
