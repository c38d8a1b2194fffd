import CHogwild
import Glibc
import HogwildSegment
import Testing

/// The bytes of a published segment of one node of a distributed run.
func distributedImage(nodes: Int = 3, node: Int = 1) throws -> (bytes: [UInt8], layout: SegmentLayout) {
  let name = testSegmentName("dist")
  defer { try? SharedSegment.unlink(name: name) }
  let layout = try SegmentLayout(parameterCount: 100, optimizerCount: 100, workerCount: 2, ringCapacity: 64,
                                 distributedNodes: nodes)
  let seg = try SharedSegment.create(name: name, layout: layout)
  seg.distributed!.node = node
  seg.distributed!.syncMode = .sum
  seg.distributed!.syncEveryNanoseconds = 50_000_000
  seg.publish()
  let fd = shm_open(name, O_RDONLY, 0)
  defer { close(fd) }
  var bytes = [UInt8](repeating: 0, count: layout.totalSize)
  let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, layout.totalSize) }
  #expect(n == layout.totalSize)
  return (bytes, layout)
}

@Suite struct DistributedStateTests {
  @Test func aDistributedLayoutPlacesItsRegionsAfterTheOthers() throws {
    let plain = try SegmentLayout(parameterCount: 4675, optimizerCount: 4675, workerCount: 2)
    let d = try SegmentLayout(parameterCount: 4675, optimizerCount: 4675, workerCount: 2, distributedNodes: 4)
    #expect(plain.distributedOffset == 0)
    #expect(d.parametersOffset == plain.parametersOffset && d.slotsOffset == plain.slotsOffset)
    for offset in [d.distributedOffset, d.inboxOffset, d.nodeTableOffset] { #expect(offset % 64 == 0) }
    #expect(d.distributedOffset >= plain.totalSize)
    #expect(d.inboxOffset >= d.distributedOffset + SegmentLayout.distributedSize)
    #expect(d.nodeTableOffset >= d.inboxOffset + d.inboxCapacity * SegmentLayout.recordSize)
    #expect(d.totalSize >= d.nodeTableOffset + 4 * SegmentLayout.nodeStatsSize)
    #expect(throws: SegmentError.self) {
      try SegmentLayout(parameterCount: 1, optimizerCount: 0, workerCount: 1, distributedNodes: SegmentLayout.maxNodes + 1)
    }
  }

  @Test func theValidatorAcceptsANodeAndRefusesACorruptDistributedRegion() throws {
    let (good, layout) = try distributedImage()
    try validate(good)
    let dist = layout.distributedOffset
    // hw_dist: node u32 at 0, nodes u32 at 4, inbox_offset u64 at 24,
    // inbox_capacity u64 at 32, nodes_offset u64 at 40.
    let corruptions: [(String, (inout [UInt8]) -> Void)] = [
      ("no nodes", { poke(&$0, at: dist + 4, UInt32(0)) }),
      ("too many nodes", { poke(&$0, at: dist + 4, UInt32(HW_MAX_NODES + 1)) }),
      ("node beyond nodes", { poke(&$0, at: dist, UInt32(3)) }),
      ("inbox not a power of two", { poke(&$0, at: dist + 32, UInt64(1000)) }),
      ("inbox past the end", { poke(&$0, at: dist + 24, UInt64(layout.totalSize - 64)) }),
      ("node table past the end", { poke(&$0, at: dist + 40, UInt64(layout.totalSize - 64)) }),
      ("dist_offset past the end", { poke(&$0, at: 312, UInt64(layout.totalSize)) }),
      ("dist_offset unaligned", { poke(&$0, at: 312, UInt64(dist + 8)) }),
    ]
    for (what, corrupt) in corruptions {
      var b = good
      corrupt(&b)
      #expect(throws: SegmentError.self, "\(what)") { try validate(b) }
    }
  }

  @Test func stopWordsRoundTripAndTheLargestWins() {
    let stops: [DistributedStop] = [.tMax, .targetReached, .signal(SIGTERM), .signal(SIGINT), .error]
    for s in stops { #expect(DistributedStop(word: s.word) == s) }
    #expect(DistributedStop(word: 0) == nil)
    // The nodes agree on the largest word: an error beats a signal beats the target beats T_max.
    #expect(DistributedStop.error.word > DistributedStop.signal(SIGTERM).word)
    #expect(DistributedStop.signal(SIGINT).word > DistributedStop.targetReached.word)
    #expect(DistributedStop.targetReached.word > DistributedStop.tMax.word)
    // A code from a newer build is read as an error, never as "go on".
    #expect(DistributedStop(word: 0x1700) == .error)
  }

  @Test func theInboxKeepsTheNodeAndTheNodeTableReadsAsASeqlock() throws {
    let name = testSegmentName("inbox")
    defer { try? SharedSegment.unlink(name: name) }
    let layout = try SegmentLayout(parameterCount: 10, optimizerCount: 0, workerCount: 1, distributedNodes: 2)
    let seg = try SharedSegment.create(name: name, layout: layout)
    let d = try #require(seg.distributed)
    #expect(d.nodes == 2 && d.inbox.capacity == layout.inboxCapacity)
    let r = EpisodeRecord(globalStep: 7, endNanoseconds: 9, worker: 1, episode: 3, length: 20, episodeReturn: 20, node: 1)
    d.inbox.publish(r)
    #expect(d.inbox.read(ticket: 0) == .ready(r))
    // Nothing received yet from either node.
    #expect(d.statistics(ofNode: 0) == nil && d.statistics(ofNode: 1) == nil)
    #expect(d.stopRequest == nil && d.stopAgreed == nil && !d.workersStopped && d.phase == .starting)
    d.stopRequest = .signal(SIGTERM)
    #expect(d.stopRequest == .signal(SIGTERM))
  }

  @Test func aPlainSegmentHasNoDistributedState() throws {
    let name = testSegmentName("plain")
    defer { try? SharedSegment.unlink(name: name) }
    let seg = try SharedSegment.create(name: name, layout: try SegmentLayout(parameterCount: 10, optimizerCount: 0, workerCount: 1))
    #expect(seg.distributed == nil)
    #expect(!seg.header.regions.contains { $0.name == "distributed" })
  }
}
