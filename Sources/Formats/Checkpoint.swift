// Checkpoint.swift — checkpoint.bin: θ, the shared optimizer statistics, the
// counters and everything `run --resume` and `eval` need, behind a versioned
// header and followed by a checksum.
//
// Format (little-endian), version 4:
//   0   8  magic "HWCKPT01"
//   8   4  format version (4)
//   12  4  header bytes H (= 176 + 64·L)
//   16  8  θ float count P
//   24  8  optimizer float count G (0 if none)
//   32  8  T (global steps)
//   40  8  U (global updates)
//   48  48 env id, NUL-padded UTF-8
//   96  8  algorithm, NUL-padded
//   104 4  layer count L
//   108 4  worker records W
//   112 4  config bytes C (config.json's text, UTF-8)
//   116 4  training-episode window returns E (≤ 100, oldest first)
//   120 8  training episodes written to metrics.csv so far
//   128 8  wall seconds so far, float64
//   136 8  solved at step (2^64−1: not solved)
//   144 8  solved at seconds, float64
//   152 4  test-episode window returns E_T (≤ 100, oldest first)
//   156 4  reserved (0)
//   160 8  test episodes written to metrics.csv so far
//   168 8  reserved (0)
//   176 64·L layer table: name (40 bytes), rows u32, cols u32, offset u64, count u64
//   then P float32 (θ), G float32 (g),
//        W × (t, episodes, updates, RNG state 4 ×, test episodes, test steps;
//             u64 each), one per rank,
//        C bytes of config text, E float64 training returns, E_T float64 test returns
//   last 8: FNV-1a 64 of every byte before it
//
// Older versions are still read; missing fields come back empty or 0.
// Version 3: header bytes 160 + 64·L (152..<160 reserved), 56-byte worker
// records (no test counters), no test window. Version 2: as 3 with 24-byte
// worker records (no RNG state). Version 1: header bytes 112 + 64·L (bytes
// 108..<112 reserved), no worker records, config or window.

/// One worker rank's counters, carried across a resume.
public struct WorkerCounters: Equatable, Sendable {
  public var steps: UInt64
  public var episodes: UInt64
  public var updates: UInt64
  /// The rank's xoshiro256** state (4 words; all zero if unknown).
  public var randomState: [UInt64]
  /// Greedy test episodes played and their steps (0 before version 4).
  public var testEpisodes: UInt64
  public var testSteps: UInt64
  public init(steps: UInt64, episodes: UInt64, updates: UInt64, randomState: [UInt64] = [0, 0, 0, 0],
              testEpisodes: UInt64 = 0, testSteps: UInt64 = 0) {
    self.steps = steps
    self.episodes = episodes
    self.updates = updates
    self.randomState = randomState
    self.testEpisodes = testEpisodes
    self.testSteps = testSteps
  }
}

/// A training checkpoint.
public struct Checkpoint: Equatable, Sendable {
  /// One row of the layer table: a named rows × cols tensor at `offset`
  /// floats into θ (the segment's layer table, as stored in the file).
  public struct Layer: Equatable, Sendable {
    public var name: String
    public var rows: Int
    public var cols: Int
    public var offset: Int
    public var count: Int
    public init(name: String, rows: Int, cols: Int, offset: Int, count: Int) {
      self.name = name; self.rows = rows; self.cols = cols; self.offset = offset; self.count = count
    }
  }

  public static let magic: [UInt8] = Array("HWCKPT01".utf8)
  /// The version this build writes.
  public static let version: UInt32 = 4
  /// Versions this build reads.
  public static let readableVersions: ClosedRange<UInt32> = 1...4
  /// The most layers a table may hold (the segment's HW_MAX_LAYERS; a test
  /// keeps the two equal).
  public static let maxLayers = 32

  public var envID: String
  public var algorithm: String
  public var globalSteps: UInt64
  public var globalUpdates: UInt64
  public var layers: [Layer]
  public var parameters: [Float]
  public var optimizerStatistics: [Float]
  /// Per-rank counters (empty in version 1).
  public var workers: [WorkerCounters]
  /// config.json's text ("" in version 1).
  public var configText: String
  /// The last-100 training-episode window, oldest first (empty in version 1).
  public var recentReturns: [Double]
  /// The last-100 greedy test-episode window, oldest first (empty before version 4).
  public var recentTestReturns: [Double]
  /// Training episodes written to metrics.csv so far.
  public var episodes: UInt64
  /// Test episodes written to metrics.csv so far (0 before version 4).
  public var testEpisodes: UInt64
  /// Wall-clock seconds trained so far (over every resume).
  public var wallSeconds: Double
  public var solvedAtStep: UInt64?
  public var solvedAtSeconds: Double?
  /// The format version the checkpoint was read from (or is written as).
  public var formatVersion: UInt32 = Checkpoint.version

  public init(envID: String, algorithm: String, globalSteps: UInt64, globalUpdates: UInt64,
              layers: [Layer], parameters: [Float], optimizerStatistics: [Float],
              workers: [WorkerCounters] = [], configText: String = "", recentReturns: [Double] = [],
              recentTestReturns: [Double] = [], episodes: UInt64 = 0, testEpisodes: UInt64 = 0,
              wallSeconds: Double = 0,
              solvedAtStep: UInt64? = nil, solvedAtSeconds: Double? = nil) {
    self.envID = envID
    self.algorithm = algorithm
    self.globalSteps = globalSteps
    self.globalUpdates = globalUpdates
    self.layers = layers
    self.parameters = parameters
    self.optimizerStatistics = optimizerStatistics
    self.workers = workers
    self.configText = configText
    self.recentReturns = recentReturns
    self.recentTestReturns = recentTestReturns
    self.episodes = episodes
    self.testEpisodes = testEpisodes
    self.wallSeconds = wallSeconds
    self.solvedAtStep = solvedAtStep
    self.solvedAtSeconds = solvedAtSeconds
  }

  static let fixedHeaderBytes = 176
  static let fixedHeaderBytesV3 = 160
  static let fixedHeaderBytesV1 = 112
  static let notSolved = UInt64.max
  /// The largest counter (T, U, episodes…) a checkpoint may hold: 2^60, far
  /// past any run (T_max is at most 10^15) and far from wrapping around.
  public static let maxCounter: UInt64 = 1 << 60
  /// The longest wall time a checkpoint may hold: 100 years.
  public static let maxSeconds = 3.2e9
  /// The most floats θ or g may hold (2^31: 8 GiB, more than any network here).
  public static let maxFloats: UInt64 = 1 << 31

  /// The file's bytes (always the current version).
  public func encoded() -> [UInt8] {
    let config = Array(configText.utf8)
    var w = ByteWriter()
    w.bytes(Self.magic)
    w.u32(Self.version)
    w.u32(UInt32(Self.fixedHeaderBytes + 64 * layers.count))
    w.u64(UInt64(parameters.count))
    w.u64(UInt64(optimizerStatistics.count))
    w.u64(globalSteps)
    w.u64(globalUpdates)
    w.fixedString(envID, 48)
    w.fixedString(algorithm, 8)
    w.u32(UInt32(layers.count))
    w.u32(UInt32(workers.count))
    w.u32(UInt32(config.count))
    w.u32(UInt32(recentReturns.count))
    w.u64(episodes)
    w.u64(wallSeconds.bitPattern)
    w.u64(solvedAtStep ?? Self.notSolved)
    w.u64((solvedAtSeconds ?? 0).bitPattern)
    w.u32(UInt32(recentTestReturns.count))
    w.u32(0)
    w.u64(testEpisodes)
    w.u64(0)
    for l in layers {
      w.fixedString(l.name, 40)
      w.u32(UInt32(l.rows)); w.u32(UInt32(l.cols))
      w.u64(UInt64(l.offset)); w.u64(UInt64(l.count))
    }
    for f in parameters { w.u32(f.bitPattern) }
    for f in optimizerStatistics { w.u32(f.bitPattern) }
    for c in workers {
      w.u64(c.steps); w.u64(c.episodes); w.u64(c.updates)
      for word in c.randomState.prefix(4) + [UInt64](repeating: 0, count: max(0, 4 - c.randomState.count)) {
        w.u64(word)
      }
      w.u64(c.testEpisodes); w.u64(c.testSteps)
    }
    w.bytes(config)
    for r in recentReturns { w.u64(r.bitPattern) }
    for r in recentTestReturns { w.u64(r.bitPattern) }
    w.u64(fnv1a64(w.out))
    return w.out
  }

  /// Why a checkpoint could not be read.
  public enum DecodeError: Error, Equatable, CustomStringConvertible, Sendable {
    case truncated
    case notACheckpoint
    case unsupportedVersion(UInt32)
    case checksumMismatch
    case corrupt(String)
    public var description: String {
      switch self {
      case .truncated: "checkpoint is truncated"
      case .notACheckpoint: "not a hogwild-rl checkpoint (bad magic)"
      case .unsupportedVersion(let v):
        "checkpoint format version \(v) is not supported (this build reads 1 to \(Checkpoint.version))"
      case .checksumMismatch: "checkpoint is corrupted (checksum mismatch)"
      case .corrupt(let why): "checkpoint is corrupted: \(why)"
      }
    }
  }

  /// Parses and verifies a checkpoint file's bytes (versions 1 to 4).
  public init(decoding data: [UInt8]) throws(DecodeError) {
    guard data.starts(with: Self.magic.prefix(data.count)) else { throw .notACheckpoint }
    guard data.count >= 8 else { throw .truncated }
    guard data.count >= 12 else { throw .truncated }
    var r = ByteReader(data)
    r.position = 8
    let version = r.u32()
    guard Self.readableVersions.contains(version) else { throw .unsupportedVersion(version) }
    let fixed = version == 1 ? Self.fixedHeaderBytesV1 : version <= 3 ? Self.fixedHeaderBytesV3 : Self.fixedHeaderBytes
    guard data.count >= fixed + 8 else { throw .truncated }
    let headerBytes = Int(r.u32())
    let p = r.u64(), g = r.u64()
    let steps = r.u64()
    let updates = r.u64()
    let env = r.fixedString(48)
    let algo = r.fixedString(8)
    let nLayers = Int(r.u32())
    var nWorkers = 0, configBytes = 0, nReturns = 0, nTestReturns = 0
    var episodes: UInt64 = 0, testEpisodes: UInt64 = 0
    var wall = 0.0, solvedStep = Self.notSolved, solvedSeconds = 0.0
    if version == 1 {
      _ = r.u32()
    } else {
      nWorkers = Int(r.u32())
      configBytes = Int(r.u32())
      nReturns = Int(r.u32())
      episodes = r.u64()
      wall = Double(bitPattern: r.u64())
      solvedStep = r.u64()
      solvedSeconds = Double(bitPattern: r.u64())
      if version >= 4 {
        nTestReturns = Int(r.u32())
        _ = r.u32()
        testEpisodes = r.u64()
      }
      _ = r.u64()
    }
    guard nLayers <= Self.maxLayers, headerBytes == fixed + 64 * nLayers else {
      throw .corrupt("layer table")
    }
    guard nWorkers <= 256, nReturns <= 100, nTestReturns <= 100 else { throw .corrupt("worker or window counts") }
    let (floats, o1) = p.addingReportingOverflow(g)
    let (floatBytes, o2) = floats.multipliedReportingOverflow(by: 4)
    let workerBytes = version >= 4 ? 72 : version == 3 ? 56 : 24
    let extra = UInt64(workerBytes * nWorkers + configBytes + 8 * (nReturns + nTestReturns))
    let (expected, o3) = (UInt64(headerBytes) + extra + 8).addingReportingOverflow(floatBytes)
    // Shorter than its header says: truncated (the checksum then fails too).
    if !o1, !o2, !o3, UInt64(data.count) < expected { throw .truncated }
    guard !o1, !o2, !o3, UInt64(data.count) == expected else {
      throw .corrupt("sizes do not match the file length")
    }
    let stored = ByteReader(data, at: data.count - 8).peekU64()
    guard fnv1a64(data[0..<(data.count - 8)]) == stored else { throw .checksumMismatch }
    // The checksum proves the bytes are as written, not that what was written
    // is sane: every field is checked before anything uses it.
    var layers: [Layer] = []
    for _ in 0..<nLayers {
      let name = r.fixedString(40)
      let rows = UInt64(r.u32()), cols = UInt64(r.u32())
      let offset = r.u64(), count = r.u64()
      let (cells, o) = rows.multipliedReportingOverflow(by: cols)
      guard offset <= p, count <= p - offset else { throw .corrupt("layer \(name) lies outside θ") }
      guard !o, cells == count else { throw .corrupt("layer \(name): \(rows) × \(cols) is not its \(count) values") }
      layers.append(Layer(name: name, rows: Int(rows), cols: Int(cols), offset: Int(offset), count: Int(count)))
    }
    guard p <= Self.maxFloats, g <= Self.maxFloats else { throw .corrupt("θ or g is larger than any network") }
    let parameters = (0..<Int(p)).map { _ in Float(bitPattern: r.u32()) }
    let statistics = (0..<Int(g)).map { _ in Float(bitPattern: r.u32()) }
    // A run never checkpoints a non-finite θ, and RMSProp's g is a decaying
    // mean of squares: neither may poison a resumed run or an eval.
    if let bad = parameters.firstIndex(where: { !$0.isFinite }) { throw .corrupt("θ[\(bad)] is not finite") }
    if let bad = statistics.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
      throw .corrupt("g[\(bad)] is not a finite non-negative number")
    }
    let workers = (0..<nWorkers).map { _ in
      WorkerCounters(steps: r.u64(), episodes: r.u64(), updates: r.u64(),
                     randomState: version >= 3 ? (0..<4).map { _ in r.u64() } : [0, 0, 0, 0],
                     testEpisodes: version >= 4 ? r.u64() : 0, testSteps: version >= 4 ? r.u64() : 0)
    }
    let configSlice = data[r.position..<(r.position + configBytes)]
    r.position += configBytes
    guard let config = String(validating: configSlice, as: UTF8.self) else { throw .corrupt("config is not UTF-8") }
    let returns = (0..<nReturns).map { _ in Double(bitPattern: r.u64()) }
    let testReturns = (0..<nTestReturns).map { _ in Double(bitPattern: r.u64()) }
    // Counters a resumed run keeps counting from: far below any wrap-around.
    let counters = [("T", steps), ("U", updates), ("episodes", episodes), ("test episodes", testEpisodes)]
      + workers.enumerated().flatMap { (rank, w) in
        [("rank \(rank) t", w.steps), ("rank \(rank) episodes", w.episodes), ("rank \(rank) updates", w.updates),
         ("rank \(rank) test episodes", w.testEpisodes), ("rank \(rank) test steps", w.testSteps)]
      }
    for (what, value) in counters where value > Self.maxCounter {
      throw .corrupt("counter \(what) is \(value), beyond any run (at most \(Self.maxCounter))")
    }
    guard wall.isFinite, wall >= 0, wall <= Self.maxSeconds else { throw .corrupt("wall seconds \(wall) is out of range") }
    if solvedStep != Self.notSolved {
      guard solvedStep <= Self.maxCounter, solvedSeconds.isFinite, solvedSeconds >= 0, solvedSeconds <= Self.maxSeconds else {
        throw .corrupt("solved at step \(solvedStep), \(solvedSeconds) s is out of range")
      }
    }
    self.init(envID: env, algorithm: algo, globalSteps: steps, globalUpdates: updates, layers: layers,
              parameters: parameters, optimizerStatistics: statistics, workers: workers,
              configText: config, recentReturns: returns, recentTestReturns: testReturns,
              episodes: episodes, testEpisodes: testEpisodes, wallSeconds: wall,
              solvedAtStep: solvedStep == Self.notSolved ? nil : solvedStep,
              solvedAtSeconds: solvedStep == Self.notSolved ? nil : solvedSeconds)
    formatVersion = version
  }
}

/// FNV-1a, 64-bit: a simple, dependency-free corruption check.
public func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
  return h
}
struct ByteWriter {
  var out: [UInt8] = []
  mutating func bytes(_ b: [UInt8]) { out += b }
  mutating func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
  mutating func u64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
  mutating func fixedString(_ s: String, _ n: Int) {
    var b = Array(s.utf8.prefix(n - 1))
    b += [UInt8](repeating: 0, count: n - b.count)
    out += b
  }
}

struct ByteReader {
  let data: [UInt8]
  var position: Int
  init(_ data: [UInt8], at position: Int = 0) { self.data = data; self.position = position }
  mutating func u32() -> UInt32 {
    var v: UInt32 = 0
    for i in 0..<4 { v |= UInt32(data[position + i]) << (8 * i) }
    position += 4
    return v
  }
  mutating func u64() -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(data[position + i]) << (8 * UInt64(i)) }
    position += 8
    return v
  }
  func peekU64() -> UInt64 {
    var copy = self
    return copy.u64()
  }
  mutating func fixedString(_ n: Int) -> String {
    let slice = data[position..<(position + n)]
    position += n
    let end = slice.firstIndex(of: 0) ?? slice.endIndex
    return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
  }
}
