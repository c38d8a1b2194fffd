// StaleTurns.swift — `--stale-updates K`: every gradient is computed on θ
// exactly K updates old and applied in turn (include/hogwild.h NOTES (g)).
//
// A worker takes a ticket j (the update number its gradient will be applied
// as, j + 1), reads θ as it was after update j − K from the ring of
// snapshots, and applies its gradient once U == j, writing θ after it into
// snapshot j + 1. A re-forked worker takes over its predecessor's ticket if
// that was not applied yet, else the others would wait for it forever.

import HogwildSegment

/// One worker's tickets.
struct StaleTurns {
  let ring: StaleRing
  let tickets: SharedCounter
  /// The first version the ring holds (the run's start, or its resume).
  let base: UInt64
  let U: SharedCounter
  let slot: WorkerSlot
  /// The ticket held: the update number this worker's gradient will be
  /// applied as.
  var ticket: UInt64?
  /// θ′ already holds the snapshot for `ticket`.
  var ticketRead = false

  init(ring: StaleRing, header: SegmentHeader, slot: WorkerSlot) {
    self.ring = ring
    tickets = header.staleTicket
    base = header.staleBase
    U = header.globalUpdates
    self.slot = slot
    // A predecessor's ticket that was not applied is taken over; one it
    // applied is dropped.
    if let held = slot.staleTicket {
      if U.load() <= held { ticket = held } else { slot.staleTicket = nil }
    }
  }

  /// θ′ ← θ as it was after update j − K, where j is this worker's ticket
  /// (taken now unless it holds one): its gradient will be applied as update
  /// j + 1, when U == j, so its staleness is exactly K. Versions before the
  /// ring's base read θ at the base (the first K updates of a run, or after
  /// a resume, see README). Waits until update j − K exists; gives up,
  /// leaving θ′ as it is, once `shouldStop`.
  mutating func pull(into local: inout [Float], heartbeat: inout Heartbeat, shouldStop: () -> Bool) {
    let j: UInt64
    if let held = ticket {
      j = held
    } else {
      j = tickets.add(1)
      ticket = j
      ticketRead = false
      slot.staleTicket = j
    }
    guard !ticketRead else { return }
    let k = UInt64(ring.k)
    let version = max(base, j >= k ? j - k : 0)
    guard waitUntilUpdates(reach: version, heartbeat: &heartbeat, shouldStop: shouldStop) else { return }
    ring.copy(version: version, into: &local)
    ticketRead = true
  }

  /// Applies the gradient as update j + 1 once U == j (updates go in ticket
  /// order, one at a time), writing θ after it into the ring's snapshot
  /// j + 1, then publishes U = j + 1 (release) and wakes the waiters.
  /// Returns K; 0 if the run stopped first (the gradient is then dropped).
  mutating func push(_ gradient: [Float], learningRate: Float, applier: inout GradientApplier,
                     heartbeat: inout Heartbeat, shouldStop: () -> Bool) -> UInt64 {
    guard let j = ticket else { preconditionFailure("pushGradient without pullParameters") }
    guard waitUntilUpdates(reach: j, heartbeat: &heartbeat, shouldStop: shouldStop) else { return 0 }
    ticket = nil
    ticketRead = false
    guard U.load() == j else {
      // Applied already by a predecessor that died before clearing its slot.
      slot.staleTicket = nil
      return 0
    }
    applier.apply(gradient, learningRate: learningRate, snapshot: ring, version: j + 1)
    slot.staleTicket = nil
    U.addReleasing(1)
    U.wakeAll()
    let staleness = UInt64(ring.k)
    slot.updates = slot.updates &+ 1
    slot.recordStaleness(staleness)
    return staleness
  }

  /// Waits (spinning briefly, then on a futex over U) until U ≥ `target`,
  /// heartbeating; false if the run stopped first.
  private func waitUntilUpdates(reach target: UInt64, heartbeat: inout Heartbeat, shouldStop: () -> Bool) -> Bool {
    var spins = 0
    while true {
      let u = U.loadAcquire()
      if u >= target { return true }
      if shouldStop() { return false }
      spins += 1
      if spins > 64 {
        U.wait(whileEqualTo: u, nanoseconds: 10_000_000)
        heartbeat.beat()
      }
    }
  }
}
