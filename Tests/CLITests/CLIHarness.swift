// CLIHarness.swift — drives the built `hogwild-rl` executable as a
// subprocess: locates it, runs it with a hard timeout (an overrunning run is
// SIGKILLed together with its workers, so no test can hang), captures
// stdout/stderr/exit status, and gives each test its own temp directory.

import Foundation
import Glibc
import Testing

/// How a finished `hogwild-rl` process ended.
struct CLIResult: CustomStringConvertible {
  var pid: Int32
  /// Exit status if it exited; nil if it was killed by a signal.
  var exitCode: Int32?
  /// The terminating signal if it was killed by one.
  var signal: Int32?
  var stdout: String
  var stderr: String
  var seconds: Double
  /// The harness SIGKILLed it because it overran its timeout.
  var timedOut: Bool

  /// Non-empty stderr lines.
  var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

  var description: String {
    "pid \(pid) exit \(exitCode.map(String.init) ?? "-") signal \(signal.map(String.init) ?? "-")"
      + " timedOut \(timedOut) in \(String(format: "%.2f", seconds)) s\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
  }
}

/// A started `hogwild-rl` process.
///
/// Spawned with posix_spawn rather than Foundation.Process: test threads run
/// with almost every signal blocked, and Process passes that mask on, which
/// would make the child deaf to SIGINT/SIGTERM. Here the child starts like it
/// would from a shell: empty signal mask, default dispositions, and its own
/// process group (so its workers can be found and killed as a group).
final class CLIProcess {
  let pid: pid_t
  let outPath: String
  let errPath: String
  let start = Date()
  private var status: Int32?

  /// - Parameter blocking: signals to leave blocked in the child (to
  ///   reproduce a launcher that passes a blocked mask on).
  /// - Parameter environment: variables to set (or replace) in the child's
  ///   environment, e.g. PYTHONPATH for a fixture module.
  /// - Parameter executable: what to start instead of `hogwild-rl` (mpirun).
  init(_ args: [String], scratch: URL, blocking: [Int32] = [], environment: [String: String] = [:],
       executable: String? = nil) throws {
    let tag = UUID().uuidString
    outPath = scratch.appendingPathComponent("stdout-\(tag).txt").path
    errPath = scratch.appendingPathComponent("stderr-\(tag).txt").path

    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var mask = sigset_t()
    sigemptyset(&mask)
    for sig in blocking { sigaddset(&mask, sig) }
    posix_spawnattr_setsigmask(&attr, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, sig) }
    posix_spawnattr_setsigdefault(&attr, &defaults)
    posix_spawnattr_setpgroup(&attr, 0)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

    let binary = executable ?? Harness.binary
    let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + args).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var child: pid_t = 0
    var variables = ProcessInfo.processInfo.environment
    for (k, v) in environment { variables[k] = v }
    let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for e in envp { free(e) } }
    let rc = posix_spawn(&child, binary, &actions, &attr, argv, envp)
    guard rc == 0 else {
      throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO, userInfo: [NSLocalizedDescriptionKey: "spawn \(binary)"])
    }
    pid = child
  }

  deinit { killIfRunning() }

  func send(_ signal: Int32) { kill(pid, signal) }

  /// Reaps the process if it has exited; true once it has.
  private func poll(block: Bool) -> Bool {
    if status != nil { return true }
    var st: Int32 = 0
    while true {
      let rc = waitpid(pid, &st, block ? 0 : WNOHANG)
      if rc == pid { status = st; return true }
      if rc == 0 { return false }
      if rc < 0 && errno == EINTR { continue }
      // ECHILD: nothing to reap (should not happen); treat as gone.
      status = -1
      return true
    }
  }

  var isRunning: Bool { !poll(block: false) }

  /// SIGKILLs it and its workers if it still runs (cleanup after a failed test).
  func killIfRunning() {
    guard isRunning else { return }
    killAll()
    _ = poll(block: true)
  }

  private func killAll() {
    let below = Harness.descendants(of: pid)
    if getpgid(pid) == pid { kill(-pid, SIGKILL) }
    kill(pid, SIGKILL)
    for w in below { kill(w, SIGKILL) }
  }

  /// Waits for the process; after `timeout` seconds (from its start) it and
  /// its workers are SIGKILLed.
  func wait(timeout: Double) -> CLIResult {
    let deadline = start.addingTimeInterval(timeout)
    var timedOut = false
    while !poll(block: false) {
      if Date() >= deadline {
        timedOut = true
        killAll()
        _ = poll(block: true)
        break
      }
      usleep(2_000)
    }
    let seconds = Date().timeIntervalSince(start)
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    let st = status ?? -1
    let termsig = st & 0x7f
    let exited = st >= 0 && termsig == 0
    return CLIResult(
      pid: pid, exitCode: exited ? (st >> 8) & 0xff : nil,
      signal: exited || st < 0 ? nil : termsig,
      stdout: out, stderr: err, seconds: seconds, timedOut: timedOut)
  }
}

/// Helpers shared by the CLI tests.
enum Harness {
  /// `HOGWILD_BIN`, else `<package root>/.build/release/hogwild-rl`.
  static let binary: String = {
    if let b = ProcessInfo.processInfo.environment["HOGWILD_BIN"], !b.isEmpty { return b }
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/release/hogwild-rl").path
  }()

  /// Runs `hogwild-rl args` to completion (or the timeout).
  static func run(_ args: [String], in scratch: URL, timeout: Double = 30,
                  environment: [String: String] = [:]) throws -> CLIResult {
    try CLIProcess(args, scratch: scratch, environment: environment).wait(timeout: timeout)
  }

  /// Runs `script` with bash (stdin /dev/null, its own process group,
  /// signals at their defaults), `$BIN` naming hogwild-rl; `args` become
  /// $1, $2…
  static func shell(_ script: String, _ args: [String] = [], in scratch: URL, timeout: Double = 60,
                    environment: [String: String] = [:]) throws -> CLIResult {
    try CLIProcess(["-c", script, "bash"] + args, scratch: scratch,
                   environment: environment.merging(["BIN": binary]) { $1 }, executable: "/bin/bash")
      .wait(timeout: timeout)
  }

  /// Whether `unshare -m` with a tmpfs of our own works here (root, and a
  /// kernel that lets us): tests that need a private /dev/shm or a small
  /// disk run their commands inside one, and are skipped (said so) otherwise.
  static let privateMountsWork: Bool = {
    guard let s = try? Scratch(),
      let r = try? shell("unshare -m --propagation private sh -c 'mount -t tmpfs -o size=1m tmpfs /dev/shm && touch /dev/shm/probe'",
                         in: s.url, timeout: 20)
    else { return false }
    return r.exitCode == 0
  }()

  /// Runs `script` in a private mount namespace whose /dev/shm is a fresh
  /// tmpfs (other tests and runs cannot see what it puts there, nor it
  /// theirs). Call only when `privateMountsWork`.
  static func inPrivateShm(_ script: String, in scratch: URL, timeout: Double = 60,
                           environment: [String: String] = [:]) throws -> CLIResult {
    let file = scratch.appendingPathComponent("private-shm-\(UUID().uuidString).sh")
    try script.write(to: file, atomically: true, encoding: .utf8)
    return try shell("exec unshare -m --propagation private bash -c 'mount -t tmpfs -o size=256m tmpfs /dev/shm && exec bash \"$0\"' \"$1\"",
                     [file.path], in: scratch, timeout: timeout, environment: environment)
  }

  /// Starts `hogwild-rl args` without waiting.
  static func start(_ args: [String], in scratch: URL, blocking: [Int32] = [],
                    environment: [String: String] = [:]) throws -> CLIProcess {
    try CLIProcess(args, scratch: scratch, blocking: blocking, environment: environment)
  }

  // MARK: /dev/shm

  static let shm = "/dev/shm"

  /// A segment name that no other test or concurrent run uses.
  static func uniqueSegment(_ tag: String) -> String {
    "/hogwild-rl-clitest.\(getpid()).\(tag).\(UInt32.random(in: 0...UInt32.max))"
  }

  static func segmentExists(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: shm + "/" + (name.hasPrefix("/") ? String(name.dropFirst()) : name))
  }

  static func removeSegment(_ name: String) {
    let path = shm + "/" + (name.hasPrefix("/") ? String(name.dropFirst()) : name)
    unlink(path)
  }

  /// The default segment a supervisor with this pid creates.
  static func defaultSegment(pid: Int32) -> String { "/hogwild-rl.\(pid)" }

  static func shmEntries() -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: shm)) ?? [])
  }

  // MARK: processes

  /// (pid, ppid, pgid, state) of every process in /proc.
  static func processTable() -> [(pid: Int32, ppid: Int32, pgid: Int32, state: Character)] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    var out: [(Int32, Int32, Int32, Character)] = []
    for e in entries {
      guard let pid = Int32(e),
        let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // After "comm)": state ppid pgrp ...
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count >= 3, let ppid = Int32(fields[1]), let pgid = Int32(fields[2]),
        let st = fields[0].first
      else { continue }
      out.append((pid, ppid, pgid, st))
    }
    return out
  }

  /// Processes whose parent is `pid`.
  static func children(of pid: Int32) -> [Int32] {
    processTable().filter { $0.ppid == pid }.map(\.pid)
  }

  /// Every process below `pid`.
  static func descendants(of pid: Int32) -> [Int32] {
    let table = processTable()
    var out: [Int32] = []
    var frontier = [pid]
    while let p = frontier.popLast() {
      let kids = table.filter { $0.ppid == p }.map(\.pid)
      out += kids
      frontier += kids
    }
    return out
  }

  /// Leftovers of a finished supervisor: processes whose parent is still
  /// `pid`, or that are still in its process group (when it had its own),
  /// or any of `workers` still alive (and not a zombie of some other parent).
  static func leftovers(supervisor pid: Int32, workers: [Int32] = []) -> [Int32] {
    // Give init a moment to reap anything re-parented.
    var result: [Int32] = []
    for _ in 0..<20 {
      let table = processTable()
      result = table.filter { p in
        p.ppid == pid || (p.pgid == pid && p.pid != pid) || workers.contains(p.pid)
      }.map(\.pid)
      if result.isEmpty { break }
      usleep(50_000)
    }
    return result
  }

  static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

  // MARK: files

  static func json(at url: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: url)
    return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
  }

  /// Rows of metrics.csv (header excluded) split into columns.
  static func metricsRows(_ url: URL) throws -> [[Substring]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
  }

  static func double(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }
  static func int(_ v: Any?) -> Int? { (v as? NSNumber)?.intValue }
}

/// A temporary directory for one test, removed on deinit.
final class Scratch {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("hogwild-clitests-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ component: String) -> String { url.appendingPathComponent(component).path }
  func file(_ component: String) -> URL { url.appendingPathComponent(component) }
}
