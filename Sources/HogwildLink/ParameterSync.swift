// ParameterSync.swift — θ as one worker reads and writes it: θ′ ← θ with
// the update count U it was read at, and dθ into θ through the run's
// GradientApplier (Hogwild!, atomic or locked), U ← U + 1 and the update's
// staleness recorded: the updates other workers applied between the read
// and the write. With `--stale-updates K` reads and writes go through the
// ticket protocol instead (StaleTurns.swift).

import HogwildSegment

/// One worker's reads of θ and writes into it.
struct ParameterSync {
  let theta: SharedFloats
  let U: SharedCounter
  let slot: WorkerSlot
  var applier: GradientApplier
  /// Training a private θ: staleness is 0 by construction.
  let independent: Bool
  /// U when θ was last read: the version the next gradient is computed on.
  var readVersion: UInt64 = 0
  /// θ′ was refreshed by the last push and not yet used.
  var localIsFresh = false

  /// θ′ ← θ, unless the last push already refreshed θ′ in its pass over θ.
  mutating func pull(into local: inout [Float]) {
    if localIsFresh {
      localIsFresh = false
      return
    }
    read(into: &local)
  }

  /// θ′ ← θ, recording U.
  mutating func read(into local: inout [Float]) {
    readVersion = U.load()
    theta.copy(into: &local)
  }

  /// θ ← θ − step(gradient), then U ← U + 1. Returns the staleness.
  mutating func push(_ gradient: [Float], learningRate: Float) -> UInt64 {
    let staleness = currentStaleness()
    applier.apply(gradient, learningRate: learningRate)
    finishPush(staleness)
    return staleness
  }

  /// `push`, and θ′ ← θ in the same pass: every new value of θ is also
  /// written into `local`, so the next `pull` copies nothing. One pass over
  /// shared θ per update instead of two halves the cache lines pulled from
  /// other cores.
  mutating func push(_ gradient: [Float], learningRate: Float, refreshing local: inout [Float]) -> UInt64 {
    let staleness = currentStaleness()
    applier.apply(gradient, learningRate: learningRate, refreshing: &local)
    finishPush(staleness)
    // θ′ now holds θ as of this write, which follows update U − 1 of all.
    readVersion = U.load()
    localIsFresh = true
    return staleness
  }

  private func currentStaleness() -> UInt64 {
    let now = U.load()
    return independent || now < readVersion ? 0 : now - readVersion
  }

  private func finishPush(_ staleness: UInt64) {
    U.add(1)
    slot.updates = slot.updates &+ 1
    slot.recordStaleness(staleness)
  }
}
