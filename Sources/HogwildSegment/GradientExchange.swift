// GradientExchange.swift — A2C's gradient rows and its process-shared
// barrier (include/hogwild.h, NOTES (e)).
//
// Every round each worker writes its gradient into its own row, then each
// worker averages all rows over the slice of θ it owns and applies that
// slice: the reduction is split N ways instead of done by one process while
// the others wait. Progress is recorded per worker in its slot (the last
// round whose gradient it wrote, the last round whose slice it applied), so
// the barrier's state survives a worker's death: the re-forked worker reads
// its slot and rejoins the round where its predecessor stopped.

import CHogwild

/// A view of the exchange rows, the per-worker round flags and the barrier
/// word. One per worker process.
public struct GradientExchange {
  @usableFromInline let rows: UnsafeMutablePointer<Float>
  /// Floats per row (θ's size rounded up to a whole number of cache lines).
  public let stride: Int
  /// Floats of θ.
  public let count: Int
  let slots: [WorkerSlot]
  let sync: UnsafeMutablePointer<hw_sync_line>

  init(rows: UnsafeMutablePointer<Float>, stride: Int, count: Int, slots: [WorkerSlot],
       sync: UnsafeMutablePointer<hw_sync_line>) {
    self.rows = rows
    self.stride = stride
    self.count = count
    self.slots = slots
    self.sync = sync
  }

  public var workers: Int { slots.count }

  /// Rounds whose update is fully applied.
  public var completedRounds: UInt64 { hw_load_u64_seqcst(sync.pointer(to: \.round)!) }

  /// The part of θ that `rank` averages and applies: contiguous, starting
  /// on a cache line, together covering θ exactly once.
  public func slice(of rank: Int) -> Range<Int> {
    func edge(_ r: Int) -> Int { r >= workers ? count : min(count, (count * r / workers) & ~15) }
    return edge(rank)..<edge(rank + 1)
  }

  // MARK: round flags

  /// The last round whose gradient `rank` wrote.
  public func gradientRound(of rank: Int) -> UInt64 { slots[rank].syncGradientRound }
  /// The last round whose slice `rank` applied.
  public func reducedRound(of rank: Int) -> UInt64 { slots[rank].syncReduceRound }

  /// Every worker has written its gradient for `round`.
  public func allGradientsWritten(_ round: UInt64) -> Bool {
    slots.allSatisfy { $0.syncGradientRound >= round }
  }

  /// Every worker has applied its slice for `round`.
  public func allSlicesApplied(_ round: UInt64) -> Bool {
    slots.allSatisfy { $0.syncReduceRound >= round }
  }

  /// Writes `gradient` into `rank`'s row and marks it as `round`'s. The
  /// worker that completes the round's set of rows wakes the sleepers.
  public func publishGradient(_ gradient: [Float], rank: Int, round: UInt64) {
    precondition(gradient.count == count, "gradient size mismatch")
    gradient.withUnsafeBufferPointer { g in
      (rows + rank * stride).update(from: g.baseAddress!, count: count)
    }
    slots[rank].syncGradientRound = round
    if allGradientsWritten(round) { wakeAll() }
  }

  /// Marks `rank`'s slice of `round` as applied; the last to do so wakes
  /// the sleepers.
  public func publishSliceApplied(rank: Int, round: UInt64) {
    slots[rank].syncReduceRound = round
    if allSlicesApplied(round) { wakeAll() }
  }

  /// out ← the mean of every worker's row over `slice` (rows summed in rank
  /// order, so the result does not depend on timing).
  public func meanGradient(over slice: Range<Int>, into out: inout [Float]) {
    precondition(out.count >= slice.count, "buffer too small for the slice")
    out.withUnsafeMutableBufferPointer { o in
      hw_mean_of_rows(o.baseAddress!, rows, stride, workers, slice.lowerBound, slice.count)
    }
  }

  /// Records that `round` is complete (every slice applied): the first
  /// caller moves the counter from round − 1 to round and returns true;
  /// later callers (and re-forked workers) find it done and return false.
  @discardableResult
  public func completeRound(_ round: UInt64) -> Bool {
    guard round > 0 else { return false }
    return hw_cas_u64_seqcst(sync.pointer(to: \.round)!, round - 1, round) != 0
  }

  // MARK: sleeping

  /// Blocks until `condition()` holds (true) or `keepWaiting()` turns false
  /// (false). Sleeps on the barrier's futex word between checks, at most
  /// `tickNanoseconds` at a time, calling `tick` after each sleep (the
  /// worker's heartbeat) — so a stop request or a dead peer that is never
  /// going to wake anyone is noticed within a tick.
  public func wait(until condition: () -> Bool, while keepWaiting: () -> Bool,
                   tickNanoseconds: UInt64 = 10_000_000, tick: () -> Void) -> Bool {
    let word = sync.pointer(to: \.wake)!
    while true {
      // Read the word before the check: a wake-up after the check changes
      // it, so the futex call returns at once instead of sleeping through.
      let seen = hw_load_u32_seqcst(word)
      if condition() { return true }
      if !keepWaiting() { return false }
      _ = hw_futex_wait(word, seen, tickNanoseconds)
      tick()
    }
  }

  func wakeAll() {
    let word = sync.pointer(to: \.wake)!
    _ = hw_fetch_add_u32_seqcst(word, 1)
    _ = hw_futex_wake_all(word)
  }
}
