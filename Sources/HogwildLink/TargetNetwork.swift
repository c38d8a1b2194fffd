// TargetNetwork.swift — θ⁻, the value-based methods' target network in the
// segment: when it is copied from θ (by exactly one worker per interval),
// and a worker's re-read of it (only when its version changed).

import HogwildSegment

/// When θ⁻ ← θ happens: every `interval` global steps, by the worker whose
/// step count addition took T from `before` to `after` across a multiple
/// k·interval (before < k·interval ≤ after). T only grows through atomic
/// additions, so exactly one worker's addition crosses each multiple — that
/// worker copies while the others keep training.
public enum TargetSync {
  @inlinable public static func isDue(before: UInt64, after: UInt64, interval: UInt64) -> Bool {
    interval > 0 && after > before && before / interval < after / interval
  }
}

/// A worker's side of θ⁻ (empty unless the algorithm has one).
struct TargetNetwork {
  let theta: SharedFloats
  let target: SharedFloats
  let version: SharedCounter
  /// The version last copied by `pull(into:)`.
  var readVersion: UInt64?

  /// θ⁻ ← θ if T (or, for an independent worker with a θ⁻ of its own, its
  /// own t) crossed a multiple of `interval` going from `before` to
  /// `before + steps`. Returns whether this worker copied.
  func syncIfDue(before: UInt64, steps: Int, interval: UInt64) -> Bool {
    guard target.count > 0 else { return false }
    guard TargetSync.isDue(before: before, after: before + UInt64(steps), interval: interval) else { return false }
    target.copy(from: theta)
    version.add(1)
    return true
  }

  /// θ⁻ into `local` if it changed since the last call (first call:
  /// always). Returns whether it copied.
  mutating func pull(into local: inout [Float]) -> Bool {
    let v = version.load()
    guard v != readVersion else { return false }
    readVersion = v
    target.copy(into: &local)
    return true
  }
}
