// RankLauncher.swift — a distributed run's rank as two processes: the one
// the MPI launcher started only waits, and the supervisor runs in a process
// group of its own.
//
// Why: when mpirun aborts a job (Ctrl-C, a rank that died) it sends SIGTERM
// to each rank's process group and SIGKILL shortly after — measured 10 ms
// later with Open MPI 4.1 here, too soon to stop workers, checkpoint and
// unlink. In its own group the supervisor gets the stop from its waiter
// (the signal passed on, or the waiter's death as its parent-death signal)
// and ends as on one machine, with its outputs written and its segment
// unlinked, while mpirun's signals reach only the waiter.

import HogwildSys

public enum RankLauncher {
  /// Set in the supervisor's environment by its waiter.
  static let variable = "HOGWILD_RANK_SUPERVISOR"

  /// Whether this process is a rank's supervisor started by its waiter.
  public static var isSupervisor: Bool { CurrentProcess.environment(variable) == CurrentProcess.parentID.description }

  /// The waiter: starts this executable again with `arguments` in a new
  /// process group, passes SIGINT, SIGTERM and SIGHUP on to it, and returns
  /// its exit status (a shell's: 128 + signal for a signal).
  public static func runSupervisor(arguments: [String]) -> Int32 {
    guard let exe = CurrentProcess.executablePath else {
      StandardError.write("error: --distributed: cannot find this executable (/proc/self/exe)\n")
      return 1
    }
    CurrentProcess.setEnvironment(variable, "\(CurrentProcess.id)")
    StopSignals.install()
    let child: ForkedChild
    do {
      child = try ForkedChild.spawn(exe, arguments: arguments, newProcessGroup: true)
    } catch {
      StandardError.write("error: --distributed: cannot start the supervisor: \(error)\n")
      return 1
    }
    var forwarded = false
    while true {
      if !forwarded, let s = StopSignals.received {
        child.send(s)
        forwarded = true
      }
      do {
        if let status = try child.wait(blocking: false) {
          StopSignals.reset()
          return status.shellStatus
        }
      } catch {
        return 1
      }
      MonotonicClock.sleep(nanoseconds: 5_000_000)
    }
  }

  /// The supervisor's side: the waiter's death (mpirun's SIGKILL) arrives
  /// as SIGTERM, a stop like any other. False if the waiter is already gone.
  public static func adoptParentDeath() -> Bool {
    do {
      try CurrentProcess.terminateOnParentDeath(parent: CurrentProcess.parentID)
      return true
    } catch {
      return false
    }
  }
}
