// CurrentProcess.swift — this process: its pid and parent, how a forked
// child sets itself up and ends, and what it learns from its surroundings
// (environment variables, CPUs, host name, its own executable).

import CHogwildSys
import Glibc

public enum CurrentProcess {
  public static var id: Int32 { getpid() }
  public static var parentID: Int32 { getppid() }

  /// Ends the process at once, without atexit handlers or a stdio flush:
  /// how every forked child ends.
  public static func exitImmediately(_ code: Int32) -> Never { hw_exit_now(code) }

  /// A forked worker's setup right after fork: ignore SIGINT (the terminal
  /// sends it to the whole group; the supervisor decides how workers stop),
  /// SIGTERM, SIGHUP and SIGPIPE at their defaults, die with SIGKILL when the
  /// parent dies — and throw ESRCH if `parent` is already gone.
  public static func becomeChild(of parent: Int32) throws(Errno) {
    let rc = hw_child_setup(parent)
    guard rc == 0 else { throw Errno(rc) }
  }

  /// The value of environment variable `name`, or nil if unset.
  public static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  /// Sets environment variable `name` for this process and what it starts.
  public static func setEnvironment(_ name: String, _ value: String) {
    setenv(name, value, 1)
  }

  /// Receive SIGTERM when the parent dies (a stop request, with the stop
  /// handlers installed); throws ESRCH if `parent`, the expected parent, is
  /// already gone.
  public static func terminateOnParentDeath(parent: Int32) throws(Errno) {
    let rc = hw_parent_death_signal(SIGTERM, parent)
    guard rc == 0 else { throw Errno(rc) }
  }

  /// CPUs online now (at least 1).
  public static var onlineCPUs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// This machine's host name, or nil if it has none.
  public static var hostname: String? {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return name.isEmpty ? nil : name
  }

  /// The working directory, or nil if it cannot be read.
  public static var workingDirectory: String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// This executable's path (from /proc/self/exe), or nil.
  public static var executablePath: String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// The process between the supervisor and one worker: it only waits, ends
/// exactly as its worker ended (so the supervisor sees the worker's fate),
/// reaps what the worker left (a Python environment process), and if the
/// supervisor dies first kills and reaps the worker at once.
public enum Reaper {
  /// The reaper's setup, right after fork: notice the supervisor's death,
  /// ignore SIGINT, become a child subreaper; ESRCH if `supervisor` is gone.
  public static func setUp(supervisor: Int32) throws(Errno) {
    let rc = hw_reaper_setup(supervisor)
    guard rc == 0 else { throw Errno(rc) }
  }

  /// Waits for `worker` and ends as it ended. Never returns.
  public static func run(worker: ForkedChild) -> Never { hw_reaper_run(worker.pid) }
}

/// Asks the kernel whether a process exists.
public enum ProcessProbe {
  public static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) == 0 || Errno.current == Errno(EPERM)
  }
}
