import Algorithms
import BuiltInEnvs
import Formats
import Foundation
import Glibc
import Runtime
import Testing

/// Structure-aware fuzzing of checkpoint.bin: a real checkpoint of a real
/// run (its config, layer table and θ), each field in turn set to hostile
/// values — 0, 1, the largest integers, 2^63 − 1, NaN, ±∞, 1e300 — and the
/// checksum made valid again, so every mutant reaches the field checks
/// behind it. Everything `eval`, `export` and `run --resume` do with a
/// decoded checkpoint then runs on what was accepted: loading it against
/// its config, the policy's forward pass for a short episode, the export.
/// Refused or accepted, nothing may trap. Seeded and bounded (a few seconds).
@Suite struct CheckpointStructureFuzzTests {
  /// A small real run's checkpoint: CartPole, A3C, one hidden layer of 8.
  static func realCheckpoint() -> Checkpoint {
    var config = RunConfig()
    config.procs = 2
    config.hyperparameters.hidden = [8]
    let algorithm = AlgorithmFactory.make(config.algorithm, hyperparameters: config.hyperparameters, spec: config.envSpec)
    let theta = algorithm.initialParameters(seed: 3)
    return Checkpoint(
      envID: config.env.label, algorithm: config.algorithm.rawValue, globalSteps: 5_000, globalUpdates: 250,
      layers: algorithm.layers.map(Checkpoint.Layer.init), parameters: theta,
      optimizerStatistics: theta.map { $0 * $0 },
      workers: [WorkerCounters(steps: 2_500, episodes: 100, updates: 125, randomState: [1, 2, 3, 4]),
                WorkerCounters(steps: 2_500, episodes: 90, updates: 125, randomState: [5, 6, 7, 8])],
      configText: config.json.serialized(indent: true) + "\n", recentReturns: [10, 20, 30],
      episodes: 190, wallSeconds: 1.5, solvedAtStep: 4_000, solvedAtSeconds: 1.2)
  }

  /// The fields of format 4 worth attacking: (name, byte offset, width).
  static func fields(of c: Checkpoint, bytes: [UInt8]) -> [(String, Int, Int)] {
    var out: [(String, Int, Int)] = [
      ("version", 8, 4), ("header bytes", 12, 4), ("θ count", 16, 8), ("g count", 24, 8), ("T", 32, 8), ("U", 40, 8),
      ("layer count", 104, 4), ("workers", 108, 4), ("config bytes", 112, 4), ("returns", 116, 4),
      ("episodes", 120, 8), ("wall seconds", 128, 8), ("solved step", 136, 8), ("solved seconds", 144, 8),
      ("test returns", 152, 4), ("test episodes", 160, 8),
    ]
    for i in 0..<c.layers.count {
      let base = 176 + 64 * i
      out += [("layer \(i) rows", base + 40, 4), ("layer \(i) cols", base + 44, 4),
              ("layer \(i) offset", base + 48, 8), ("layer \(i) count", base + 56, 8)]
    }
    let theta = 176 + 64 * c.layers.count
    out += [("θ[0]", theta, 4), ("θ[last]", theta + 4 * (c.parameters.count - 1), 4)]
    let g = theta + 4 * c.parameters.count
    out += [("g[0]", g, 4)]
    let workers = g + 4 * c.optimizerStatistics.count
    for w in 0..<c.workers.count {
      for (k, name) in ["t", "episodes", "updates", "rng0", "rng1", "rng2", "rng3", "test episodes", "test steps"].enumerated() {
        out.append(("rank \(w) \(name)", workers + 72 * w + 8 * k, 8))
      }
    }
    let returns = bytes.count - 8 - 8 * c.recentReturns.count
    out += [("return[0]", returns, 8)]
    return out
  }

  static let hostile64: [UInt64] = [
    0, 1, 2, 255, 1 << 31, UInt64(UInt32.max), 1 << 32, 1 << 53, UInt64(Int64.max), 1 << 63, UInt64.max, UInt64.max - 1,
    Double.nan.bitPattern, Double.infinity.bitPattern, (-Double.infinity).bitPattern, (1e300).bitPattern,
    (-1e300).bitPattern, (-1.0).bitPattern, Double.leastNonzeroMagnitude.bitPattern,
  ]
  static let hostile32: [UInt64] = [
    0, 1, 2, 7, 32, 33, 100, 101, 256, 257, 1 << 16, UInt64(Int32.max), 1 << 31, UInt64(UInt32.max),
    UInt64(Float.nan.bitPattern), UInt64(Float.infinity.bitPattern), UInt64((-Float.infinity).bitPattern),
    UInt64((-1 as Float).bitPattern), UInt64((3e38 as Float).bitPattern),
  ]

  static func poke(_ bytes: inout [UInt8], _ offset: Int, _ width: Int, _ value: UInt64) {
    for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
  }

  /// FNV-1a 64 over everything but the last 8 bytes, written there.
  static func reseal(_ bytes: inout [UInt8]) {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes[0..<(bytes.count - 8)] { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    poke(&bytes, bytes.count - 8, 8, h)
  }

  /// What `eval`, `export` and `--resume` do with a checkpoint file, short
  /// of forking: load it against its config, run its policy, export it.
  /// Returns whether it was accepted.
  static func use(_ bytes: [UInt8], at path: String) -> Bool {
    _ = bytes.withUnsafeBytes { FileManager.default.createFile(atPath: path, contents: Data($0)) }
    guard let loaded = try? LoadedCheckpoint(path: path) else { return false }
    // Everything accepted is sane.
    let finite = loaded.checkpoint.parameters.allSatisfy { $0.isFinite }
    #expect(finite)
    #expect(loaded.checkpoint.globalSteps <= Checkpoint.maxCounter && loaded.checkpoint.episodes <= Checkpoint.maxCounter)
    #expect(loaded.checkpoint.wallSeconds.isFinite && loaded.checkpoint.wallSeconds >= 0)
    if let env = try? loaded.config.env.make(options: loaded.config.envOptions, seed: 1) {
      _ = loaded.policy.evaluate(env, episodes: 1, greedy: true, seed: 1)
      _ = loaded.policy.evaluate(env, episodes: 1, greedy: false, seed: 2)
    }
    _ = try? PolicyExport(loaded)
    return true
  }

  @Test func everyFieldAtEveryHostileValueIsRefusedOrSane() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hogwild-ckfuzz-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let path = scratch.appendingPathComponent("checkpoint.bin").path
    let real = Self.realCheckpoint()
    let good = real.encoded()
    #expect(Self.use(good, at: path), "the real checkpoint must load")
    var refused = 0, tried = 0
    for (name, offset, width) in Self.fields(of: real, bytes: good) {
      for value in width == 8 ? Self.hostile64 : Self.hostile32 {
        var bytes = good
        Self.poke(&bytes, offset, width, value)
        Self.reseal(&bytes)
        tried += 1
        if !Self.use(bytes, at: path) { refused += 1 }
        _ = name
      }
    }
    // Most hostile values are refused; the few kept are ordinary numbers in
    // ordinary fields (a return of -1, a T of 1).
    #expect(refused > tried / 2, "refused \(refused) of \(tried)")
  }

  /// The three crafted files of the attack report: each one line, no trap.
  @Test func theReportedCheckpointsAreRefused() throws {
    let real = Self.realCheckpoint()
    let good = real.encoded()
    let layerOffset = 176 + 48
    for (offset, width, value, why) in [
      (layerOffset, 8, UInt64(Int64.max), "lies outside θ"),
      (120, 8, UInt64.max, "episodes"),
      (128, 8, (1e300).bitPattern, "wall seconds"),
    ] {
      var bytes = good
      Self.poke(&bytes, offset, width, value)
      Self.reseal(&bytes)
      #expect(throws: Checkpoint.DecodeError.self) { try Checkpoint(decoding: bytes) }
      do { _ = try Checkpoint(decoding: bytes) } catch { #expect(error.description.contains(why), "\(error)") }
    }
  }

  /// A random walk over the same fields: several at once, random values.
  @Test func randomCombinationsOfHostileFields() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hogwild-ckfuzz-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let path = scratch.appendingPathComponent("checkpoint.bin").path
    let real = Self.realCheckpoint()
    let good = real.encoded()
    let fields = Self.fields(of: real, bytes: good)
    var rng = SplitMix64(seed: 27)
    for _ in 0..<200 {
      var bytes = good
      for _ in 0..<Int.random(in: 2...4, using: &rng) {
        let (_, offset, width) = fields[Int.random(in: 0..<fields.count, using: &rng)]
        let pool = width == 8 ? Self.hostile64 : Self.hostile32
        let value = Bool.random(using: &rng) ? pool[Int.random(in: 0..<pool.count, using: &rng)] : rng.next()
        Self.poke(&bytes, offset, width, value)
      }
      Self.reseal(&bytes)
      _ = Self.use(bytes, at: path)
    }
  }
}
