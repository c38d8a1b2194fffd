import CHogwild
import Glibc
import HogwildSegment
import Testing

/// A unique segment name per test, removed afterwards.
func testSegmentName(_ tag: String) -> String {
  "/hogwild-rl-test.\(getpid()).\(tag).\(UInt32.random(in: 0...UInt32.max))"
}

@Suite struct SegmentLifecycleTests {
  @Test func layoutAlignsEveryRegionToACacheLine() throws {
    let l = try SegmentLayout(parameterCount: 4675, optimizerCount: 4675, workerCount: 16)
    for off in [l.parametersOffset, l.optimizerOffset, l.lockOffset, l.ringOffset, l.slotsOffset, l.totalSize] {
      #expect(off % 64 == 0)
    }
    #expect(l.parametersOffset >= SegmentLayout.headerSize)
    #expect(l.optimizerOffset >= l.parametersOffset + 4675 * 4)
    #expect(l.totalSize >= l.slotsOffset + 16 * SegmentLayout.slotSize)
    #expect(SegmentLayout.slotSize == 512)
    #expect(SegmentLayout.headerSize == 4096)
  }

  @Test func layoutRejectsImpossibleSizes() {
    #expect(throws: SegmentError.self) { try SegmentLayout(parameterCount: 10, optimizerCount: 0, workerCount: 0) }
    #expect(throws: SegmentError.self) { try SegmentLayout(parameterCount: 10, optimizerCount: 0, workerCount: 257) }
    #expect(throws: SegmentError.self) { try SegmentLayout(parameterCount: Int.max / 2, optimizerCount: 0, workerCount: 1) }
    #expect(throws: SegmentError.self) {
      try SegmentLayout(parameterCount: 1, optimizerCount: 0, workerCount: 1, ringCapacity: 1000)
    }
  }

  @Test func createAttachRoundTripsHeaderAndParameters() throws {
    let name = testSegmentName("rt")
    defer { try? SharedSegment.unlink(name: name) }
    let layout = try SegmentLayout(parameterCount: 10, optimizerCount: 10, workerCount: 3)
    let seg = try SharedSegment.create(name: name, layout: layout)
    let h = seg.header
    h.envID = "CartPole-v1"
    h.algorithm = "a3c"
    h.tMax = 12345
    h.layers = [LayerEntry(name: "w", rows: 2, cols: 3, offset: 0, count: 6),
                LayerEntry(name: "b", rows: 4, cols: 1, offset: 6, count: 4)]
    h.hyperparameters = [("lr", 0.001), ("gamma", 0.99)]
    seg.parameters.write((0..<10).map(Float.init))
    seg.publish()
    h.globalSteps.add(42)

    let other = try SharedSegment.attach(name: name)
    let o = other.header
    #expect(o.magic == HW_MAGIC)
    #expect(o.envID == "CartPole-v1")
    #expect(o.algorithm == "a3c")
    #expect(o.tMax == 12345)
    #expect(o.procs == 3)
    #expect(o.creatorPID == getpid())
    #expect(o.layers.map(\.name) == ["w", "b"])
    #expect(o.hyperparameters.map(\.key) == ["lr", "gamma"])
    #expect(o.hyperparameters[1].value == 0.99)
    #expect(o.globalSteps.load() == 42)
    #expect(other.parameters.snapshot == (0..<10).map(Float.init))
    #expect(other.isWritable == false)
  }

  @Test func createReportsFileExistsForADuplicateName() throws {
    let name = testSegmentName("dup")
    defer { try? SharedSegment.unlink(name: name) }
    let layout = try SegmentLayout(parameterCount: 1, optimizerCount: 0, workerCount: 1)
    _ = try SharedSegment.create(name: name, layout: layout)
    #expect(throws: SegmentError.create(name: name, .fileExists)) {
      try SharedSegment.create(name: name, layout: layout)
    }
  }

  @Test func attachBeforePublishSeesBadMagic() throws {
    let name = testSegmentName("unpub")
    defer { try? SharedSegment.unlink(name: name) }
    let layout = try SegmentLayout(parameterCount: 1, optimizerCount: 0, workerCount: 1)
    let seg = try SharedSegment.create(name: name, layout: layout)
    #expect(throws: SegmentError.badMagic(name: name, found: 0)) { try SharedSegment.attach(name: name) }
    seg.publish()
    _ = try SharedSegment.attach(name: name)
  }

  @Test func unlinkRemovesTheName() throws {
    let name = testSegmentName("unlink")
    let layout = try SegmentLayout(parameterCount: 1, optimizerCount: 0, workerCount: 1)
    _ = try SharedSegment.create(name: name, layout: layout).publish()
    try SharedSegment.unlink(name: name)
    #expect(throws: SegmentError.attach(name: name, .noSuchFile)) { try SharedSegment.attach(name: name) }
  }

  @Test func namesAreNormalisedAndValidated() throws {
    #expect(try SharedSegment.normalizedName("abc") == "/abc")
    #expect(try SharedSegment.normalizedName("/abc") == "/abc")
    for bad in ["", "/", "/a/b", "//x", String(repeating: "x", count: 300)] {
      #expect(throws: SegmentError.self) { try SharedSegment.normalizedName(bad) }
    }
  }

  @Test func longStringsAreTruncatedToTheirFieldWithoutBreakingUTF8() throws {
    let name = testSegmentName("str")
    defer { try? SharedSegment.unlink(name: name) }
    let seg = try SharedSegment.create(
      name: name, layout: try SegmentLayout(parameterCount: 1, optimizerCount: 0, workerCount: 1))
    seg.header.algorithm = "ααααααααααααααααα"  // 34 bytes into a 16-byte field
    #expect(seg.header.algorithm == "ααααααα")    // 7 × 2 bytes ≤ 15
  }
}

@Suite struct LivenessLockTests {
  @Test func theCreatorHoldsTheLockUntilItsMappingIsGone() throws {
    let name = testSegmentName("lock")
    defer { try? SharedSegment.unlink(name: name) }
    var seg: SharedSegment? = try SharedSegment.create(
      name: name, layout: try SegmentLayout(parameterCount: 1, optimizerCount: 0, workerCount: 1))
    seg?.publish()
    #expect(SharedSegment.isHeld(name: name) == true)
    // A reader (dump) attaching does not take or break the lock.
    let reader = try SharedSegment.attach(name: name)
    #expect(reader.header.procs == 1)
    #expect(SharedSegment.isHeld(name: name) == true)
    seg = nil
    #expect(SharedSegment.isHeld(name: name) == false)
    // Without the lock the segment is an orphan even though our pid, its
    // creator's, is alive: pid reuse cannot make an orphan look live.
    #expect(SegmentCatalog.isLive(name, creator: getpid()) == false)
    #expect(SharedSegment.isHeld(name: "/hogwild-rl-test.no.such.segment") == nil)
  }
}
