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
}
