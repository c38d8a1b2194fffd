// ChildRun.swift — runs `hogwild-rl run …` as a child process of `sweep`
// (this same executable, /proc/self/exe), so a crash or a signal in one run
// cannot take the sweep down. A stop signal the sweep receives is passed on
// to the child, which then stops cleanly and writes its outputs.

import CHogwild
import Glibc

/// How a child run ended.
enum ChildOutcome: Equatable {
  case exited(Int32)
  case signaled(Int32)
  /// It could not be started (errno).
  case notStarted(Int32)
}

enum ChildRun {
  /// This executable's path, read once (a rebuilt binary mid-sweep keeps
  /// the sweep on the binary it started with as long as that file exists).
  static let executable: String = {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return n > 0 ? String(cString: buffer) : "/proc/self/exe"
  }()

  /// Runs `executable args`, its stdout and stderr appended to `logPath`,
  /// and waits for it. While it runs, the first SIGINT/SIGTERM/SIGHUP the
  /// sweep receives (see `hw_install_stop_handlers`) is sent on to it once;
  /// if it has not ended 30 s after that, it is killed.
  static func run(_ args: [String], logPath: String) -> ChildOutcome {
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    // The child starts with no signal blocked and default dispositions, as
    // from a shell; it stays in the sweep's process group, so a Ctrl-C at
    // the terminal reaches it directly too (a second SIGINT changes nothing).
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attr, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attr, &defaults)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attr, argv, environ)
    guard rc == 0 else { return .notStarted(rc) }

    var forwardedAt: UInt64?
    while true {
      var kind: Int32 = 0, code: Int32 = 0
      if hw_wait_child(pid, 1, &kind, &code) != 0 { return .exited(1) }
      if kind == Int32(HW_CHILD_EXITED) { return .exited(code) }
      if kind == Int32(HW_CHILD_SIGNALED) { return .signaled(code) }
      let stop = hw_stop_signal()
      if stop != 0 {
        if forwardedAt == nil {
          kill(pid, stop)
          forwardedAt = hw_monotonic_ns()
        } else if hw_monotonic_ns() - forwardedAt! > 30_000_000_000 {
          kill(pid, SIGKILL)
        }
      }
      hw_sleep_ns(10_000_000)
    }
  }
}
