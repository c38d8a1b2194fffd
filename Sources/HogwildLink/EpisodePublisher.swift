// EpisodePublisher.swift — finished episodes, from a worker to the
// supervisor through the episode ring: training episodes numbered per
// worker, greedy test episodes numbered apart (kind `test`), and the
// worker's slot figures that `dump` shows.

import HogwildSegment
import HogwildSys

/// One worker's episodes.
struct EpisodePublisher {
  let rank: Int
  let ring: EpisodeRing
  let slot: WorkerSlot
  /// Training episodes this worker published (over restarts and resumes).
  var count: UInt64

  init(rank: Int, ring: EpisodeRing, slot: WorkerSlot) {
    self.rank = rank
    self.ring = ring
    self.slot = slot
    count = slot.episodes
  }

  /// A training episode that ended at global step `globalStep`.
  mutating func publish(return ret: Double, length: Int, globalStep: UInt64) {
    ring.publish(EpisodeRecord(
      globalStep: globalStep, endNanoseconds: MonotonicClock.now, worker: rank,
      episode: count, length: length, episodeReturn: ret))
    count += 1
    slot.episodes = count
    slot.lastReturn = ret
    slot.lastLength = UInt64(length)
  }

  /// Greedy test episodes published so far.
  var testCount: UInt64 { slot.testEpisodes }

  /// A test episode, at global step `globalStep`: its steps go to the
  /// slot's test count, not to t or T.
  func publishTest(return ret: Double, length: Int, globalStep: UInt64) {
    let index = slot.testEpisodes
    ring.publish(EpisodeRecord(
      globalStep: globalStep, endNanoseconds: MonotonicClock.now, worker: rank,
      episode: index, length: length, episodeReturn: ret, kind: .test))
    slot.testEpisodes = index + 1
    slot.testSteps = slot.testSteps &+ UInt64(length)
  }
}
