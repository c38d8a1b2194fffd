// Bench.swift — state shared by the sections: options, the report, the
// hogwild-rl binary, a temporary directory, and the child processes alive
// right now, so that Ctrl-C (or SIGTERM) leaves nothing behind.
//
// Signals: CHogwild's stop handlers only record SIGINT/SIGTERM/SIGHUP and
// make sleeps return early; the bench checks `stopIfInterrupted()` between
// runs and while it waits for a subprocess, then stops its children
// (SIGINT, then SIGKILL after 3 s), reaps them, unlinks any segment it
// named, removes its temporary directory and exits 130.

import CHogwild
import Glibc

final class Bench {
  let options: Options
  let report = Report()
  /// The hogwild-rl executable.
  let binary: String
  /// Scratch space for run outputs; removed at exit.
  let temporaryDirectory: String
  /// Children alive right now (forked or spawned).
  private var children: Set<pid_t> = []
  /// Segment names a child may have created under our name.
  private var segmentNames: Set<String> = []
  private var outputCounter = 0
  /// envp for spawned runs: this process's environment, read once.
  private let environment = currentEnvironment()

  init(options: Options, binary: String, temporaryDirectory: String) {
    self.options = options
    self.binary = binary
    self.temporaryDirectory = temporaryDirectory
  }

  /// `quick` when --quick, else `full`.
  func repeats(_ full: Int, quick: Int) -> Int { options.quick ? quick : full }

  // MARK: children

  func adopt(_ pid: pid_t) { children.insert(pid) }

  func watchSegment(_ name: String) { segmentNames.insert(name) }

  func forgetSegment(_ name: String) { segmentNames.remove(name) }

  /// Waits for `pid` to end (polling, so a signal to the bench is noticed
  /// within 10 ms). Returns its exit status, or 128 + signal.
  func wait(_ pid: pid_t) -> Int32 {
    while true {
      var kind: Int32 = 0
      var code: Int32 = 0
      let rc = hw_wait_child(pid, 1, &kind, &code)
      if rc != 0 {
        children.remove(pid)
        return 255
      }
      if kind == Int32(HW_CHILD_EXITED) || kind == Int32(HW_CHILD_SIGNALED) {
        children.remove(pid)
        return kind == Int32(HW_CHILD_EXITED) ? code : 128 + code
      }
      stopIfInterrupted()
      _ = hw_sleep_ns(10_000_000)
    }
  }

  /// Sleeps `seconds` unless a stop signal arrives (then stops the bench).
  func sleep(_ seconds: Double) {
    let end = hw_monotonic_ns() + UInt64(seconds * 1e9)
    while true {
      stopIfInterrupted()
      let now = hw_monotonic_ns()
      if now >= end { return }
      _ = hw_sleep_ns(end - now)
    }
  }

  // MARK: hogwild-rl as a subprocess

  /// A fresh, not yet existing output directory for one run.
  func newOutputDirectory(_ tag: String) -> String {
    outputCounter += 1
    return "\(temporaryDirectory)/\(tag).\(outputCounter)"
  }

  /// Starts `hogwild-rl args…` with stdout to /dev/null (stderr is ours,
  /// so its errors show). Exits the bench if it cannot be started.
  func spawnHogwild(_ args: [String]) -> pid_t {
    stopIfInterrupted()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
    // A spawned child gets default handlers, but inherits the signal mask:
    // make sure nothing is blocked in it.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

    let argv = ([binary] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, binary, &actions, &attributes, argv, environment)
    guard rc == 0 else { fail("cannot start \(binary): \(String(cString: strerror(rc)))") }
    adopt(pid)
    return pid
  }

  /// Runs `hogwild-rl run args… --quiet --out <tmp>` to the end and returns
  /// its summary.json text. Exits the bench if the run fails.
  func runHogwild(_ args: [String]) -> String {
    let out = newOutputDirectory("run")
    let full = ["run"] + args + ["--quiet", "--out", out]
    let status = wait(spawnHogwild(full))
    guard status == 0, let summary = readFile(out + "/summary.json") else {
      fail("`hogwild-rl \(full.joined(separator: " "))` failed (exit status \(status))")
    }
    removeTree(out)
    return summary
  }

  // MARK: stopping

  /// If SIGINT/SIGTERM/SIGHUP arrived: clean up and exit 130.
  func stopIfInterrupted() {
    let sig = hw_stop_signal()
    guard sig != 0 else { return }
    print("\ninterrupted (signal \(sig)): stopping children and cleaning up")
    cleanUp()
    exit(130)
  }

  /// Prints `message` on stderr, cleans up and exits 1.
  func fail(_ message: String) -> Never {
    printError("hogwild-bench: \(message)")
    cleanUp()
    exit(1)
  }

  /// Stops and reaps every child, unlinks watched segments, removes the
  /// temporary directory. Idempotent.
  func cleanUp() {
    for pid in children { kill(pid, SIGINT) }
    let deadline = hw_monotonic_ns() + 3_000_000_000
    while !children.isEmpty {
      for pid in children {
        var kind: Int32 = 0
        var code: Int32 = 0
        if hw_wait_child(pid, 1, &kind, &code) != 0 || kind != Int32(HW_CHILD_RUNNING) {
          children.remove(pid)
        }
      }
      if hw_monotonic_ns() > deadline {
        for pid in children {
          kill(pid, SIGKILL)
          var kind: Int32 = 0
          var code: Int32 = 0
          _ = hw_wait_child(pid, 0, &kind, &code)
        }
        children.removeAll()
      }
      if !children.isEmpty { _ = hw_sleep_ns(10_000_000) }
    }
    for name in segmentNames { _ = hw_shm_unlink(name) }
    segmentNames.removeAll()
    removeTree(temporaryDirectory)
  }
}

func printError(_ text: String) {
  let bytes = Array((text + "\n").utf8)
  _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// This process's environment as envp for posix_spawn (from
/// /proc/self/environ, as Swift 6 will not read Glibc's `environ` global).
/// Read once per bench; the strings live as long as the process.
func currentEnvironment() -> [UnsafeMutablePointer<CChar>?] {
  let text = readFile("/proc/self/environ") ?? ""
  return text.split(separator: "\0").map { strdup(String($0)) } + [nil]
}
