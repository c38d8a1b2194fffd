// TrainingRandomState.swift — where a worker's training RNG comes from and
// where it is kept: a stream of its own, or after a resume the state the
// checkpoint left in its slot; saved back after every rollout so the next
// checkpoint carries it.

import BuiltInEnvs
import HogwildSegment

/// One worker's training random numbers across restarts and resumes.
struct TrainingRandomState {
  let slot: WorkerSlot
  /// The stream this process trains with: its rank, and after a restart a
  /// stream of its own, so a re-forked worker does not replay its
  /// predecessor's random numbers.
  let stream: UInt64

  init(slot: WorkerSlot, rank: Int) {
    self.slot = slot
    stream = UInt64(rank) | UInt64(slot.restarts) << 32
  }

  /// The state a resumed checkpoint left in the slot (first start after a
  /// resume), else a fresh stream.
  func source(seed: UInt64) -> Xoshiro256 {
    let saved = slot.randomState
    if slot.restarts == 0, saved.contains(where: { $0 != 0 }) {
      var rng = Xoshiro256(seed: 0)
      rng.s0 = saved[0]; rng.s1 = saved[1]; rng.s2 = saved[2]; rng.s3 = saved[3]
      return rng
    }
    return Xoshiro256(seed: seed, stream: stream)
  }

  /// Four relaxed stores.
  func save(_ rng: Xoshiro256) {
    slot.storeRandomState(rng.s0, rng.s1, rng.s2, rng.s3)
  }
}
