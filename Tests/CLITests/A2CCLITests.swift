// A2CCLITests.swift — the synchronous control end to end: it learns, its
// gradients are never stale (even with a straggler), and its barrier
// survives killed workers.

import Foundation
import Glibc
import Testing

extension CLITests {
  @Test func a2cSolvesCartPoleWithZeroStaleness() throws {
    // Measured: --procs 4, seed 1 solved at 0.28M–0.51M steps; budget 3M.
    let s = try Scratch()
    let out = s.path("run")
    let r = try Harness.run(
      ["run", "--algo", "a2c", "--procs", "4", "--seed", "1", "--t-max", "3M", "--target-return", "475",
       "--quiet", "--out", out], in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try expectOutputs(out)
    #expect(summary["exit_reason"] as? String == "target_reached")
    #expect((Harness.double(summary["mean_return_100"]) ?? 0) >= 475)
    let st = try #require(summary["staleness"] as? [String: Any])
    #expect(Harness.int(st["max"]) == 0)
    #expect((Harness.int(st["count"]) ?? 0) > 1000)
    // The default step for 4 synchronous workers: 4 × the A3C default.
    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(abs((Harness.double(config["lr"]) ?? 0) - 0.012) < 1e-12)
  }

  @Test func a2cStragglerSlowsEveryoneButNothingIsStale() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("a2cdelay")
    defer { Harness.removeSegment(segment) }
    let r = try Harness.run(
      ["run", "--algo", "a2c", "--procs", "4", "--seed", "3", "--t-max", "40k", "--delay", "2ms",
       "--delay-workers", "0", "--keep-segment", "--segment", segment, "--quiet", "--out", out],
      in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let report = try dumpJSON(segment, in: s)
    let workers = try #require(report["workers"] as? [[String: Any]])
    try #require(workers.count == 4)
    let rounds = Harness.int(report["sync_rounds"]) ?? 0
    #expect(rounds >= 400, "40k steps / (4 workers × 20 steps) ≈ 500 rounds")
    for w in workers {
      let hist = (w["staleness_histogram"] as? [Any] ?? []).compactMap(Harness.int)
      let updates = Harness.int(w["updates"]) ?? -1
      #expect(hist.first == updates && updates > 0, "every update in bucket 0: \(hist)")
      #expect(hist.dropFirst().allSatisfy { $0 == 0 })
      // Every worker applied its slice of every completed round.
      #expect(abs(updates - rounds) <= 1)
    }
    // Only rank 0 slept; the others waited for it at the barrier.
    #expect((Harness.double(workers[0]["delay_seconds"]) ?? 0) >= 0.5)
    #expect(Harness.double(workers[1]["delay_seconds"]) == 0)
  }

  @Test func a2cBarrierSurvivesKilledWorkers() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("a2ckill")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--algo", "a2c", "--procs", "4", "--t-max", "500M", "--quiet", "--segment", segment, "--out", out],
      in: s.url)
    defer { p.killIfRunning() }
    let report = try waitForLiveSegment(segment, procs: 4, in: s)
    let workers = workerPIDs(report)
    try #require(workers.count == 4)
    #expect(kill(workers[1], SIGKILL) == 0)
    usleep(50_000)
    #expect(kill(workers[2], SIGKILL) == 0)
    // Rounds keep completing after both ranks are re-forked: no deadlock.
    var before = 0
    var progressed = false
    for i in 0..<50 {
      usleep(100_000)
      let now = try dumpJSON(segment, in: s)
      let pids = workerPIDs(now)
      let rounds = Harness.int(now["sync_rounds"]) ?? 0
      guard pids.count == 4, pids[1] != workers[1], pids[2] != workers[2] else { continue }
      if before == 0 { before = rounds; continue }
      if rounds > before + 50 { progressed = true; break }
      _ = i
    }
    #expect(progressed, "the barrier did not make progress after the kills")
    p.send(SIGINT)
    let r = p.wait(timeout: 10)
    #expect(r.exitCode == 130, "\(r)")
    let summary = try expectOutputs(out)
    #expect(Harness.int(summary["worker_restarts"]) == 2)
    let st = try #require(summary["staleness"] as? [String: Any])
    #expect(Harness.int(st["max"]) == 0)
    expectNoLeftovers(r, segment: segment, workers: workers)
  }

  @Test func a2cRefusesIndependentWorkers() throws {
    let s = try Scratch()
    let r = try Harness.run(["run", "--algo", "a2c", "--independent", "--t-max", "1000"], in: s.url, timeout: 10)
    #expect(r.exitCode == 64)
    #expect(r.stderr.contains("--independent"), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
  }
}
