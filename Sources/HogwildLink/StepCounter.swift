// StepCounter.swift — T, the global step count every worker adds to, and
// t, this worker's own; and when a worker stops: T reached T_max, or the
// supervisor asked.

import HogwildSegment

/// A worker's view of T, its t and the run's state.
struct StepCounter {
  let header: SegmentHeader
  let slot: WorkerSlot
  let T: SharedCounter
  let tMax: UInt64
  /// This worker's t before its last `add` (the target-sync rule of an
  /// independent worker counts its own steps).
  var localBefore: UInt64 = 0

  init(header: SegmentHeader, slot: WorkerSlot) {
    self.header = header
    self.slot = slot
    T = header.globalSteps
    tMax = header.tMax
  }

  /// T.
  var global: UInt64 { T.load() }

  /// True once T reached T_max or the run is no longer running.
  var shouldStop: Bool { header.state != .running || T.load() >= tMax }

  /// The run is still running (a test episode or a wait may go on).
  var isRunning: Bool { header.state == .running }

  /// T ← T + n and t ← t + n. Returns T before the addition.
  mutating func add(_ n: Int) -> UInt64 {
    let before = T.add(UInt64(n))
    localBefore = slot.steps
    slot.steps = slot.steps &+ UInt64(n)
    return before
  }
}
