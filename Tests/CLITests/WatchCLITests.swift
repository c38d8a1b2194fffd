// WatchCLITests.swift — `dump --watch`: frames of a live run (not a
// terminal: plain text, one frame per interval), Ctrl-C leaves the run
// alone and exits 0, a run that ends ends the watch, --json gives one object
// per line, and bad intervals are usage errors.

import Formats
import Foundation
import Glibc
import Testing

@Suite(.serialized) struct WatchCLITests: LiveSegmentTests {
  /// The frames of non-terminal output: each starts with the title line.
  func frames(_ stdout: String) -> [[String]] {
    var out: [[String]] = []
    for line in stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("hogwild-rl dump --watch") { out.append([]) }
      if !out.isEmpty, !line.isEmpty { out[out.count - 1].append(line) }
    }
    return out
  }

  /// T from a frame's "counters  T 123 / …" line.
  func globalSteps(_ frame: [String]) -> Int? {
    guard let line = frame.first(where: { $0.hasPrefix("counters") }) else { return nil }
    let words = line.split(separator: " ")
    guard let i = words.firstIndex(of: "T"), i + 1 < words.count else { return nil }
    return Int(words[i + 1])
  }

  /// The permissions of `segment`'s mapping in `pid`'s address space.
  func mappingPermissions(pid: Int32, segment: String) -> [String] {
    let maps = (try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)) ?? ""
    return maps.split(separator: "\n").filter { $0.hasSuffix("/dev/shm" + segment) || $0.contains("/dev/shm" + segment + " ") }
      .map { String($0.split(separator: " ")[1]) }
  }

  @Test func watchShowsALiveRunAndCtrlCLeavesItRunning() throws {
    let s = try Scratch()
    let segment = Harness.uniqueSegment("watch")
    defer { Harness.removeSegment(segment) }
    let run = try Harness.start(
      ["run", "--procs", "2", "--t-max", "500M", "--quiet", "--segment", segment, "--out", s.path("run")], in: s.url)
    defer { run.killIfRunning() }
    let live = try waitForLiveSegment(segment, procs: 2, in: s)
    let pids = ((live["workers"] as? [[String: Any]]) ?? []).compactMap { Harness.int($0["pid"]) }

    let watcher = try Harness.start(["dump", "--watch", "200ms", segment], in: s.url)
    defer { watcher.killIfRunning() }
    usleep(1_100_000)
    // Mapped read-only and shared: the watcher cannot write to the run.
    let perms = mappingPermissions(pid: watcher.pid, segment: segment)
    #expect(!perms.isEmpty && perms.allSatisfy { $0 == "r--s" }, "segment mapping: \(perms)")
    watcher.send(SIGINT)
    let w = watcher.wait(timeout: 5)
    #expect(w.exitCode == 0, "\(w)")
    #expect(w.stderr.contains("the run is untouched"), "\(w.stderr)")
    #expect(!w.stdout.contains("\u{1B}"), "escape codes in non-terminal output")

    let fs = frames(w.stdout)
    #expect(fs.count >= 3, "\(w.stdout)")
    let steps = fs.compactMap(globalSteps)
    #expect(steps.count == fs.count, "a frame without T: \(w.stdout)")
    #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 }, "T not increasing: \(steps)")
    // From the second frame on, rates are measured.
    #expect(fs.dropFirst().allSatisfy { f in f.contains { $0.hasPrefix("rates") && $0.contains("steps/s ") && !$0.contains("steps/s -") } })
    let last = try #require(fs.last)
    #expect(last.contains { $0.hasPrefix("returns") }, "\(last)")
    let header = try #require(last.firstIndex { $0.hasPrefix("RANK") }, "\(last)")
    for word in ["PID", "STATUS", "HEARTBEAT", "EPISODES", "LAST_RETURN", "STALE_P50", "STALE_P99", "RESTARTS"] {
      #expect(last[header].contains(word), "worker table lacks \(word)")
    }
    #expect(!last[header].contains("EPSILON"), "ε shown for a policy-gradient run")
    let rows = last[(header + 1)...].map { $0.split(separator: " ").map(String.init) }
    #expect(rows.count == 2)
    for (rank, pid) in pids.enumerated() {
      #expect(rows.contains { $0.prefix(3) == ["\(rank)", "\(pid)", "running"] }, "no row for worker \(rank): \(rows)")
    }

    // The run did not notice.
    #expect(run.isRunning)
    let before = Harness.int(try dumpJSON(segment, in: s)["T"]) ?? .max
    usleep(300_000)
    let after = Harness.int(try dumpJSON(segment, in: s)["T"]) ?? 0
    #expect(after > before, "the run stopped training after the watcher left")
    #expect(after > steps.last ?? .max)
    run.send(SIGINT)
    #expect(run.wait(timeout: 15).exitCode == 130)
  }

  @Test func watchEndsWithTheRunAndJSONGivesOneObjectPerLine() throws {
    let s = try Scratch()
    let segment = Harness.uniqueSegment("watchend")
    defer { Harness.removeSegment(segment) }
    let run = try Harness.start(
      ["run", "--procs", "2", "--t-max", "1500k", "--target-return", "none", "--quiet", "--segment", segment,
       "--out", s.path("run")], in: s.url)
    defer { run.killIfRunning() }
    _ = try waitForLiveSegment(segment, procs: 2, in: s)
    let w = try Harness.run(["dump", "--watch", "100ms", "--json", segment], in: s.url, timeout: 30)
    #expect(!w.timedOut && w.exitCode == 0, "\(w)")
    #expect(w.stderr.contains("watch: the run is done"), "\(w.stderr)")
    #expect(run.wait(timeout: 15).exitCode == 0)

    let lines = w.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count >= 2, "\(w.stdout)")
    let objects = try lines.map { try #require(try Harness.json($0) as? [String: Any], "not JSON: \($0)") }
    let watch = objects.compactMap { $0["watch"] as? [String: Any] }
    #expect(watch.count == objects.count)
    #expect(watch.enumerated().allSatisfy { Harness.int($1["sample"]) == $0 })
    #expect(watch.first?["steps_per_second"] is NSNull)
    #expect(watch.dropFirst().allSatisfy { Harness.double($0["steps_per_second"]) != nil })
    let steps = watch.compactMap { Harness.int($0["T"]) }
    #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 <= $1 }, "T went down: \(steps)")
    let final = try #require(objects.last)
    #expect(final["state"] as? String == "done")
    #expect((Harness.int(final["T"]) ?? 0) >= 1_500_000)
    #expect(((watch.last?["recent_returns"] as? [Any]) ?? []).count == 60)
  }

  @Test(arguments: [["--watch", "50ms"], ["--watch", "1"], ["--watch", "soon"], ["--watch", "1s", "--list"], ["--watch"]])
  func badWatchArgumentsAreUsageErrors(_ args: [String]) throws {
    let s = try Scratch()
    let r = try Harness.run(["dump"] + args + ["/hogwild-rl-clitest.nothing"], in: s.url, timeout: 10)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stderrLines.count == 1 && r.stderrLines.first?.hasPrefix("error: ") == true, "\(r.stderr)")
  }

  @Test func watchingAMissingSegmentFails() throws {
    let s = try Scratch()
    let r = try Harness.run(["dump", "--watch", "1s", "/hogwild-rl-clitest.missing"], in: s.url, timeout: 10)
    #expect(r.exitCode == 1, "\(r)")
    #expect(r.stderrLines.count == 1 && r.stdout.isEmpty, "\(r)")
  }
}
