// ChildRun.swift — runs `hogwild-rl run …` as a child process of `sweep`
// (this same executable, /proc/self/exe), so a crash or a signal in one run
// cannot take the sweep down. A stop signal the sweep receives is passed on
// to the child, which then stops cleanly and writes its outputs.

import HogwildSys

enum ChildRun {
  /// This executable's path, read once (a rebuilt binary mid-sweep keeps
  /// the sweep on the binary it started with as long as that file exists).
  static let executable: String = CurrentProcess.executablePath ?? "/proc/self/exe"

  /// Runs `executable args`, its stdout and stderr appended to `logPath`,
  /// and waits for it; throws the errno if it could not be started. While
  /// it runs, the first SIGINT/SIGTERM/SIGHUP the sweep receives (see
  /// `StopSignals`) is sent on to it once; if it has not ended 30 s after
  /// that, it is killed. If the sweep itself is killed outright (SIGKILL),
  /// the child gets SIGTERM (its parent-death signal) and stops cleanly.
  /// With a `launcher` (sweep --mpirun: the mpirun path and its options),
  /// `launcher executable args` runs instead.
  static func run(_ args: [String], logPath: String, launcher: [String] = []) throws(Errno) -> ExitStatus {
    let (program, arguments) = launcher.isEmpty
      ? (executable, args) : (launcher[0], Array(launcher.dropFirst()) + [executable] + args)
    let child = try ForkedChild.spawnTied(program, arguments: arguments, logPath: logPath)
    var forwardedAt: UInt64?
    while true {
      do {
        if let status = try child.wait(blocking: false) { return status }
      } catch {
        return .exited(1)
      }
      if let stop = StopSignals.received {
        if forwardedAt == nil {
          child.send(stop)
          forwardedAt = MonotonicClock.now
        } else if MonotonicClock.now - forwardedAt! > 30_000_000_000 {
          child.kill()
        }
      }
      MonotonicClock.sleep(nanoseconds: 10_000_000)
    }
  }
}
