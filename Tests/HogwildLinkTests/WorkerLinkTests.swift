import BuiltInEnvs
import Glibc
import HogwildLink
import HogwildSegment
import Testing

@Suite struct WorkerLinkTests {
  func makeLink(_ tag: String, prepare: (SharedSegment) -> Void = { _ in }) throws -> (SharedSegment, WorkerLink) {
    let name = "/hogwild-rl-test.link.\(getpid()).\(tag).\(UInt32.random(in: 0...UInt32.max))"
    let seg = try SharedSegment.create(
      name: name, layout: try SegmentLayout(parameterCount: 8, optimizerCount: 8, workerCount: 2))
    try SharedSegment.unlink(name: name)
    seg.header.tMax = 100
    seg.publish()
    seg.header.state = .running
    prepare(seg)
    let link = WorkerLink(segment: seg, rank: 1, optimizer: .sharedRMSProp, mode: .hogwild,
                          rmsAlpha: 0.99, rmsEpsilon: 0.1, delay: .none, seed: 5)
    return (seg, link)
  }

  @Test func aFreshRankDrawsItsOwnStream() throws {
    let (seg, link) = try makeLink("fresh")  // the link's views need the mapping alive
    withExtendedLifetime(seg) {
      #expect(link.trainingRandomSource(seed: 5) == Xoshiro256(seed: 5, stream: 1))
    }
  }

  @Test func aResumedRankContinuesTheSavedStateAndSavesItsOwn() throws {
    let (seg, link) = try makeLink("resumed") { $0.slot(1).randomState = [11, 22, 33, 44] }
    let rng = link.trainingRandomSource(seed: 5)
    #expect([rng.s0, rng.s1, rng.s2, rng.s3] == [11, 22, 33, 44])
    var next = rng
    _ = next.next()
    link.saveRandomState(next)
    #expect(seg.slot(1).randomState == [next.s0, next.s1, next.s2, next.s3])
  }

  @Test func aRestartedRankIgnoresTheSavedStateAndTakesANewStream() throws {
    let (seg, link) = try makeLink("restarted") {
      $0.slot(1).randomState = [11, 22, 33, 44]
      $0.slot(1).restarts = 2
    }
    withExtendedLifetime(seg) {
      let rng = link.trainingRandomSource(seed: 5)
      #expect(rng == Xoshiro256(seed: 5, stream: 1 | 2 << 32))
      #expect(rng != Xoshiro256(seed: 5, stream: 1))
    }
  }
}
