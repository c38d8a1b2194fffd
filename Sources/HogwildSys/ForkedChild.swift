// ForkedChild.swift — a child process: forked or spawned, signalled, and
// waited for with its end decoded once (exit code or signal).

import CHogwildSys
import Glibc

/// How a child process ended.
public enum ExitStatus: Equatable, Hashable, Sendable {
  case exited(Int32)
  case signaled(Int32)

  /// Exit code 0.
  public var isSuccess: Bool { self == .exited(0) }

  /// Killed by SIGBUS (as a worker is when its segment is truncated under it).
  public var isBusError: Bool { self == .signaled(SIGBUS) }

  /// As a shell reports it: the exit code, or 128 + the signal.
  public var shellStatus: Int32 {
    switch self {
    case .exited(let code): code
    case .signaled(let signal): 128 + signal
    }
  }

  /// `strsignal`'s name for `signal` ("Killed", "Terminated"…).
  public static func signalName(_ signal: Int32) -> String {
    guard let p = strsignal(signal) else { return "signal \(signal)" }
    return String(cString: p)
  }
}

/// A process this one started (or, for the supervisor's workers, one its
/// reaper started), known by its pid.
public struct ForkedChild: Equatable, Hashable, Sendable {
  public let pid: Int32
  public init(pid: Int32) { self.pid = pid }

  /// Flushes every stdio stream (or buffered output would be written twice),
  /// then forks. Returns the child in the parent and nil in the child, which
  /// must end with `CurrentProcess.exitImmediately`. Call it only while this
  /// process is single-threaded.
  public static func fork() throws(Errno) -> ForkedChild? {
    var pid: pid_t = 0
    let rc = hw_fork(&pid)
    guard rc == 0 else { throw Errno(rc) }
    return pid == 0 ? nil : ForkedChild(pid: pid)
  }

  /// Waits for the child (EINTR retried); with `blocking: false`, nil while
  /// it still runs. Throws ECHILD if it is not (or no longer) ours to reap.
  public func wait(blocking: Bool) throws(Errno) -> ExitStatus? {
    var kind: Int32 = 0, code: Int32 = 0
    let rc = hw_wait_child(pid, blocking ? 0 : 1, &kind, &code)
    guard rc == 0 else { throw Errno(rc) }
    switch kind {
    case Int32(HW_CHILD_EXITED): return .exited(code)
    case Int32(HW_CHILD_SIGNALED): return .signaled(code)
    default: return nil
    }
  }

  /// Sends `signal` (errors ignored: the child may have ended already).
  public func send(_ signal: Int32) { _ = Glibc.kill(pid, signal) }

  /// SIGKILL.
  public func kill() { send(SIGKILL) }
}

/// Where a spawned child's standard output or error goes.
public enum ChildOutput: Equatable, Sendable {
  /// This process's own stream.
  case inherit
  /// /dev/null.
  case discard
  /// Appended to the file at this path (created 0644 if missing).
  case append(toFile: String)
  /// (Standard error only) wherever standard output goes.
  case standardOutput
}

extension ForkedChild {
  /// Starts `executable` with `arguments` (argv[1…]) by posix_spawn, stdin
  /// from /dev/null, this process's environment, no signal blocked and
  /// SIGINT, SIGTERM, SIGHUP and SIGPIPE at their defaults — as from a shell.
  /// It stays in this process's group, so a Ctrl-C at the terminal reaches it too —
  /// unless `newProcessGroup`: then it leads a group of its own, and signals
  /// sent to this process's group (a terminal's Ctrl-C, mpirun's SIGTERM to a
  /// rank) pass it by.
  public static func spawn(_ executable: String, arguments: [String], standardOutput: ChildOutput = .inherit,
                           standardError: ChildOutput = .inherit, newProcessGroup: Bool = false) throws(Errno) -> ForkedChild {
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attr, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attr, &defaults)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if newProcessGroup {
      posix_spawnattr_setpgroup(&attr, 0)
      flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attr, Int16(flags))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    for (fd, output) in [(Int32(1), standardOutput), (Int32(2), standardError)] {
      switch output {
      case .inherit: break
      case .discard: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
      case .append(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
      case .standardOutput: if fd == 2 { posix_spawn_file_actions_adddup2(&actions, 1, 2) }
      }
    }
    var pid: pid_t = 0
    let rc = CArguments.withArgv([executable] + arguments) { argv in
      posix_spawn(&pid, executable, &actions, &attr, argv, environ)
    }
    guard rc == 0 else { throw Errno(rc) }
    return ForkedChild(pid: pid)
  }

  /// Starts `executable` (a path, no search) with `arguments`, stdin from
  /// /dev/null, stdout and stderr appended to `logPath`, the signal state
  /// `spawn` gives — and `deathSignal` as its parent-death signal: if this
  /// process dies, even by SIGKILL, the child is sent that signal (SIGTERM
  /// lets a `run` stop cleanly instead of training on alone). Fork and exec,
  /// so call it only while single-threaded.
  public static func spawnTied(_ executable: String, arguments: [String], logPath: String,
                               deathSignal: Int32 = SIGTERM) throws(Errno) -> ForkedChild {
    var pid: pid_t = 0
    let rc = CArguments.withArgv([executable] + arguments) { argv in
      hw_spawn_tied(executable, argv, logPath, 1, deathSignal, &pid)
    }
    guard rc == 0 else { throw Errno(rc) }
    return ForkedChild(pid: pid)
  }
}
