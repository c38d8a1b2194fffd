// WatchSample.swift — one reading of a segment for `dump --watch`: dump's
// report plus the recent returns from the episode ring, and the rates
// between two readings.

import Formats
import HogwildSegment
import HogwildSys
import Runtime

/// What `dump --watch` read from the segment at one moment (read-only).
struct WatchSample {
  /// dump's report (`SegmentReport.json`).
  var report: JSON
  /// CLOCK_MONOTONIC nanoseconds when it was read.
  var time: UInt64
  var globalSteps: UInt64
  var globalUpdates: UInt64
  /// Each rank's t.
  var workerSteps: [UInt64]
  /// The returns the sparkline draws, oldest first.
  var recentReturns: [Double]
  /// Which episodes those are: greedy test episodes for a value-based run
  /// that has played some (they score it), training episodes otherwise.
  var recentKind: EpisodeKind
  /// Mean of the last (up to) 100 episodes of `recentKind` in the ring.
  var meanReturn100: Double?
  var state: RunState

  /// How many returns the sparkline shows.
  static let sparklineLength = 60

  init(_ seg: SharedSegment) {
    let h = seg.header
    // Counters first, then the report, so rates use one consistent reading.
    time = MonotonicClock.now
    globalSteps = h.globalSteps.load()
    globalUpdates = h.globalUpdates.load()
    state = h.state
    let slots = (0..<h.procs).map(seg.slot)
    workerSteps = slots.map(\.steps)
    report = SegmentReport.json(seg)
    let valueBased = slots.contains { $0.epsilon.isFinite }
    let tests = slots.reduce(UInt64(0)) { $0 &+ $1.testEpisodes }
    recentKind = valueBased && tests > 0 ? .test : .training
    let last100 = seg.episodeRing.recent(100, kind: recentKind).map(\.episodeReturn)
    recentReturns = Array(last100.suffix(Self.sparklineLength))
    meanReturn100 = last100.isEmpty ? nil : last100.reduce(0, +) / Double(last100.count)
  }
}

/// Steps and updates per second between two samples.
struct WatchRates {
  var seconds: Double
  var stepsPerSecond: Double
  var updatesPerSecond: Double
  /// Per rank; empty if the worker count changed.
  var workerStepsPerSecond: [Double]

  /// nil for the first sample (nothing to compare with).
  init?(from old: WatchSample?, to new: WatchSample) {
    guard let old, new.time > old.time else { return nil }
    let dt = Double(new.time - old.time) / 1e9
    // A counter that went down (not expected) counts as no progress.
    func rate(_ a: UInt64, _ b: UInt64) -> Double { b >= a ? Double(b - a) / dt : 0 }
    seconds = dt
    stepsPerSecond = rate(old.globalSteps, new.globalSteps)
    updatesPerSecond = rate(old.globalUpdates, new.globalUpdates)
    workerStepsPerSecond = old.workerSteps.count == new.workerSteps.count
      ? zip(old.workerSteps, new.workerSteps).map { rate($0, $1) } : []
  }
}
