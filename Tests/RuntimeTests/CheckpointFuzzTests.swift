import Formats
import HogwildSegment
import Runtime
import BuiltInEnvs
import Testing

/// The checkpoint reader faces files from disk: random bytes, truncations
/// and corruptions of a real checkpoint must all be refused with a typed
/// error (or, if they happen to be valid, decode consistently) — never crash.
@Suite struct CheckpointFuzzTests {
  static let real = Checkpoint(
    envID: "CartPole-v1", algorithm: "a3c", globalSteps: 99, globalUpdates: 5,
    layers: [Checkpoint.Layer(name: "w", rows: 3, cols: 4, offset: 0, count: 12),
             Checkpoint.Layer(name: "b", rows: 1, cols: 4, offset: 12, count: 4)],
    parameters: (0..<16).map { Float($0) / 7 },
    optimizerStatistics: (0..<16).map { Float($0) / 100 })

  @Test func randomAndMutatedFilesNeverCrashTheReader() {
    var rng = SplitMix64(seed: 7)
    let good = Self.real.encoded()
    var refused = 0
    for trial in 0..<3_000 {
      var bytes: [UInt8]
      switch trial % 3 {
      case 0:  // pure noise, sometimes behind the right magic
        bytes = (0..<Int.random(in: 0...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        if Bool.random(using: &rng) { bytes = Array("HWCKPT01".utf8) + bytes }
      case 1:  // a real file, cut short
        bytes = Array(good.prefix(Int.random(in: 0..<good.count, using: &rng)))
      default:  // a real file with a few bytes changed
        bytes = good
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
          bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
      }
      do {
        let c = try Checkpoint(decoding: bytes)
        // Anything accepted must be self-consistent.
        #expect(c.layers.allSatisfy { $0.offset >= 0 && $0.offset + $0.count <= c.parameters.count })
      } catch {
        refused += 1
        #expect(!error.description.isEmpty)
      }
    }
    #expect(refused > 2_900, "refused only \(refused) of 3000 damaged files")
  }
}
