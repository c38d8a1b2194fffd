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

  /// Ignores SIGPIPE and SIGXFSZ, so that a reader that went away (`run |
  /// head`) or a file size limit makes writes fail (EPIPE, EFBIG) instead of
  /// killing the process with its segment and outputs. Forked workers and
  /// spawned children get the defaults back.
  public static func ignoreOutputSignals() { hw_ignore_output_signals() }
  /// Faults (SIGSEGV, SIGBUS, SIGILL — Swift's traps —, SIGFPE, SIGABRT,
  /// SIGTRAP) end this process at once with the signal: for forked workers,
  /// whose supervisor reports the death in one line, instead of the Swift
  /// runtime's backtracer inherited from it (≈ 45 lines of stderr and up to
  /// 30 s at 100% CPU before the worker can be replaced).
  public static func dieQuietlyOnFaults() { hw_default_fault_signals() }

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

/// This process as the reaper of its orphaned descendants
/// (PR_SET_CHILD_SUBREAPER): what an environment's probe or a plugin started
/// and left behind (setsid, a double fork, a detached Popen) is re-parented
/// here instead of to PID 1, and ended by `endAdopted`.
public enum ChildSubreaper {
  @discardableResult
  public static func become() -> Errno? {
    let rc = hw_become_subreaper()
    return rc == 0 ? nil : Errno(rc)
  }

  /// SIGKILLs and reaps every child of this process not in `keeping` (and
  /// what they leave to us in turn), for at most `timeoutNanoseconds`.
  /// Returns how many were killed.
  @discardableResult
  public static func endAdopted(keeping: [Int32] = [], timeoutNanoseconds: UInt64 = 2_000_000_000) -> Int {
    var killed: Int32 = 0
    _ = keeping.withUnsafeBufferPointer { keep in
      hw_kill_children(keep.baseAddress, keep.count, timeoutNanoseconds, &killed)
    }
    return Int(killed)
  }
}

/// Asks the kernel whether a process exists.
public enum ProcessProbe {
  public static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) == 0 || Errno.current == Errno(EPERM)
  }

  /// The parent of `pid` (from /proc/<pid>/stat), or nil if it is gone.
  public static func parent(of pid: Int32) -> Int32? {
    guard pid > 0, let bytes = try? readWholeFile("/proc/\(pid)/stat") else { return nil }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
    let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
    guard fields.count >= 2 else { return nil }
    return Int32(String(decoding: fields[1], as: UTF8.self))
  }
}
