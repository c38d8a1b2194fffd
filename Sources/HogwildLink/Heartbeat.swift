// Heartbeat.swift — a worker's sign of life in its slot, read by the
// supervisor's hang check (`--worker-timeout`), and the clock it is read on.

import Glibc
import HogwildSegment

/// CLOCK_MONOTONIC in nanoseconds: what heartbeats, delays and episode end
/// times are measured on.
enum MonotonicClock {
  static func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
  }
}

/// Writes the slot's heartbeat at most once a millisecond: a clock read
/// costs ~20 ns, a store to a shared line more.
struct Heartbeat {
  let slot: WorkerSlot
  var last: UInt64 = 0

  init(slot: WorkerSlot) { self.slot = slot }

  mutating func beat(force: Bool = false) {
    let now = MonotonicClock.now()
    if force || now &- last > 1_000_000 {
      last = now
      slot.heartbeat = now
    }
  }
}
