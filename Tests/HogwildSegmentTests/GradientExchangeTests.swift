import CHogwild
import Glibc
import HogwildSegment
import Testing

/// A2C's gradient rows, split reduction and barrier flags (one process
/// playing every rank in turn; the multi-process behaviour is tested through
/// the executable in CLITests).
@Suite struct GradientExchangeTests {
  func makeSegment(parameters: Int, workers: Int) throws -> SharedSegment {
    let name = testSegmentName("exchange")
    let seg = try SharedSegment.create(
      name: name,
      layout: try SegmentLayout(parameterCount: parameters, optimizerCount: parameters, workerCount: workers,
                                ringCapacity: 64, exchange: true))
    try SharedSegment.unlink(name: name)
    return seg
  }

  @Test func layoutGivesEveryWorkerALineAlignedRow() throws {
    let l = try SegmentLayout(parameterCount: 4675, optimizerCount: 4675, workerCount: 16, exchange: true)
    #expect(l.exchangeStride == 4688)   // 4675 rounded up to 16 floats
    #expect(l.exchangeOffset % 64 == 0)
    #expect(l.exchangeOffset >= l.slotsOffset + 16 * SegmentLayout.slotSize)
    #expect(l.totalSize >= l.exchangeOffset + 16 * 4688 * 4)
    let none = try SegmentLayout(parameterCount: 4675, optimizerCount: 4675, workerCount: 16)
    #expect(none.exchangeStride == 0)
    #expect(none.totalSize == none.exchangeOffset)
  }

  @Test(arguments: [(4675, 16), (4675, 3), (100, 16), (16, 4), (5, 2), (4675, 1)])
  func slicesCoverThetaExactlyOnceOnLineBoundaries(count: Int, workers: Int) throws {
    let seg = try makeSegment(parameters: count, workers: workers)
    let ex = try #require(seg.gradientExchange)
    var covered = [Int](repeating: 0, count: count)
    var previousEnd = 0
    for rank in 0..<workers {
      let s = ex.slice(of: rank)
      #expect(s.lowerBound == previousEnd, "slices are contiguous, in rank order")
      #expect(s.lowerBound % 16 == 0 || s.lowerBound == count)
      for i in s { covered[i] += 1 }
      previousEnd = s.upperBound
    }
    #expect(previousEnd == count)
    #expect(covered.allSatisfy { $0 == 1 })
  }

  @Test func asynchronousSegmentsHaveNoExchange() throws {
    let name = testSegmentName("noexchange")
    let seg = try SharedSegment.create(
      name: name, layout: try SegmentLayout(parameterCount: 10, optimizerCount: 10, workerCount: 2, ringCapacity: 64))
    try SharedSegment.unlink(name: name)
    #expect(seg.gradientExchange == nil)
  }

  @Test func meanGradientAveragesEveryRowOverTheSlice() throws {
    let (count, workers) = (40, 3)
    let seg = try makeSegment(parameters: count, workers: workers)
    let ex = try #require(seg.gradientExchange)
    for rank in 0..<workers {
      ex.publishGradient((0..<count).map { Float($0) * Float(rank + 1) }, rank: rank, round: 1)
    }
    // Mean of i·1, i·2, i·3 is 2i.
    var out = [Float](repeating: -1, count: count)
    ex.meanGradient(over: 16..<40, into: &out)
    #expect(Array(out[0..<24]) == (16..<40).map { Float($0) * 2 })
  }

  @Test func theBarrierOpensOnlyWhenEveryWorkerArrived() throws {
    let seg = try makeSegment(parameters: 32, workers: 3)
    let ex = try #require(seg.gradientExchange)
    let g = [Float](repeating: 1, count: 32)
    #expect(ex.allSlicesApplied(0), "round 0 needs nothing")
    ex.publishGradient(g, rank: 0, round: 1)
    ex.publishGradient(g, rank: 2, round: 1)
    #expect(!ex.allGradientsWritten(1))
    // A waiter gives up when told to stop, instead of sleeping forever.
    var ticks = 0
    let opened = ex.wait(until: { ex.allGradientsWritten(1) }, while: { ticks < 3 },
                         tickNanoseconds: 1_000_000, tick: { ticks += 1 })
    #expect(!opened && ticks == 3)
    ex.publishGradient(g, rank: 1, round: 1)
    #expect(ex.allGradientsWritten(1))
    #expect(ex.wait(until: { ex.allGradientsWritten(1) }, while: { true }, tick: {}))
    #expect(!ex.allGradientsWritten(2))
    for rank in [2, 0] { ex.publishSliceApplied(rank: rank, round: 1) }
    #expect(!ex.allSlicesApplied(1))
    ex.publishSliceApplied(rank: 1, round: 1)
    #expect(ex.allSlicesApplied(1))
  }

  @Test func aRoundIsCompletedExactlyOnce() throws {
    let seg = try makeSegment(parameters: 32, workers: 2)
    let ex = try #require(seg.gradientExchange)
    #expect(!ex.completeRound(0), "round 0 is complete from the start")
    #expect(ex.completeRound(1))
    #expect(!ex.completeRound(1), "a second worker (or a re-forked one) finds it done")
    #expect(!ex.completeRound(3), "rounds complete in order")
    #expect(ex.completedRounds == 1)
    #expect(seg.header.syncRounds == 1)
  }

  @Test func roundFlagsSurviveTheirWriter() throws {
    // A worker that dies after publishing its gradient leaves the flags in
    // its slot; the re-forked worker's fresh view sees them.
    let seg = try makeSegment(parameters: 32, workers: 2)
    seg.gradientExchange!.publishGradient([Float](repeating: 2, count: 32), rank: 1, round: 1)
    let fresh = try #require(seg.gradientExchange)
    #expect(fresh.gradientRound(of: 1) == 1)
    #expect(fresh.reducedRound(of: 1) == 0)
  }

  @Test func applyingASliceTouchesOnlyThatSlice() throws {
    let seg = try makeSegment(parameters: 64, workers: 2)
    seg.parameters.write([Float](repeating: 1, count: 64))
    var applier = seg.makeApplier(optimizer: .sgd, mode: .hogwild, alpha: 0.99, epsilon: 0.1)
    applier.apply(slice: 16..<48, gradient: [Float](repeating: 2, count: 32), learningRate: 0.5)
    let theta = seg.parameters.snapshot
    #expect(theta[0..<16].allSatisfy { $0 == 1 })
    #expect(theta[16..<48].allSatisfy { $0 == 0 })
    #expect(theta[48..<64].allSatisfy { $0 == 1 })
  }

  @Test func validatorRejectsABadExchange() throws {
    let name = testSegmentName("exv")
    defer { try? SharedSegment.unlink(name: name) }
    let layout = try SegmentLayout(parameterCount: 100, optimizerCount: 100, workerCount: 2, ringCapacity: 64, exchange: true)
    let seg = try SharedSegment.create(name: name, layout: layout)
    seg.publish()
    let fd = shm_open(name, O_RDONLY, 0)
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: layout.totalSize)
    _ = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, layout.totalSize) }
    try validate(bytes)
    var bad = bytes
    poke(&bad, at: MemoryLayout<hw_header>.offset(of: \.exchange_stride)!, UInt64(96))
    #expect(throws: SegmentError.corruptHeader(name: "/img", field: "exchange_stride")) { try validate(bad) }
    bad = bytes
    poke(&bad, at: MemoryLayout<hw_header>.offset(of: \.exchange_offset)!, UInt64(layout.totalSize - 64))
    #expect(throws: SegmentError.regionOutOfBounds(name: "/img", region: "gradient exchange")) { try validate(bad) }
  }
}
