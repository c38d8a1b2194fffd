// Supervisor+Checkpoint.swift — periodic checkpoints (--checkpoint-every)
// and continuing a run from one (run --resume DIR).

import Formats
import HogwildSegment
import HogwildSys

extension Supervisor {
  /// Everything a resumed run needs: θ, g, T, U, every rank's counters, the
  /// config, the last-100 windows, episodes written, wall time and "solved".
  func makeCheckpoint(_ segment: SharedSegment) -> Checkpoint {
    var c = Checkpoint(segment: segment)
    // Ranks a resumed run no longer has keep their totals.
    if let carried = config.resume?.checkpoint.workers, carried.count > c.workers.count {
      c.workers += carried[c.workers.count...]
    }
    c.configText = config.json.serialized(indent: true) + "\n"
    c.recentReturns = trainWindow.returns
    c.recentTestReturns = testWindow.returns
    c.episodes = episodesWritten
    c.testEpisodes = testEpisodesWritten
    c.wallSeconds = Double((trainingEndNanoseconds ?? MonotonicClock.now) &- startNanoseconds) / 1e9
    c.solvedAtStep = solvedAt?.step
    c.solvedAtSeconds = solvedAt?.seconds
    return c
  }

  /// Writes checkpoint.bin when --checkpoint-every says one is due. A failed
  /// write is reported once and does not end the run (the final checkpoint
  /// is tried again at the end).
  func maybeCheckpoint(_ segment: SharedSegment, outDir: String) {
    let due: Bool
    switch config.checkpointEvery {
    case .none:
      return
    case .time(let every):
      let now = MonotonicClock.now
      if nextCheckpointAt == 0 { nextCheckpointAt = now + every }
      due = now >= nextCheckpointAt
      if due { nextCheckpointAt = now + every }
    case .steps(let every):
      let t = segment.header.globalSteps.load()
      if nextCheckpointAt == 0 { nextCheckpointAt = (t / every + 1) * every }
      due = t >= nextCheckpointAt
      if due { nextCheckpointAt = (t / every + 1) * every }
    }
    // A non-finite θ is never written over the last good checkpoint.
    guard due, nonFiniteLayer(segment) == nil else { return }
    do {
      try OutputFiles.writeAtomically(outDir + "/checkpoint.bin", bytes: makeCheckpoint(segment).encoded())
    } catch {
      if !checkpointWriteFailed { log("warning: periodic checkpoint failed: \(error)") }
      checkpointWriteFailed = true
    }
  }

  /// On resume: θ, g, T, U and the per-rank counters into the (filled, not
  /// yet published) segment; the windows, episode counts and "solved" into
  /// the supervisor.
  func restoreFromCheckpoint(_ segment: SharedSegment) {
    // A distributed run's ranks above 0 get θ, g, T and U from rank 0's
    // broadcast; the checkpoint's ranks and windows are rank 0's.
    guard let c = config.resume?.checkpoint, config.writesOutputs else { return }
    let h = segment.header
    segment.parameters.write(c.parameters)
    if segment.optimizerStatistics.count == c.optimizerStatistics.count {
      segment.optimizerStatistics.write(c.optimizerStatistics)
    }
    h.globalSteps.store(c.globalSteps)
    h.globalUpdates.store(c.globalUpdates)
    for (rank, w) in c.workers.enumerated() where rank < config.procs {
      let s = segment.slot(rank)
      s.steps = w.steps
      s.episodes = w.episodes
      s.updates = w.updates
      s.testEpisodes = w.testEpisodes
      s.testSteps = w.testSteps
      // The worker continues its random stream where the checkpoint left it.
      if w.randomState.count == 4 { s.randomState = w.randomState }
    }
    for r in c.recentReturns { trainWindow.add(r) }
    for r in c.recentTestReturns { testWindow.add(r) }
    episodesWritten = c.episodes
    testEpisodesWritten = c.testEpisodes
    if let step = c.solvedAtStep, let seconds = c.solvedAtSeconds { solvedAt = (step, seconds) }
  }

  /// Wall time already trained, so wall_seconds in metrics.csv and
  /// summary.json continue where the checkpoint left off.
  func resumedWallNanoseconds(before now: UInt64) -> UInt64 {
    guard let seconds = config.resume?.checkpoint.wallSeconds, seconds.isFinite, seconds > 0 else { return 0 }
    // The checkpoint's number is untrusted: never more than the clock itself.
    let ns = seconds * 1e9
    return ns >= Double(now) ? now : UInt64(ns)
  }
}
