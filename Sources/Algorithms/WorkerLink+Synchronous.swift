// WorkerLink+Synchronous.swift — A2C's side of the link: the barrier rounds
// and the split reduction (see HogwildSegment/GradientExchange.swift).
//
// One round r: wait until every worker applied its slice of round r − 1;
// read θ; roll out; publish dθ in this worker's row; wait until every row of
// round r is written; average the rows over this worker's slice and apply
// it. Waiting workers sleep on a futex and keep their heartbeat, and give up
// as soon as the run is stopping.

import HogwildSegment

extension WorkerLink {
  /// The round this process starts in: the one after the last round whose
  /// slice its rank applied (0 + 1 for a first start). If its predecessor
  /// already published that round's gradient, it was computed on θ as of
  /// the round before, which is what staleness is then measured against.
  public mutating func joinSynchronousRounds() -> UInt64 {
    let round = (exchange?.reducedRound(of: rank) ?? 0) + 1
    syncReadRound = round - 1
    return round
  }

  /// Whether this rank's gradient for `round` is already in its row (a
  /// re-forked worker whose predecessor died after publishing).
  public func hasPublishedGradient(round: UInt64) -> Bool {
    guard let exchange else { return false }
    return exchange.gradientRound(of: rank) >= round
  }

  /// Waits until round − 1 is fully applied, records it as complete (U + 1,
  /// once per round whoever gets there first), then θ′ ← θ. Returns false
  /// if the run stops while waiting.
  public mutating func pullSynchronousParameters(round: UInt64, into local: inout [Float]) -> Bool {
    guard let exchange = exchange else { preconditionFailure("A2C needs a segment with a gradient exchange") }
    guard waitForPeers(until: { exchange.allSlicesApplied(round - 1) }) else { return false }
    if exchange.completeRound(round - 1) { U.add(1) }
    syncReadRound = exchange.completedRounds
    readVersion = U.load()
    theta.copy(into: &local)
    return true
  }

  /// Writes dθ into this worker's row as its gradient of `round`.
  public mutating func publishGradient(_ gradient: [Float], round: UInt64) {
    exchange!.publishGradient(gradient, rank: rank, round: round)
  }

  /// Waits until every worker's gradient of `round` is written. Returns
  /// false if the run stops while waiting.
  public mutating func waitForAllGradients(round: UInt64) -> Bool {
    let exchange = exchange!
    return waitForPeers(until: { exchange.allGradientsWritten(round) })
  }

  /// Averages every row over this worker's slice of θ, applies it with the
  /// run's optimizer and records the gradient's staleness: the rounds
  /// completed since θ′ was read — 0 unless the barrier is broken.
  public mutating func applyMeanGradientSlice(round: UInt64, learningRate: Float) {
    let exchange = exchange!
    exchange.meanGradient(over: ownSlice, into: &sliceGradient)
    let now = exchange.completedRounds
    let staleness = now >= syncReadRound ? now - syncReadRound : 0
    applier.apply(slice: ownSlice, gradient: sliceGradient, learningRate: learningRate)
    slot.updates = slot.updates &+ 1
    slot.recordStaleness(staleness)
    exchange.publishSliceApplied(rank: rank, round: round)
  }

  /// Sleeps until `condition` holds or the run is stopping, keeping the
  /// heartbeat fresh (a worker waiting for a straggler is not hung).
  func waitForPeers(until condition: () -> Bool) -> Bool {
    let (header, T, tMax, slot) = (self.header, self.T, self.tMax, self.slot)
    return exchange!.wait(
      until: condition,
      while: { header.state == .running && T.load() < tMax },
      tick: { slot.heartbeat = WorkerLink.now() })
  }
}
