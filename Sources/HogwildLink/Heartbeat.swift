// Heartbeat.swift — a worker's sign of life in its slot, read by the
// supervisor's hang check (`--worker-timeout`), on HogwildSys's
// MonotonicClock (what heartbeats, delays and episode end times are measured on).

import HogwildSegment
import HogwildSys

/// Writes the slot's heartbeat at most once a millisecond: a clock read
/// costs ~20 ns, a store to a shared line more.
struct Heartbeat {
  let slot: WorkerSlot
  var last: UInt64 = 0

  init(slot: WorkerSlot) { self.slot = slot }

  mutating func beat(force: Bool = false) {
    let now = MonotonicClock.now
    if force || now &- last > 1_000_000 {
      last = now
      slot.heartbeat = now
    }
  }
}
