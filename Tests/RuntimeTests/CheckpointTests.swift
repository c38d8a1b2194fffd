import HogwildSegment
import Runtime
import Testing

@Suite struct CheckpointTests {
  let sample = Checkpoint(
    envID: "CartPole-v1", algorithm: "a3c", globalSteps: 123_456, globalUpdates: 7890,
    layers: [LayerEntry(name: "w", rows: 2, cols: 2, offset: 0, count: 4),
             LayerEntry(name: "b", rows: 1, cols: 2, offset: 4, count: 2)],
    parameters: [1, -2, 3.5, .leastNonzeroMagnitude, 0, -0.25],
    optimizerStatistics: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])

  @Test func roundTripsBitForBit() throws {
    let bytes = sample.encoded()
    #expect(Array(bytes.prefix(8)) == Array("HWCKPT01".utf8))
    #expect(try Checkpoint(decoding: bytes) == sample)
  }

  @Test func rejectsEverySingleFlippedByte() {
    let bytes = sample.encoded()
    for i in stride(from: 0, to: bytes.count, by: 3) {
      var b = bytes
      b[i] ^= 0x40
      #expect(throws: Checkpoint.DecodeError.self) { try Checkpoint(decoding: b) }
    }
  }

  @Test func rejectsTruncationsAndForeignFiles() {
    let bytes = sample.encoded()
    for n in [0, 7, 8, 50, 119, bytes.count - 1] {
      #expect(throws: Checkpoint.DecodeError.self) { try Checkpoint(decoding: Array(bytes.prefix(n))) }
    }
    #expect(throws: Checkpoint.DecodeError.notACheckpoint) {
      try Checkpoint(decoding: Array("PK\u{3}\u{4} this is a zip file, honest".utf8))
    }
  }

  @Test func rejectsOtherVersions() {
    var b = sample.encoded()
    b[8] = 2
    #expect(throws: Checkpoint.DecodeError.unsupportedVersion(2)) { try Checkpoint(decoding: b) }
  }
}

@Suite struct JSONTests {
  @Test func serializesInInsertionOrderWithEscapes() {
    let j = JSON.object([("b", .int(1)), ("a", .string("x\"y\n\u{1}")), ("c", .array([.bool(true), .null]))])
    #expect(j.serialized() == #"{"b":1,"a":"x\"y\n\u0001","c":[true,null]}"#)
  }

  @Test func numbersRoundTripAndNonFiniteBecomesNull() {
    #expect(JSON.double(0.1).serialized() == "0.1")
    #expect(JSON.double(3).serialized() == "3")
    #expect(JSON.double(.nan).serialized() == "null")
    #expect(JSON.double(-.infinity).serialized() == "null")
    #expect(Double(JSON.double(1.0 / 3).serialized()) == 1.0 / 3)
  }

  @Test func lookupHelpers() {
    let j = JSON.object([("n", .double(2.5)), ("s", .string("t")), ("a", .array([.int(1)]))])
    #expect(j["n"]?.doubleValue == 2.5)
    #expect(j["s"]?.stringValue == "t")
    #expect(j["a"]?.arrayValue?.count == 1)
    #expect(j["missing"] == nil)
  }
}

@Suite struct EpisodeWindowTests {
  @Test func meansTheLastNReturns() {
    var w = EpisodeWindow(size: 3)
    #expect(w.mean == nil)
    w.add(1); w.add(2)
    #expect(w.mean == 1.5)
    #expect(!w.isFull)
    w.add(3); w.add(10)
    #expect(w.isFull)
    #expect(w.mean == 5)
    #expect(w.returns == [2, 3, 10])
  }

  @Test func staysExactOverManyEpisodes() {
    var w = EpisodeWindow(size: 100)
    for i in 0..<100_000 { w.add(Double(i % 7) * 0.1) }
    let expected = w.returns.reduce(0, +) / 100
    #expect(abs(w.mean! - expected) < 1e-9)
  }
}

@Suite struct StalenessSummaryTests {
  @Test func zeroStalenessIsExactlyZero() {
    let s = StalenessSummary(histogram: [10, 0, 0], sum: 0, max: 0)
    #expect(s.mean == 0 && s.p50 == 0 && s.p99 == 0 && s.max == 0 && s.count == 10)
  }

  @Test func quantilesFallInTheirBuckets() {
    // 50 at 0, 40 at 1, 9 in [2,3], 1 in [64,127] (max 100)
    var h = [UInt64](repeating: 0, count: 32)
    h[0] = 50; h[1] = 40; h[2] = 9; h[7] = 1
    let s = StalenessSummary(histogram: h, sum: 40 + 9 * 2 + 100, max: 100)
    #expect(s.p50 == 0)
    #expect(s.p99 >= 2 && s.p99 <= 3)
    #expect(abs(s.mean - 1.58) < 1e-12)
    #expect(s.max == 100)
  }

  @Test func emptyHistogramReportsZero() {
    let s = StalenessSummary(histogram: [UInt64](repeating: 0, count: 32), sum: 0, max: 0)
    #expect(s.count == 0 && s.mean == 0 && s.p99 == 0)
  }
}

@Suite struct ExitReasonTests {
  @Test func exitCodes() {
    #expect(ExitReason.tMax.exitCode == 0)
    #expect(ExitReason.targetReached.exitCode == 0)
    #expect(ExitReason.signal(2).exitCode == 130)
    #expect(ExitReason.signal(15).exitCode == 143)
    #expect(ExitReason.error("x").exitCode == 1)
    #expect(ExitReason.signal(2).name == "signal")
  }
}
