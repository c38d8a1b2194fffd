import Formats
import HogwildSegment
import Runtime
import Testing

@Suite struct CheckpointTests {
  let sample = Checkpoint(
    envID: "CartPole-v1", algorithm: "a3c", globalSteps: 123_456, globalUpdates: 7890,
    layers: [Checkpoint.Layer(name: "w", rows: 2, cols: 2, offset: 0, count: 4),
             Checkpoint.Layer(name: "b", rows: 1, cols: 2, offset: 4, count: 2)],
    parameters: [1, -2, 3.5, .leastNonzeroMagnitude, 0, -0.25],
    optimizerStatistics: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])

  @Test func layerTableLimitIsTheSegments() {
    #expect(Checkpoint.maxLayers == SegmentLayout.maxLayers)
  }

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
    #expect(throws: Checkpoint.DecodeError.notACheckpoint) { try Checkpoint(decoding: Array("junk\n".utf8)) }
    #expect(throws: Checkpoint.DecodeError.truncated) { try Checkpoint(decoding: Array("HWCK".utf8)) }
  }

  @Test func rejectsOtherVersions() {
    var b = sample.encoded()
    b[8] = 5
    #expect(throws: Checkpoint.DecodeError.unsupportedVersion(5)) { try Checkpoint(decoding: b) }
  }

  var full: Checkpoint {
    var c = sample
    c.workers = [WorkerCounters(steps: 100, episodes: 3, updates: 5, randomState: [1, .max, 3, 0x1234_5678_9ABC]),
                 WorkerCounters(steps: Checkpoint.maxCounter, episodes: 0, updates: 1, testEpisodes: 17, testSteps: 8_500)]
    c.configText = #"{"env": "CartPole-v1", "note": "ünïcödé"}"#
    c.recentReturns = [500, 12.5, -3, .infinity]
    c.recentTestReturns = [500, 499, 9.5]
    c.episodes = 4242
    c.testEpisodes = 77
    c.wallSeconds = 12.75
    c.solvedAtStep = 99_000
    c.solvedAtSeconds = 1.5
    return c
  }

  @Test func version4RoundTripsEveryField() throws {
    let bytes = full.encoded()
    #expect(bytes[8] == 4)
    let back = try Checkpoint(decoding: bytes)
    #expect(back == full)
    #expect(back.formatVersion == 4)
    #expect(back.workers[0].randomState == [1, .max, 3, 0x1234_5678_9ABC])
    #expect(back.workers[1].steps == Checkpoint.maxCounter)
    // One past the largest counter a run can hold is refused, checksum or not.
    var beyond = full
    beyond.workers[1].steps = Checkpoint.maxCounter + 1
    #expect(throws: Checkpoint.DecodeError.self) { try Checkpoint(decoding: beyond.encoded()) }
    #expect(back.workers[1].testEpisodes == 17 && back.workers[1].testSteps == 8_500)
    #expect(back.recentTestReturns == [500, 499, 9.5] && back.testEpisodes == 77)
    #expect(back.configText.contains("ünïcödé"))
    // Not solved round-trips as nil.
    var c = full
    c.solvedAtStep = nil; c.solvedAtSeconds = nil
    #expect(try Checkpoint(decoding: c.encoded()) == c)
  }

  @Test func version4CorruptionAndTruncation() {
    let bytes = full.encoded()
    for i in stride(from: 0, to: bytes.count, by: 5) {
      var b = bytes
      b[i] ^= 0x01
      #expect(throws: Checkpoint.DecodeError.self) { try Checkpoint(decoding: b) }
    }
    for n in [100, 167, bytes.count / 2, bytes.count - 9, bytes.count - 1] {
      #expect(throws: Checkpoint.DecodeError.truncated) { try Checkpoint(decoding: Array(bytes.prefix(n))) }
    }
    #expect(throws: Checkpoint.DecodeError.self) { try Checkpoint(decoding: bytes + [0]) }
  }

  /// A version-1 file, byte for byte as the previous build wrote it.
  static func version1Bytes(_ c: Checkpoint) -> [UInt8] {
    var out: [UInt8] = []
    func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    func u64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    func str(_ s: String, _ n: Int) { let b = Array(s.utf8.prefix(n - 1)); out += b + [UInt8](repeating: 0, count: n - b.count) }
    out += Array("HWCKPT01".utf8)
    u32(1); u32(UInt32(112 + 64 * c.layers.count))
    u64(UInt64(c.parameters.count)); u64(UInt64(c.optimizerStatistics.count))
    u64(c.globalSteps); u64(c.globalUpdates)
    str(c.envID, 48); str(c.algorithm, 8)
    u32(UInt32(c.layers.count)); u32(0)
    for l in c.layers { str(l.name, 40); u32(UInt32(l.rows)); u32(UInt32(l.cols)); u64(UInt64(l.offset)); u64(UInt64(l.count)) }
    for f in c.parameters { u32(f.bitPattern) }
    for f in c.optimizerStatistics { u32(f.bitPattern) }
    return sealed(out)
  }

  @Test func readsVersion1WithEmptyNewFields() throws {
    let back = try Checkpoint(decoding: Self.version1Bytes(sample))
    #expect(back.formatVersion == 1)
    #expect(back.parameters == sample.parameters && back.layers == sample.layers)
    #expect(back.globalSteps == sample.globalSteps && back.globalUpdates == sample.globalUpdates)
    #expect(back.workers.isEmpty && back.configText.isEmpty && back.recentReturns.isEmpty)
  }

  /// Appends the FNV-1a 64 checksum of `bytes`.
  static func sealed(_ bytes: [UInt8]) -> [UInt8] {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return bytes + (0..<8).map { UInt8(truncatingIfNeeded: h >> (8 * UInt64($0))) }
  }

  /// A version-3 file made from a version-4 one: a 160-byte fixed header
  /// (152..<160 reserved), 56-byte rank records, no test window.
  static func version3Bytes(_ c: Checkpoint) -> [UInt8] {
    let v4 = c.encoded()
    let layerBytes = 64 * c.layers.count
    var v3 = Array(v4[0..<152]) + [UInt8](repeating: 0, count: 8) + Array(v4[176..<(176 + layerBytes)])
    let floatsAt = 176 + layerBytes
    let recordsAt = floatsAt + 4 * (c.parameters.count + c.optimizerStatistics.count)
    v3 += v4[floatsAt..<recordsAt]
    for w in 0..<c.workers.count { v3 += v4[(recordsAt + 72 * w)..<(recordsAt + 72 * w + 56)] }
    let tailAt = recordsAt + 72 * c.workers.count
    v3 += v4[tailAt..<(tailAt + c.configText.utf8.count + 8 * c.recentReturns.count)]
    v3[8] = 3
    let headerBytes = 160 + layerBytes
    for i in 0..<4 { v3[12 + i] = UInt8(truncatingIfNeeded: headerBytes >> (8 * i)) }
    return sealed(v3)
  }

  @Test func version3FilesAreStillRead() throws {
    let back = try Checkpoint(decoding: Self.version3Bytes(full))
    #expect(back.formatVersion == 3)
    #expect(back.parameters == full.parameters && back.layers == full.layers)
    #expect(back.workers.map(\.randomState) == full.workers.map(\.randomState))
    #expect(back.workers.allSatisfy { $0.testEpisodes == 0 && $0.testSteps == 0 })
    #expect(back.recentReturns == full.recentReturns && back.episodes == full.episodes)
    #expect(back.recentTestReturns.isEmpty && back.testEpisodes == 0)
    #expect(back.configText == full.configText && back.solvedAtStep == full.solvedAtStep)
  }

  /// A version-2 file (24-byte rank records, no RNG state) made from a
  /// version-3 one by dropping the RNG words.
  @Test func version2FilesAreStillRead() throws {
    let v3 = Array(Self.version3Bytes(full).dropLast(8))
    let headerBytes = Int(v3[12]) | Int(v3[13]) << 8
    let recordsAt = headerBytes + 4 * (full.parameters.count + full.optimizerStatistics.count)
    var v2 = Array(v3[0..<recordsAt])
    for w in 0..<full.workers.count {
      v2 += v3[(recordsAt + 56 * w)..<(recordsAt + 56 * w + 24)]
    }
    v2 += v3[(recordsAt + 56 * full.workers.count)...]
    v2[8] = 2
    let back = try Checkpoint(decoding: Self.sealed(v2))
    #expect(back.formatVersion == 2)
    #expect(back.parameters == full.parameters)
    #expect(back.workers.map(\.steps) == full.workers.map(\.steps))
    #expect(back.workers.allSatisfy { $0.randomState == [0, 0, 0, 0] })
    #expect(back.configText == full.configText)
  }
}

@Suite struct ResumeConfigTests {
  @Test func configJSONRoundTripsThroughTheParser() throws {
    var c = RunConfig()
    c.procs = 3
    c.seed = 77
    c.tMax = 123_000
    c.targetReturn = 400
    c.hyperparameters.hidden = [32, 16, 8]
    c.hyperparameters.activation = .relu
    c.hyperparameters.learningRate = 0.0007
    c.delay = .uniform(0, 5_000_000)
    c.delayWorkers = [0, 2]
    c.checkpointEvery = .steps(500_000)
    c.hyperparameters.rmsSqrt = .fast
    let back = try RunConfig(configText: c.json.serialized(indent: true))
    #expect(back.json == c.json)
    #expect(back.hyperparameters == c.hyperparameters)
  }

  @Test func configsFromBeforeRMSPropSqrtUseTheExactForm() throws {
    var c = RunConfig()
    c.hyperparameters.rmsSqrt = .fast
    let lines = c.json.serialized(indent: true).split(separator: "\n", omittingEmptySubsequences: false)
    let old = lines.filter { !$0.contains("\"rmsprop_sqrt\"") }.joined(separator: "\n")
    #expect(try RunConfig(configText: old).hyperparameters.rmsSqrt == .exact)
  }

  @Test func parserHandlesEscapesAndRejectsGarbage() throws {
    let j = try JSON.parse(#" {"a": [1, -2.5e3, true, null], "s": "x\"\u00e9\ud83d\ude00\n"} "#)
    #expect(j["a"]?.arrayValue?.count == 4)
    #expect(j["a"]?.arrayValue?[1].doubleValue == -2500)
    #expect(j["s"]?.stringValue == "x\"é😀\n")
    for bad in ["", "{", "[1,]", #"{"a" 1}"#, "tru", #""abc"#, "1 2", #"{"a":1,}"#] {
      #expect(throws: JSON.ParseError.self) { try JSON.parse(bad) }
    }
    #expect(throws: ConfigError.self) { try RunConfig(configText: #"{"env": "Pong-v5"}"#) }
  }

  @Test func checkpointIntervals() {
    #expect(CheckpointInterval.parse("30s") == .time(30_000_000_000))
    #expect(CheckpointInterval.parse("500ms") == .time(500_000_000))
    #expect(CheckpointInterval.parse("2m") == .time(120_000_000_000))
    #expect(CheckpointInterval.parse("100000") == .steps(100_000))
    #expect(CheckpointInterval.parse("500k") == .steps(500_000))
    #expect(CheckpointInterval.parse("2M") == .steps(2_000_000))
    #expect(CheckpointInterval.parse("0") == CheckpointInterval.none)
    #expect(CheckpointInterval.parse("none") == CheckpointInterval.none)
    for bad in ["", "5ms", "-1s", "1.5", "abc", "3x", "s"] { #expect(CheckpointInterval.parse(bad) == nil) }
    for every in [CheckpointInterval.time(1_500_000_000), .time(250_000_000), .steps(7), .none] {
      #expect(CheckpointInterval.parse(every.description) == every)
    }
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
