import Foundation
import Glibc
import HogwildCLI
import HogwildSegment
import Testing

/// Structure-aware fuzzing of what `dump`, `dump --list`, `clean` and
/// `dump --watch` read from a segment: a real, published segment (layers,
/// hyperparameters, published episodes), each header, slot and episode
/// record field in turn set to hostile values — 0, 1, the largest integers,
/// 2^63, NaN, ±∞, 1e300 — in place, then the readers run on it (in this
/// process: a trap would kill the test). Refused or rendered, never a trap,
/// never a hang. Seeded and bounded (a few seconds).
@Suite(.serialized) struct SegmentStructureFuzzTests {
  static let hostile: [UInt64] = [
    0, 1, 257, (1 << 24) + 1, UInt64(UInt32.max), 1 << 32, 1 << 63, UInt64(Int64.max), UInt64.max,
    Double.nan.bitPattern, Double.infinity.bitPattern, (-Double.infinity).bitPattern, (1e300).bitPattern,
    (-1e300).bitPattern,
  ]

  /// A published segment like a run's, with a few episodes in its ring.
  final class Image {
    let name: String
    let segment: SharedSegment
    let base: UnsafeMutableRawPointer
    let size: Int
    let pristine: [UInt8]
    let layout: SegmentLayout

    init() throws {
      name = Harness.uniqueSegment("fuzz")
      layout = try SegmentLayout(parameterCount: 24, optimizerCount: 24, workerCount: 3, ringCapacity: 16, audit: true)
      segment = try SharedSegment.create(name: name, layout: layout)
      let h = segment.header
      h.envID = "CartPole-v1"
      h.algorithm = "a3c"
      h.layers = [LayerEntry(name: "torso.0.weight", rows: 4, cols: 4, offset: 0, count: 16),
                  LayerEntry(name: "torso.0.bias", rows: 1, cols: 8, offset: 16, count: 8)]
      h.hyperparameters = [("lr", 0.0007), ("gamma", 0.99)]
      segment.parameters.write((0..<24).map { Float($0) / 10 })
      segment.publish()
      for i in 0..<5 {
        segment.episodeRing.publish(EpisodeRecord(globalStep: UInt64(100 * i), endNanoseconds: 1, worker: i % 3,
                                                  episode: UInt64(i), length: 20, episodeReturn: Double(i)))
      }
      for r in 0..<3 { segment.slot(r).recordStaleness(UInt64(r)) }
      // A second, raw mapping of the same object to write hostile values through.
      let fd = shm_open(name, O_RDWR, 0)
      guard fd >= 0 else { throw POSIXError(.EIO) }
      defer { close(fd) }
      size = layout.totalSize
      guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
        throw POSIXError(.EIO)
      }
      base = p
      pristine = Array(UnsafeRawBufferPointer(start: p, count: size))
    }

    deinit {
      munmap(base, size)
      try? SharedSegment.unlink(name: name)
    }

    func poke(_ offset: Int, _ width: Int, _ value: UInt64) {
      for i in 0..<width { base.storeBytes(of: UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))), toByteOffset: offset + i, as: UInt8.self) }
    }

    func restore() {
      pristine.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: size) }
    }

    /// Every reader of a segment outside the supervisor: dump (text and
    /// JSON), dump --watch's frames, the /dev/shm listing of dump --list
    /// and clean. Returns whether dump accepted it.
    func readAll() -> Bool {
      _ = SegmentCatalog.inspect(name)
      switch CLI.dumpOutputs(segment: name) {
      case .success(let outputs):
        #expect(outputs.allSatisfy { !$0.isEmpty })
        // No raw control character reaches a terminal.
        #expect(!outputs[1].unicodeScalars.contains { $0.value == 0x1B })
        return true
      case .failure(let error):
        #expect(!error.description.isEmpty)
        return false
      }
    }
  }

  @Test func everyFieldAtEveryHostileValueIsRefusedOrRendered() throws {
    let image = try Image()
    #expect(image.readAll(), "the pristine segment must be readable")
    var targets: [(String, Int, Int)] = SegmentFields.header().map { ($0.name, $0.offset, $0.width) }
    for rank in [2] {
      targets += SegmentFields.slot.map {
        ("slot \(rank) \($0.name)", image.layout.slotsOffset + rank * SegmentLayout.slotSize + $0.offset, $0.width)
      }
    }
    for record in [4] {
      targets += SegmentFields.record.map {
        ("record \(record) \($0.name)", image.layout.ringOffset + record * SegmentLayout.recordSize + $0.offset, $0.width)
      }
    }
    var rendered = 0
    for (_, offset, width) in targets {
      for value in Self.hostile {
        image.poke(offset, width, value)
        if image.readAll() { rendered += 1 }
        image.restore()
      }
    }
    // Counters and statistics take any value and are still shown.
    #expect(rendered > 0)
  }

  /// The two crafted segments of the attack report.
  @Test func aHugeStalenessHistogramAndOverlappingRegions() throws {
    let image = try Image()
    let slot = SegmentFields.slot
    let hist = slot.first { $0.name == "staleness_hist[0]" }!.offset
    for r in 0..<2 {
      let at = image.layout.slotsOffset + r * SegmentLayout.slotSize + hist
      image.poke(at, 8, 1 << 63)
    }
    #expect(image.readAll(), "a histogram of {2^63, 2^63} saturates instead of trapping")
    image.restore()
    // The slots moved onto the episode ring.
    let slots = SegmentFields.header().first { $0.name == "slots_offset" }!
    image.poke(slots.offset, 8, UInt64(image.layout.ringOffset))
    guard case .failure(let error) = CLI.dumpOutputs(segment: image.name) else {
      Issue.record("overlapping regions were accepted")
      return
    }
    #expect(error.description.contains("overlap"), "\(error)")
  }

  /// Several fields at once, random values, a random walk.
  @Test func randomCombinationsOfHostileFields() throws {
    let image = try Image()
    var fields: [(Int, Int)] = SegmentFields.header().map { ($0.offset, $0.width) }
    fields += SegmentFields.slot.map { (image.layout.slotsOffset + $0.offset, $0.width) }
    fields += SegmentFields.record.map { (image.layout.ringOffset + $0.offset, $0.width) }
    var rng = SplitMix64Generator(seed: 2727)
    for _ in 0..<300 {
      for _ in 0..<Int.random(in: 2...5, using: &rng) {
        let (offset, width) = fields[Int.random(in: 0..<fields.count, using: &rng)]
        let value = Bool.random(using: &rng) ? Self.hostile[Int.random(in: 0..<Self.hostile.count, using: &rng)] : rng.next()
        image.poke(offset, width, value)
      }
      _ = image.readAll()
      image.restore()
    }
  }
}

/// A seeded generator for the fuzzers (SplitMix64).
struct SplitMix64Generator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
