// WorkerLinkPartsTests.swift — the link's jobs through its public face:
// θ reads and writes (the refresh in passing, staleness), θ⁻ (copied once
// per interval, re-read only when new), T and t, and episodes in the ring.

import BuiltInEnvs
import Glibc
import HogwildLink
import HogwildSegment
import Testing

@Suite struct WorkerLinkPartsTests {
  /// A published, running segment of 8 parameters (and 8 of θ⁻) for 2
  /// workers, T_max 100, and rank 1's link with plain SGD.
  func makeLink(_ tag: String) throws -> (SharedSegment, WorkerLink) {
    let name = "/hogwild-rl-test.parts.\(getpid()).\(tag).\(UInt32.random(in: 0...UInt32.max))"
    let seg = try SharedSegment.create(
      name: name, layout: try SegmentLayout(parameterCount: 8, optimizerCount: 8, targetCount: 8, workerCount: 2))
    try SharedSegment.unlink(name: name)
    seg.header.tMax = 100
    try seg.initializeLock()
    seg.publish()
    seg.header.state = .running
    seg.parameters.write((0..<8).map(Float.init))
    let link = WorkerLink(segment: seg, rank: 1, optimizer: .sgd, mode: .hogwild,
                          rmsAlpha: 0.99, rmsEpsilon: 0.1, delay: .none, seed: 5)
    return (seg, link)
  }

  @Test func aPushRefreshesTheLocalCopySoTheNextPullCopiesNothing() throws {
    var (seg, link) = try makeLink("refresh")
    var local = [Float](repeating: -1, count: 8)
    link.pullParameters(into: &local)
    #expect(local == (0..<8).map(Float.init))
    link.pushGradient([Float](repeating: 2, count: 8), learningRate: 0.5, refreshing: &local)
    #expect(local == (0..<8).map { Float($0) - 1 })
    #expect(seg.parameters.snapshot == local)
    // Another worker writes θ: the first pull keeps the refreshed copy,
    // the next one reads θ again.
    seg.parameters.write([Float](repeating: 7, count: 8))
    link.pullParameters(into: &local)
    #expect(local == (0..<8).map { Float($0) - 1 })
    link.pullParameters(into: &local)
    #expect(local == [Float](repeating: 7, count: 8))
  }

  @Test func stalenessCountsTheUpdatesAppliedBetweenReadAndWrite() throws {
    var (seg, link) = try makeLink("stale")
    var local = [Float](repeating: 0, count: 8)
    link.pullParameters(into: &local)
    _ = seg.header.globalUpdates.add(3)  // three updates by others
    let staleness = link.pushGradient([Float](repeating: 0, count: 8), learningRate: 0.1)
    #expect(staleness == 3)
    #expect(seg.header.globalUpdates.load() == 4)
    #expect(seg.slot(1).updates == 1)
    #expect(seg.slot(1).stalenessMax == 3)
  }

  @Test func theTargetIsCopiedOncePerIntervalAndReReadOnlyWhenNew() throws {
    var (seg, link) = try makeLink("target")
    let crossed = link.syncTargetIfDue(globalStepsBefore: 990, steps: 20, interval: 1000)
    #expect(crossed)
    #expect(seg.targetParameters.snapshot == seg.parameters.snapshot)
    let again = link.syncTargetIfDue(globalStepsBefore: 1010, steps: 20, interval: 1000)
    #expect(!again)
    var local = [Float](repeating: -1, count: 8)
    let copied = link.pullTarget(into: &local)
    #expect(copied)
    #expect(local == (0..<8).map(Float.init))
    seg.targetParameters.write([Float](repeating: 9, count: 8))
    let copiedAgain = link.pullTarget(into: &local)
    #expect(!copiedAgain, "same version: not re-read")
    #expect(local == (0..<8).map(Float.init))
  }

  @Test func stepsCountGloballyAndPerWorkerUntilTMax() throws {
    var (seg, link) = try makeLink("steps")
    _ = seg.header.globalSteps.add(10)  // another worker's
    let first = link.addSteps(20), second = link.addSteps(30)
    #expect(first == 10 && second == 30)
    #expect(link.globalSteps == 60 && link.workerSteps == 50)
    #expect(!link.shouldStop)
    link.addSteps(40)
    #expect(link.shouldStop)
    seg.header.globalSteps.store(0)
    #expect(!link.shouldStop)
    seg.header.state = .stopping
    #expect(link.shouldStop)
  }

  @Test func episodesReachTheRingNumberedByKind() throws {
    var (seg, link) = try makeLink("episodes")
    link.finishEpisode(return: 3, length: 3, globalStep: 7)
    link.finishEpisode(return: 5, length: 5, globalStep: 12)
    link.addSteps(12)
    link.finishTestEpisode(return: 9, length: 9)
    let ring = seg.episodeRing
    let records: [EpisodeRecord] = (0..<ring.published).compactMap {
      if case .ready(let r) = ring.read(ticket: $0) { return r } else { return nil }
    }
    #expect(records.map(\.kind) == [.training, .training, .test])
    #expect(records.map(\.episode) == [0, 1, 0])
    #expect(records.map(\.globalStep) == [7, 12, 12])
    #expect(records.allSatisfy { $0.worker == 1 })
    #expect(seg.slot(1).episodes == 2 && link.testEpisodes == 1)
    #expect(seg.slot(1).testSteps == 9 && link.workerSteps == 12)
  }
}
