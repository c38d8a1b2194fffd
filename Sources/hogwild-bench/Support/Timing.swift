// Timing.swift — clocks and a sink the optimizer cannot see through.

import HogwildSys

/// CLOCK_MONOTONIC in seconds.
func seconds() -> Double { Double(MonotonicClock.now) * 1e-9 }

/// Calls `body` (which does `unitsPerCall` units of work) until `duration`
/// seconds have passed; returns units per second.
@inline(__always)
func rate(for duration: Double, unitsPerCall: Int, _ body: () -> Void) -> Double {
  let start = seconds()
  var calls = 0
  var elapsed = 0.0
  repeat {
    body()
    calls += 1
    elapsed = seconds() - start
  } while elapsed < duration
  return Double(calls * unitsPerCall) / elapsed
}

/// Keeps `value` alive so the work that produced it is not removed.
@_optimize(none)
func blackHole<T>(_ value: T) {}
