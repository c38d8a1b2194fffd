// DelayWait.swift — a worker's `--delay`: the wall-clock wait between
// reading θ and writing its gradient, drawn from its own random stream.

import BuiltInEnvs
import HogwildSegment
import HogwildSys

/// This worker's delay distribution and the RNG it draws from (a stream of
/// its own, so the delay never perturbs the training RNG).
struct DelayWait {
  let delay: Delay
  var rng: Xoshiro256
  let slot: WorkerSlot

  init(delay: Delay, seed: UInt64, rank: Int, slot: WorkerSlot) {
    self.delay = delay
    rng = Xoshiro256(seed: seed, stream: 0xDE1A_0000 &+ UInt64(rank))
    self.slot = slot
  }

  /// Sleeps one drawn delay in 50 ms slices, so the heartbeat stays fresh
  /// and a stop request (`isRunning` false) is noticed within 50 ms. The
  /// time waited is added to the slot's total; its status says `delayed`
  /// meanwhile.
  mutating func wait(heartbeat: inout Heartbeat, isRunning: () -> Bool) {
    let total = delay.sample(&rng)
    guard total > 0 else { return }
    slot.status = .delayed
    let start = MonotonicClock.now
    var left = total
    while left > 0, isRunning() {
      let slice = min(left, 50_000_000)
      MonotonicClock.sleep(nanoseconds: slice)
      let elapsed = MonotonicClock.now - start
      left = elapsed >= total ? 0 : total - elapsed
      heartbeat.beat(force: true)
    }
    slot.delayNanoseconds = slot.delayNanoseconds &+ (MonotonicClock.now - start)
    slot.status = .running
  }
}
