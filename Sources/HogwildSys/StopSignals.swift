// StopSignals.swift — SIGINT, SIGTERM and SIGHUP as a request to stop: the
// handlers only record the first signal (and cut sleeps short); the
// supervisor, `sweep`, `dump --watch` and the bench poll it.

import CHogwildSys

public enum StopSignals {
  /// Installs the recording handlers (and unblocks the three signals, in
  /// case a parent started this process with them blocked).
  @discardableResult
  public static func install() -> Errno? {
    let rc = hw_install_stop_handlers()
    return rc == 0 ? nil : Errno(rc)
  }

  /// The first stop signal received since `install`, or nil.
  public static var received: Int32? {
    let s = hw_stop_signal()
    return s == 0 ? nil : s
  }

  /// Restores the default dispositions.
  public static func reset() { hw_reset_stop_handlers() }

  /// Holds the three signals back (blocked) until `install` or `unblock`:
  /// a run does so while it creates its segment and files, so a signal then
  /// stops it cleanly once the handlers exist instead of killing it half-way.
  public static func block() { _ = hw_block_stop_signals(1) }

  /// Lets held-back signals through (their dispositions then apply).
  public static func unblock() { _ = hw_block_stop_signals(0) }
}
