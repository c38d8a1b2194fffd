// SynchronousRounds.swift — A2C's side of the link: the barrier rounds and
// the split reduction (see HogwildSegment/GradientExchange.swift).
//
// One round r: wait until every worker applied its slice of round r − 1;
// read θ; roll out; publish dθ in this worker's row; wait until every row of
// round r is written; average the rows over this worker's slice and apply
// it. Waiting workers sleep on a futex and keep their heartbeat, and give up
// as soon as the run is stopping.

import HogwildSegment
import HogwildSys

/// One worker's rounds.
struct SynchronousRounds {
  let exchange: GradientExchange
  let rank: Int
  let slot: WorkerSlot
  /// The part of θ this worker reduces, and room for its mean gradient.
  let ownSlice: Range<Int>
  var sliceGradient: [Float]
  /// Completed rounds when θ′ was last read.
  var readRound: UInt64 = 0

  init(exchange: GradientExchange, rank: Int, slot: WorkerSlot) {
    self.exchange = exchange
    self.rank = rank
    self.slot = slot
    ownSlice = exchange.slice(of: rank)
    sliceGradient = [Float](repeating: 0, count: ownSlice.count)
  }

  /// The round this process starts in: the one after the last round whose
  /// slice its rank applied (0 + 1 for a first start). If its predecessor
  /// already published that round's gradient, it was computed on θ as of
  /// the round before, which is what staleness is then measured against.
  mutating func join() -> UInt64 {
    let round = exchange.reducedRound(of: rank) + 1
    readRound = round - 1
    return round
  }

  /// Whether this rank's gradient for `round` is already in its row (a
  /// re-forked worker whose predecessor died after publishing).
  func hasPublished(round: UInt64) -> Bool { exchange.gradientRound(of: rank) >= round }

  /// Waits until round − 1 is fully applied, records it as complete (U + 1,
  /// once per round whoever gets there first), then θ′ ← θ. Returns false
  /// if the run stops while waiting.
  mutating func pull(round: UInt64, into local: inout [Float], parameters: inout ParameterSync,
                     keepWaiting: () -> Bool) -> Bool {
    let exchange = exchange
    guard waitForPeers(until: { exchange.allSlicesApplied(round - 1) }, keepWaiting: keepWaiting) else { return false }
    if exchange.completeRound(round - 1) { parameters.U.add(1) }
    readRound = exchange.completedRounds
    parameters.read(into: &local)
    return true
  }

  /// Writes dθ into this worker's row as its gradient of `round`.
  func publish(_ gradient: [Float], round: UInt64) {
    exchange.publishGradient(gradient, rank: rank, round: round)
  }

  /// Waits until every worker's gradient of `round` is written. Returns
  /// false if the run stops while waiting.
  func waitForAll(round: UInt64, keepWaiting: () -> Bool) -> Bool {
    let exchange = exchange
    return waitForPeers(until: { exchange.allGradientsWritten(round) }, keepWaiting: keepWaiting)
  }

  /// Averages every row over this worker's slice of θ, applies it with the
  /// run's optimizer and records the gradient's staleness: the rounds
  /// completed since θ′ was read — 0 unless the barrier is broken.
  mutating func applyMeanSlice(round: UInt64, learningRate: Float, applier: inout GradientApplier) {
    exchange.meanGradient(over: ownSlice, into: &sliceGradient)
    let now = exchange.completedRounds
    let staleness = now >= readRound ? now - readRound : 0
    applier.apply(slice: ownSlice, gradient: sliceGradient, learningRate: learningRate)
    slot.updates = slot.updates &+ 1
    slot.recordStaleness(staleness)
    exchange.publishSliceApplied(rank: rank, round: round)
  }

  /// Sleeps until `condition` holds or `keepWaiting` turns false, keeping
  /// the heartbeat fresh (a worker waiting for a straggler is not hung).
  private func waitForPeers(until condition: () -> Bool, keepWaiting: () -> Bool) -> Bool {
    let slot = slot
    return exchange.wait(until: condition, while: keepWaiting, tick: { slot.heartbeat = MonotonicClock.now })
  }
}
