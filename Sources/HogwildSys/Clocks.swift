// Clocks.swift — CLOCK_MONOTONIC for every interval the runtime measures,
// CLOCK_REALTIME for the few wall-clock stamps a run writes, and sleeping
// that a stop signal cuts short.

import CHogwildSys

/// CLOCK_MONOTONIC in nanoseconds: intervals, deadlines, heartbeats.
public enum MonotonicClock {
  /// Now, in nanoseconds since an arbitrary start (boot).
  public static var now: UInt64 { hw_monotonic_ns() }

  /// Sleeps up to `nanoseconds`; false if a signal cut the sleep short
  /// (stop handlers are installed without SA_RESTART for that).
  @discardableResult
  public static func sleep(nanoseconds: UInt64) -> Bool { hw_sleep_ns(nanoseconds) == 0 }
}

/// CLOCK_REALTIME: nanoseconds since the Unix epoch.
public enum WallClock {
  public static var now: UInt64 { hw_realtime_ns() }
  /// Whole seconds since the Unix epoch.
  public static var unixSeconds: Int { Int(now / 1_000_000_000) }
}
