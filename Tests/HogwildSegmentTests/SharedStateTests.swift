import Glibc
import HogwildSegment
import Testing

func makeSegment(_ tag: String, params: Int = 8, opt: Int = 8, workers: Int = 2, ring: Int = 8) throws -> SharedSegment {
  let name = testSegmentName(tag)
  let seg = try SharedSegment.create(
    name: name, layout: try SegmentLayout(parameterCount: params, optimizerCount: opt, workerCount: workers, ringCapacity: ring))
  try SharedSegment.unlink(name: name)  // the mapping outlives the name
  return seg
}

@Suite struct SharedStateTests {
  @Test(arguments: UpdateMode.allCases)
  func sgdSubtractsTheScaledGradient(mode: UpdateMode) throws {
    let seg = try makeSegment("sgd", opt: 0)
    try seg.initializeLock()
    seg.parameters.write([1, 2, 3, 4, 5, 6, 7, 8])
    var applier = seg.makeApplier(optimizer: .sgd, mode: mode, alpha: 0.99, epsilon: 0.1)
    applier.apply([1, 1, 1, 1, -1, -1, -1, -1], learningRate: 0.5)
    #expect(seg.parameters.snapshot == [0.5, 1.5, 2.5, 3.5, 5.5, 6.5, 7.5, 8.5])
  }

  @Test(arguments: UpdateMode.allCases)
  func sharedRMSPropFollowsThePaper(mode: UpdateMode) throws {
    let seg = try makeSegment("rms")
    try seg.initializeLock()
    let theta0: [Float] = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8]
    let grad: [Float] = [1, -2, 0.5, 0, 3, -0.25, 0.125, 4]
    seg.parameters.write(theta0)
    var applier = seg.makeApplier(optimizer: .sharedRMSProp, mode: mode, alpha: 0.9, epsilon: 0.1)
    for _ in 0..<2 { applier.apply(grad, learningRate: 0.01) }
    // Reference in Double: g ← αg + (1−α)d²; θ ← θ − η d / √(g + ε)
    var g = [Double](repeating: 0, count: 8)
    var theta = theta0.map(Double.init)
    for _ in 0..<2 {
      for i in 0..<8 {
        let d = Double(grad[i])
        g[i] = 0.9 * g[i] + 0.1 * d * d
        theta[i] -= 0.01 * d / (g[i] + 0.1).squareRoot()
      }
    }
    for i in 0..<8 {
      #expect(abs(Double(seg.parameters[i]) - theta[i]) < 1e-6)
      #expect(abs(Double(seg.optimizerStatistics[i]) - g[i]) < 1e-6)
    }
  }

  @Test func perWorkerRMSPropLeavesTheSegmentStatisticsAlone() throws {
    let seg = try makeSegment("local")
    seg.parameters.write([Float](repeating: 1, count: 8))
    var applier = seg.makeApplier(optimizer: .rmsprop, mode: .hogwild, alpha: 0.99, epsilon: 0.1)
    applier.apply([Float](repeating: 1, count: 8), learningRate: 0.1)
    #expect(seg.optimizerStatistics.snapshot == [Float](repeating: 0, count: 8))
    #expect(seg.parameters[0] < 1)
  }

  @Test func countersAddAndLoad() throws {
    let seg = try makeSegment("ctr")
    let T = seg.header.globalSteps
    #expect(T.add(5) == 0)
    #expect(T.add(7) == 5)
    #expect(T.load() == 12)
  }

  @Test func stalenessBucketsAreLog2() {
    #expect(WorkerSlot.bucket(of: 0) == 0)
    #expect(WorkerSlot.bucket(of: 1) == 1)
    #expect(WorkerSlot.bucket(of: 2) == 2)
    #expect(WorkerSlot.bucket(of: 3) == 2)
    #expect(WorkerSlot.bucket(of: 4) == 3)
    #expect(WorkerSlot.bucket(of: 1023) == 10)
    #expect(WorkerSlot.bucket(of: UInt64.max) == WorkerSlot.stalenessBuckets - 1)
  }

  @Test func slotRecordsStaleness() throws {
    let seg = try makeSegment("slot")
    let s = seg.slot(1)
    #expect(s.rank == 1)
    for v: UInt64 in [0, 0, 3, 9] { s.recordStaleness(v) }
    #expect(s.stalenessSum == 12)
    #expect(s.stalenessMax == 9)
    let h = s.stalenessHistogram
    #expect(h[0] == 2 && h[2] == 1 && h[4] == 1)
    #expect(h.reduce(0, +) == 4)
    #expect(seg.slot(0).stalenessSum == 0)
  }

  @Test func episodeRingDeliversInOrder() throws {
    let seg = try makeSegment("ring", ring: 8)
    let ring = seg.episodeRing
    for i in 0..<5 {
      ring.publish(EpisodeRecord(globalStep: UInt64(i * 10), endNanoseconds: 1, worker: i % 2,
                                 episode: UInt64(i), length: i + 1, episodeReturn: Double(i) + 0.5))
    }
    #expect(ring.published == 5)
    for i in 0..<5 {
      guard case .ready(let r) = ring.read(ticket: UInt64(i)) else {
        Issue.record("ticket \(i) not ready"); return
      }
      #expect(r.globalStep == UInt64(i * 10))
      #expect(r.length == i + 1)
      #expect(r.episodeReturn == Double(i) + 0.5)
    }
    #expect(ring.read(ticket: 5) == .notYetWritten)
  }

  @Test func episodeRingReportsLappedRecords() throws {
    let seg = try makeSegment("lap", ring: 4)
    let ring = seg.episodeRing
    for i in 0..<6 {
      ring.publish(EpisodeRecord(globalStep: UInt64(i), endNanoseconds: 0, worker: 0, episode: UInt64(i),
                                 length: 1, episodeReturn: 1))
    }
    #expect(ring.read(ticket: 0) == .overwritten)
    #expect(ring.read(ticket: 1) == .overwritten)
    if case .ready(let r) = ring.read(ticket: 2) { #expect(r.globalStep == 2) } else { Issue.record("ticket 2") }
  }

  @Test func tensorStatisticsSkipNonFiniteValues() throws {
    let seg = try makeSegment("stats")
    seg.parameters.write([1, 2, 3, .nan, .infinity, -1, 0, 1])
    let st = seg.parameters.statistics()
    #expect(st.nonFinite == 2)
    #expect(st.count == 8)
    #expect(st.min == -1 && st.max == 3)
    #expect(abs(st.mean - 1) < 1e-12)
    #expect(abs(st.l2 - 4) < 1e-12)
    let part = seg.parameters.statistics(offset: 0, count: 3)
    #expect(part.mean == 2)
  }
}

@Suite struct StaggeredApplyTests {
  @Test(arguments: [(0, false), (16, false), (48, false), (0, true), (272, true), (528, true)])
  func aStaggeredPassGivesTheSameResult(start: Int, reverse: Bool) throws {
    let n = 600  // more than two 256-float chunks, and not a multiple of 16
    let theta0 = (0..<n).map { Float($0) * 0.01 - 0.5 }
    let grad = (0..<n).map { Float(($0 * 7) % 13) * 0.1 - 0.6 }
    func run(_ start: Int, _ reverse: Bool) throws -> ([Float], [Float], [Float]) {
      let seg = try makeSegment("stagger", params: n, opt: n, workers: 1)
      seg.parameters.write(theta0)
      var applier = seg.makeApplier(optimizer: .sharedRMSProp, mode: .hogwild, alpha: 0.9, epsilon: 0.1)
      applier.startOffset = start
      applier.reverse = reverse
      var local = [Float](repeating: 0, count: n)
      applier.apply(grad, learningRate: 0.01, refreshing: &local)
      return (seg.parameters.snapshot, seg.optimizerStatistics.snapshot, local)
    }
    let reference = try run(0, false)
    let staggered = try run(start, reverse)
    #expect(staggered.0 == reference.0)
    #expect(staggered.1 == reference.1)
    #expect(staggered.2 == reference.0)  // θ′ refreshed with the new θ
  }
}
