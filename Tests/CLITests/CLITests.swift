// CLITests.swift — end-to-end behaviour of the `hogwild-rl` executable:
// outputs, learning, determinism, staleness, signals, worker failure, dump,
// bad input and help. Every test drives the built binary (see CLIHarness).
//
// One serialized suite: these tests start many processes on a small machine
// and their timings must not compete with each other.

import Formats
import Foundation
import Glibc
import Testing

@Suite(.serialized) struct CLITests: LiveSegmentTests {
  static let summaryKeys = [
    "env", "algo", "procs", "seed", "t_max", "steps", "wall_seconds", "steps_per_second", "episodes",
    "mean_return_100", "solved_at_step", "solved_at_seconds", "updates", "staleness", "worker_restarts",
    "exit_reason",
  ]
  static let metricsHeader = "T,wall_seconds,worker,episode,return,length,kind"

  // MARK: helpers

  func workerPIDs(_ report: [String: Any]) -> [Int32] {
    ((report["workers"] as? [[String: Any]]) ?? []).compactMap { Harness.int($0["pid"]).map(Int32.init) }
  }

  /// The four outputs exist, metrics has its header and rows, summary parses.
  func expectOutputs(_ out: String, minRows: Int = 1) throws -> [String: Any] {
    for f in ["metrics.csv", "summary.json", "config.json", "checkpoint.bin"] {
      #expect(FileManager.default.fileExists(atPath: out + "/" + f), "missing \(f)")
    }
    let metrics = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8)
    #expect(metrics.split(separator: "\n").first.map(String.init) == Self.metricsHeader)
    #expect(metrics.split(separator: "\n").count - 1 >= minRows)
    let ckpt = try Data(contentsOf: URL(fileURLWithPath: out + "/checkpoint.bin"))
    #expect(Array(ckpt.prefix(8)) == Array("HWCKPT01".utf8))
    return try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
  }

  func expectNoLeftovers(_ r: CLIResult, segment: String? = nil, workers: [Int32] = []) {
    #expect(!Harness.segmentExists(Harness.defaultSegment(pid: r.pid)))
    if let segment { #expect(!Harness.segmentExists(segment), "segment \(segment) left in /dev/shm") }
    let left = Harness.leftovers(supervisor: r.pid, workers: workers)
    #expect(left.isEmpty, "processes left behind by supervisor \(r.pid): \(left)")
  }

  func staleness(_ summary: [String: Any]) -> [String: Any] { summary["staleness"] as? [String: Any] ?? [:] }

  // MARK: 1. a short run

  @Test func shortRunWritesEveryOutputAndLeavesNothingBehind() throws {
    let s = try Scratch()
    let out = s.path("run")
    let r = try Harness.run(
      ["run", "--procs", "2", "--t-max", "100k", "--seed", "11", "--lr", "0.002", "--quiet", "--out", out],
      in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try expectOutputs(out, minRows: 10)
    for k in Self.summaryKeys { #expect(summary.keys.contains(k), "summary.json lacks \(k)") }
    let st = staleness(summary)
    for k in ["mean", "p50", "p99", "max"] { #expect(st[k] is NSNumber, "staleness.\(k) missing") }
    #expect(summary["exit_reason"] as? String == "t_max")
    #expect((Harness.int(summary["steps"]) ?? 0) >= 100_000)
    #expect((Harness.int(summary["updates"]) ?? 0) > 0)
    #expect(Harness.int(summary["procs"]) == 2)
    #expect(Harness.int(summary["seed"]) == 11)
    #expect(Harness.int(summary["t_max"]) == 100_000)

    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(Harness.int(config["seed"]) == 11)
    #expect(Harness.int(config["procs"]) == 2)
    #expect(Harness.int(config["t_max"]) == 100_000)
    #expect(Harness.double(config["lr"]) == 0.002)

    // The segment the run used is gone, and so is every worker.
    if let seg = summary["segment"] as? String { #expect(!Harness.segmentExists(seg)) }
    expectNoLeftovers(r)
  }

  // MARK: 2. learning

  @Test func defaultRunSolvesCartPole() throws {
    let s = try Scratch()
    let out = s.path("run")
    // Seed 3 solves in about 180k steps (~1 s); the cap is 5M steps.
    let r = try Harness.run(["run", "--procs", "1", "--seed", "3", "--quiet", "--out", out], in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try expectOutputs(out, minRows: 100)
    #expect(summary["exit_reason"] as? String == "target_reached")
    #expect((Harness.double(summary["mean_return_100"]) ?? 0) >= 475)
    #expect(Harness.int(summary["solved_at_step"]) != nil)
    #expect((Harness.int(summary["steps"]) ?? .max) < 5_000_000)
    expectNoLeftovers(r)
  }

  // MARK: 3. determinism

  @Test func singleWorkerRunsAreReproducible() throws {
    let s = try Scratch()
    var tables: [[String]] = []
    for i in 0..<2 {
      let out = s.path("run\(i)")
      let r = try Harness.run(
        ["run", "--procs", "1", "--seed", "7", "--t-max", "60000", "--quiet", "--out", out], in: s.url, timeout: 60)
      #expect(r.exitCode == 0, "\(r)")
      let text = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8)
      // Drop wall_seconds (column 1).
      tables.append(text.split(separator: "\n").map { line in
        var cols = line.split(separator: ",", omittingEmptySubsequences: false)
        if cols.count > 1 { cols.remove(at: 1) }
        return cols.joined(separator: ",")
      })
    }
    #expect(tables[0].count >= 51, "only \(tables[0].count - 1) rows")
    #expect(tables[0] == tables[1])
  }

  // MARK: 4. staleness

  @Test func singleWorkerHasNoStaleness() throws {
    let s = try Scratch()
    let out = s.path("run")
    let r = try Harness.run(["run", "--procs", "1", "--t-max", "30k", "--quiet", "--out", out], in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try expectOutputs(out)
    #expect(Harness.int(staleness(summary)["max"]) == 0)
    #expect(Harness.double(staleness(summary)["mean"]) == 0)
  }

  @Test func delayedWorkersRaiseStaleness() throws {
    // Ranks 0 and 1 wait 2 ms between reading θ and writing their gradient;
    // ranks 2 and 3 do not. Compared within one run, per worker (dump): a
    // delayed worker's updates each see every update the others applied
    // in those 2 ms. Measured on 2 cores: delayed means ≈ 140–190, the
    // others' ≈ 1–3. (Whole-run figures against a second, undelayed run
    // are not a test: 4 processes on 2 cores get descheduled for whole time
    // slices, which puts an undelayed run's p99 anywhere from 1 to > 100.)
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("delay")
    defer { Harness.removeSegment(segment) }
    let r = try Harness.run(["run", "--procs", "4", "--t-max", "200k", "--delay", "2ms", "--delay-workers", "0,1",
                             "--keep-segment", "--segment", segment, "--quiet", "--out", out], in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let report = try dumpJSON(segment, in: s)
    let workers = try #require(report["workers"] as? [[String: Any]])
    try #require(workers.count == 4)
    let means = workers.map { Harness.double($0["staleness_mean"]) ?? .nan }
    let delayed = min(means[0], means[1]), undelayed = max(means[2], means[3])
    #expect(delayed > 10 && delayed > 5 * undelayed, "staleness means per rank: \(means)")
    #expect((Harness.double(workers[0]["delay_seconds"]) ?? 0) > 0)
    #expect(Harness.double(workers[2]["delay_seconds"]) == 0)
    // The run's summary counts every update, the delayed ones included.
    let summary = try expectOutputs(out)
    #expect(Harness.int(staleness(summary)["max"]) ?? 0 > 10)
  }

  // MARK: 5. signals

  @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func stopSignalEndsTheRunCleanly(signal: Int32, status: Int32) throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("sig\(signal)")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "4", "--t-max", "500M", "--quiet", "--segment", segment, "--out", out], in: s.url)
    defer { p.killIfRunning() }
    let report = try waitForLiveSegment(segment, procs: 4, in: s)
    let workers = workerPIDs(report)
    let wait = 1.0 - Date().timeIntervalSince(p.start)
    if wait > 0 { usleep(UInt32(wait * 1e6)) }
    let sent = Date()
    p.send(signal)
    let r = p.wait(timeout: 30)
    let took = Date().timeIntervalSince(sent)
    #expect(!r.timedOut)
    #expect(r.exitCode == status, "\(r)")
    #expect(took < 2.0, "took \(took) s to stop after signal \(signal)")
    let summary = try expectOutputs(out)
    #expect(summary["exit_reason"] as? String == "signal")
    #expect(Harness.int(summary["signal"]) == Int(signal))
    expectNoLeftovers(r, segment: segment, workers: workers)
  }

  @Test
  func stopSignalWorksEvenIfInheritedBlocked() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("blocked")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "2", "--t-max", "500M", "--quiet", "--segment", segment, "--out", out], in: s.url,
      blocking: [SIGINT, SIGTERM])
    defer { p.killIfRunning() }
    let report = try waitForLiveSegment(segment, procs: 2, in: s)
    p.send(SIGINT)
    let r = p.wait(timeout: 5)
    #expect(!r.timedOut, "SIGINT was ignored")
    #expect(r.exitCode == 130, "\(r)")
    expectNoLeftovers(r, segment: segment, workers: workerPIDs(report))
  }

  // MARK: 6. a worker dies

  @Test func killedWorkerFailsTheRunWithoutRestarts() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("kill")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "4", "--t-max", "500M", "--quiet", "--max-restarts", "0", "--segment", segment, "--out", out],
      in: s.url)
    defer { p.killIfRunning() }
    let report = try waitForLiveSegment(segment, procs: 4, in: s)
    let workers = workerPIDs(report)
    try #require(workers.count == 4)
    let victim = workers[2]
    #expect(kill(victim, SIGKILL) == 0)
    let r = p.wait(timeout: 30)
    #expect(!r.timedOut)
    #expect(r.exitCode == 1, "\(r)")
    #expect(r.stderr.contains("worker 2"), "\(r.stderr)")
    #expect(r.stderr.contains("\(victim)"), "\(r.stderr)")
    #expect(r.stderr.contains("signal 9") || r.stderr.contains("Killed"), "\(r.stderr)")
    let summary = try expectOutputs(out)
    #expect(summary["exit_reason"] as? String == "error")
    #expect((summary["error"] as? String)?.contains("worker 2") == true)
    expectNoLeftovers(r, segment: segment, workers: workers)
  }

  @Test func killedAndHungWorkersAreReplaced() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("restart")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "4", "--t-max", "500M", "--quiet", "--worker-timeout", "300ms",
       "--segment", segment, "--out", out], in: s.url)
    defer { p.killIfRunning() }
    let report = try waitForLiveSegment(segment, procs: 4, in: s)
    let workers = workerPIDs(report)
    try #require(workers.count == 4)
    #expect(kill(workers[0], SIGKILL) == 0)   // crashed
    #expect(kill(workers[3], SIGSTOP) == 0)   // hung: no heartbeat
    // Within the timeout plus a few polls both ranks run again, as new pids.
    var replaced: [Int32] = []
    for _ in 0..<40 {
      usleep(100_000)
      let now = workerPIDs(try dumpJSON(segment, in: s))
      if now.count == 4, now[0] != workers[0], now[3] != workers[3], now.allSatisfy({ kill($0, 0) == 0 }) {
        replaced = now
        break
      }
    }
    #expect(!replaced.isEmpty, "ranks 0 and 3 were not replaced")
    #expect(replaced[1] == workers[1] && replaced[2] == workers[2])
    p.send(SIGINT)
    let r = p.wait(timeout: 30)
    #expect(r.exitCode == 130, "\(r)")
    #expect(r.stderr.contains("worker 0") && r.stderr.contains("restarted"), "\(r.stderr)")
    #expect(r.stderr.contains("worker 3") && r.stderr.contains("heartbeat"), "\(r.stderr)")
    let summary = try expectOutputs(out)
    #expect(summary["worker_restarts"] as? Int == 2)
    expectNoLeftovers(r, segment: segment, workers: workers + replaced)
  }

  // MARK: 7. dump of a live run

  @Test func dumpInspectsALiveRun() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("live")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "3", "--t-max", "500M", "--quiet", "--segment", segment, "--out", out], in: s.url)
    defer { p.killIfRunning() }
    let first = try waitForLiveSegment(segment, procs: 3, in: s)
    let pids = workerPIDs(first)

    // Text.
    let text = try Harness.run(["dump", segment], in: s.url, timeout: 10)
    #expect(text.exitCode == 0, "\(text)")
    #expect(text.stdout.contains(segment))
    let lines = text.stdout.split(separator: "\n").map(String.init)
    let wi = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "workers" }, "\(text.stdout)")
    let rows = lines[(wi + 1)...].filter { $0.trimmingCharacters(in: .whitespaces).first?.isNumber == true }
    #expect(rows.count == 3, "\(text.stdout)")
    for (rank, pid) in pids.enumerated() {
      #expect(rows.contains { $0.split(separator: " ").prefix(2).map(String.init) == ["\(rank)", "\(pid)"] },
              "no row for worker \(rank) pid \(pid)")
    }

    // JSON, twice.
    func dumpJSON() throws -> [String: Any] {
      let d = try Harness.run(["dump", "--json", segment], in: s.url, timeout: 10)
      #expect(d.exitCode == 0, "\(d)")
      return try #require(try Harness.json(d.stdout) as? [String: Any])
    }
    let a = try dumpJSON()
    for k in ["T", "U", "T_max", "procs", "workers"] { #expect(a.keys.contains(k), "dump --json lacks \(k)") }
    #expect(Harness.int(a["procs"]) == 3)
    #expect(Harness.int(a["T_max"]) == 500_000_000)
    let ws = try #require(a["workers"] as? [[String: Any]])
    #expect(ws.count == 3)
    for w in ws {
      for k in ["pid", "t", "episodes", "updates"] { #expect(w[k] is NSNumber, "worker lacks \(k): \(w)") }
    }
    usleep(500_000)
    let b = try dumpJSON()
    #expect((Harness.int(b["T"]) ?? 0) > (Harness.int(a["T"]) ?? .max))

    // --list, text and JSON.
    let list = try Harness.run(["dump", "--list"], in: s.url, timeout: 10)
    #expect(list.exitCode == 0, "\(list)")
    let row = list.stdout.split(separator: "\n").first { $0.split(separator: " ").first.map(String.init) == segment }
    #expect(row != nil, "\(list.stdout)")
    if let row {
      let cols = row.split(separator: " ").map(String.init)
      #expect(cols.contains("\(p.pid)") && cols.contains("yes"), "\(row)")
    }
    let listJSON = try Harness.run(["dump", "--list", "--json"], in: s.url, timeout: 10)
    #expect(listJSON.exitCode == 0)
    let entries = try #require(try Harness.json(listJSON.stdout) as? [[String: Any]])
    let mine = entries.first { $0["segment"] as? String == segment }
    #expect(mine?["creator_alive"] as? Bool == true)
    #expect(Harness.int(mine?["creator_pid"]) == Int(p.pid))

    p.send(SIGINT)
    let r = p.wait(timeout: 30)
    #expect(r.exitCode == 130, "\(r)")
    expectNoLeftovers(r, segment: segment, workers: pids)
  }

  // MARK: 8. dump of objects that are not segments

  @Test func dumpRejectsBadObjectsWithOneLine() throws {
    let s = try Scratch()
    let tag = UInt32.random(in: 0...UInt32.max)
    func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    var random = [UInt8](repeating: 0, count: 100_000)
    for i in random.indices { random[i] = UInt8.random(in: 0...255) }
    random[0] = 0  // never the magic by chance
    let magic: UInt64 = 0x2144_4C49_5747_4F48
    let objects: [(String, [UInt8])] = [
      ("random", random),
      ("truncated", Array(random.prefix(3))),
      ("empty", []),
      ("version99", le(magic) + le(UInt32(99)) + [UInt8](repeating: 0, count: 8180)),
      ("v1-garbage", le(magic) + le(UInt32(1)) + Array(random.prefix(8180))),
      ("v1-ones", le(magic) + le(UInt32(1)) + [UInt8](repeating: 0xFF, count: 8180)),
      ("magic-only", le(magic)),
    ]
    var names: [String] = []
    defer { for n in names { Harness.removeSegment(n) } }
    for (kind, bytes) in objects {
      let name = "/hogwild-rl-test-garbage.\(tag).\(kind)"
      names.append(name)
      #expect(FileManager.default.createFile(atPath: Harness.shm + name, contents: Data(bytes)))
    }
    for name in names {
      for args in [["dump", name], ["dump", "--json", name]] {
        let r = try Harness.run(args, in: s.url, timeout: 10)
        #expect(r.signal == nil, "crashed: \(args) \(r)")
        #expect(r.exitCode == 1, "\(args) \(r)")
        #expect(r.stderrLines.count == 1, "\(args) \(r)")
        #expect(r.stderrLines.first?.isEmpty == false)
      }
    }
    // Listing them must not crash either.
    let list = try Harness.run(["dump", "--list"], in: s.url, timeout: 10)
    #expect(list.signal == nil && list.exitCode == 0, "\(list)")
    for name in names { #expect(list.stdout.contains(name)) }

    let missing = try Harness.run(["dump", "/no-such-segment-\(tag)"], in: s.url, timeout: 10)
    #expect(missing.exitCode == 64, "\(missing)")
    #expect(missing.stderrLines.count == 1, "\(missing)")
  }

  // MARK: 9. --keep-segment

  @Test func keptSegmentCanBeDumpedAfterTheRun() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("keep")
    defer { Harness.removeSegment(segment) }
    let r = try Harness.run(
      ["run", "--procs", "2", "--t-max", "30k", "--quiet", "--keep-segment", "--segment", segment, "--out", out],
      in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    #expect(Harness.segmentExists(segment))
    let d = try Harness.run(["dump", segment], in: s.url, timeout: 10)
    #expect(d.exitCode == 0, "\(d)")
    #expect(d.stdout.contains(segment))
    #expect(d.stdout.contains("state done"), "\(d.stdout)")
    let j = try Harness.run(["dump", "--json", segment], in: s.url, timeout: 10)
    let report = try #require(try Harness.json(j.stdout) as? [String: Any])
    #expect(report["state"] as? String == "done")
    #expect((Harness.int(report["T"]) ?? 0) >= 30_000)
    #expect(report["creator_alive"] as? Bool == false)
    #expect(Harness.leftovers(supervisor: r.pid).isEmpty)
    Harness.removeSegment(segment)
    #expect(!Harness.segmentExists(segment))
  }

  // MARK: 10. bad input

  /// (arguments after `run`, text stderr must contain)
  static let badRunArguments: [([String], String)] = [
    (["--procs", "0"], "--procs"),
    (["--procs", "257"], "--procs"),
    (["--procs", "abc"], "--procs"),
    (["--procs", "1.5"], "--procs"),
    (["--env", "NoSuchEnv-v0"], "--env"),
    (["--delay", "-1ms"], "--delay"),
    (["--delay", "5parsecs"], "--delay"),
    (["--no-such-flag"], "--no-such-flag"),
    (["--lr"], "--lr"),
    (["--lr", "-1"], "--lr"),
    (["--lr", "nan"], "--lr"),
    (["--gamma", "1.5"], "--gamma"),
    (["--update", "bogus"], "--update"),
    (["--optimizer", "bogus"], "--optimizer"),
    (["--hidden", "0"], "--hidden"),
    (["--procs", "2", "--delay-workers", "5"], "--delay-workers"),
    (["--segment", "a/b"], "--segment"),
    (["--t-max", "0"], "--t-max"),
    (["--quiet=yes"], "--quiet"),
    (["--rmsprop-sqrt", "bogus"], "--rmsprop-sqrt"),
    (["--rmsprop-sqrt", "fast", "--update", "atomic"], "--rmsprop-sqrt"),
    (["--rmsprop-sqrt", "fast", "--optimizer", "sgd"], "--rmsprop-sqrt"),
  ]

  @Test(arguments: badRunArguments)
  func badRunInputIsRejected(args: [String], flag: String) throws {
    let s = try Scratch()
    let out = s.path("x")
    // Valid, small settings first; the bad ones come last and win.
    let r = try Harness.run(["run", "--quiet", "--procs", "1", "--t-max", "20k", "--out", out] + args,
                            in: s.url, timeout: 30)
    #expect(r.exitCode == 64, "\(args): \(r)")
    #expect(r.stderrLines.count == 1, "\(args): \(r)")
    #expect(r.stderr.contains(flag), "\(args): \(r.stderr)")
    #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
    #expect(!FileManager.default.fileExists(atPath: out), "\(args) created \(out)")
    expectNoLeftovers(r)
  }

  @Test func unknownSubcommandIsRejected() throws {
    let s = try Scratch()
    let r = try Harness.run(["bogus-subcommand"], in: s.url, timeout: 10)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stderrLines.count == 1, "\(r)")
    #expect(r.stderr.contains("bogus-subcommand"))
    let d = try Harness.run(["dump", "--no-such-flag"], in: s.url, timeout: 10)
    #expect(d.exitCode == 64, "\(d)")
    #expect(d.stderrLines.count == 1, "\(d)")
    #expect(d.stderr.contains("--no-such-flag"))
  }

  @Test func segmentNameInUseIsRejectedAndUntouched() throws {
    let s = try Scratch()
    let out = s.path("x")
    let segment = Harness.uniqueSegment("inuse")
    defer { Harness.removeSegment(segment) }
    let content = Data("not yours; do not touch".utf8)
    try #require(FileManager.default.createFile(atPath: Harness.shm + segment, contents: content))
    let r = try Harness.run(
      ["run", "--quiet", "--procs", "1", "--t-max", "20k", "--segment", segment, "--out", out], in: s.url, timeout: 30)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stderrLines.count == 1, "\(r)")
    #expect(r.stderr.contains("--segment"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect(FileManager.default.contents(atPath: Harness.shm + segment) == content)
    expectNoLeftovers(r)
  }

  @Test func unwritableOutputDirectoryIsRejected() throws {
    let s = try Scratch()
    let r = try Harness.run(
      ["run", "--quiet", "--procs", "1", "--t-max", "20k", "--out", "/proc/hogwild-test/out"], in: s.url, timeout: 30)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stderrLines.count == 1, "\(r)")
    #expect(r.stderr.contains("--out"), "\(r.stderr)")
    expectNoLeftovers(r)
    // A path through a regular file.
    let file = s.path("a-file")
    try #require(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
    let r2 = try Harness.run(["run", "--quiet", "--procs", "1", "--t-max", "20k", "--out", file + "/out"],
                             in: s.url, timeout: 30)
    #expect(r2.exitCode == 64, "\(r2)")
    #expect(r2.stderrLines.count == 1, "\(r2)")
    expectNoLeftovers(r2)
  }

  @Test
  func failingOutputDirectoryCreatesNothing() throws {
    let s = try Scratch()
    let parent = s.path("new")
    let out = parent + "/sub/" + String(repeating: "a", count: 300)  // ENAMETOOLONG on the last component
    let r = try Harness.run(["run", "--quiet", "--procs", "1", "--t-max", "20k", "--out", out], in: s.url, timeout: 30)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stderrLines.count == 1, "\(r)")
    #expect(!FileManager.default.fileExists(atPath: parent), "exit 64 but \(parent) was created")
    expectNoLeftovers(r)
  }

  // MARK: 11. help

  @Test func helpDescribesEveryOption() throws {
    let s = try Scratch()
    let top = try Harness.run(["--help"], in: s.url, timeout: 10)
    #expect(top.exitCode == 0, "\(top)")
    #expect(top.stdout.contains("run") && top.stdout.contains("dump"))
    let bare = try Harness.run([], in: s.url, timeout: 10)
    #expect(bare.exitCode == 0, "\(bare)")

    let run = try Harness.run(["run", "--help"], in: s.url, timeout: 10)
    #expect(run.exitCode == 0, "\(run)")
    for o in [
      "--env", "--algo", "--procs", "--seed", "--t-max", "--target-return", "--n-steps", "--gamma", "--ent-coef",
      "--vf-coef", "--lr", "--lr-schedule", "--max-grad-norm", "--optimizer", "--rms-alpha", "--rms-eps", "--hidden",
      "--activation", "--update", "--delay", "--delay-workers", "--out", "--segment", "--keep-segment", "--quiet",
      "--test-every", "--rmsprop-sqrt",
    ] {
      #expect(run.stdout.contains(o + " ") || run.stdout.contains(o + "\n"), "run --help lacks \(o)")
    }
    // --help does nothing else: no run starts.
    #expect(!Harness.segmentExists(Harness.defaultSegment(pid: run.pid)))

    let dump = try Harness.run(["dump", "--help"], in: s.url, timeout: 10)
    #expect(dump.exitCode == 0, "\(dump)")
    for o in ["--json", "--list"] { #expect(dump.stdout.contains(o), "dump --help lacks \(o)") }
  }

  // MARK: 12. update modes and optimizers

  @Test(arguments: [
    ["--update", "hogwild"], ["--update", "atomic"], ["--update", "locked"],
    ["--optimizer", "shared-rmsprop"], ["--optimizer", "rmsprop"], ["--optimizer", "sgd"],
  ])
  func everyUpdateModeAndOptimizerTrains(mode: [String]) throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("mode")
    defer { Harness.removeSegment(segment) }
    let r = try Harness.run(
      ["run", "--procs", "2", "--t-max", "30k", "--quiet", "--keep-segment", "--segment", segment, "--out", out] + mode,
      in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(mode): \(r)")
    let summary = try expectOutputs(out)
    #expect(summary["exit_reason"] as? String == "t_max")
    #expect((Harness.int(summary["updates"]) ?? 0) > 0)
    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(config[mode[0] == "--update" ? "update" : "optimizer"] as? String == mode[1])
    // Parameters stay finite: the kept segment's statistics count non-finite values.
    let d = try Harness.run(["dump", "--json", segment], in: s.url, timeout: 10)
    let report = try #require(try Harness.json(d.stdout) as? [String: Any])
    let params = report["parameters"] as? [String: Any]
    #expect(Harness.int(params?["non_finite"]) == 0, "\(mode): \(params ?? [:])")
    #expect(Harness.double(params?["l2"]).map { $0.isFinite && $0 > 0 } == true)
  }

  @Test(arguments: [[], ["--update", "locked"], ["--optimizer", "rmsprop"], ["--algo", "a2c"]])
  func rmspropFastFormTrains(extra: [String]) throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("fast")
    defer { Harness.removeSegment(segment) }
    let r = try Harness.run(
      ["run", "--procs", "2", "--t-max", "30k", "--quiet", "--keep-segment", "--segment", segment, "--out", out,
       "--rmsprop-sqrt", "fast"] + extra,
      in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(extra): \(r)")
    let summary = try expectOutputs(out)
    #expect(summary["exit_reason"] as? String == "t_max")
    #expect((Harness.int(summary["updates"]) ?? 0) > 0)
    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(config["rmsprop_sqrt"] as? String == "fast")
    let d = try Harness.run(["dump", "--json", segment], in: s.url, timeout: 10)
    let report = try #require(try Harness.json(d.stdout) as? [String: Any])
    let params = report["parameters"] as? [String: Any]
    #expect(Harness.int(params?["non_finite"]) == 0, "\(extra): \(params ?? [:])")
    #expect(Harness.double(params?["l2"]).map { $0.isFinite && $0 > 0 } == true)
  }
}
