// StudyCLITests.swift — `run --audit` (lost updates measured) and `run
// --stale-updates K` (controlled staleness) end to end.

import Foundation
import Glibc
import Testing

extension CLITests {
  /// summary.json of a finished run with `args`.
  func studyRun(_ args: [String], in s: Scratch, _ tag: String) throws -> [String: Any] {
    let out = s.path(tag)
    let r = try Harness.run(["run", "--quiet", "--out", out] + args, in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    return try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
  }

  @Test func auditFindsNothingLostWhenLockedOrAlone() throws {
    let s = try Scratch()
    for (tag, args) in [("locked", ["--procs", "4", "--update", "locked"]), ("alone", ["--procs", "1"]),
                        ("atomic", ["--procs", "2", "--update", "atomic"])] {
      let summary = try studyRun(args + ["--audit", "--t-max", "40k", "--seed", "9"], in: s, tag)
      let audit = try #require(summary["audit"] as? [String: Any], "\(tag)")
      let lost = try #require(Harness.double(audit["lost_fraction"]), "\(tag)")
      // Only float rounding of θ += step remains (measured ~3e-6).
      #expect(lost >= 0 && lost < 1e-4, "\(tag): lost fraction \(lost)")
      #expect((Harness.double(audit["intended_norm"]) ?? 0) > 0.1)
    }
    // Without --audit there is no audit key.
    let plain = try studyRun(["--procs", "1", "--t-max", "2000"], in: s, "plain")
    #expect(plain["audit"] == nil)
  }

  @Test func auditShowsLiveInDumpAndPerLayer() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("audit")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "4", "--audit", "--t-max", "500M", "--quiet", "--segment", segment, "--out", out],
      in: s.url)
    defer { p.killIfRunning() }
    var report = try waitForLiveSegment(segment, procs: 4, in: s)
    for _ in 0..<50 where Harness.int(report["U"]) ?? 0 < 200 {
      usleep(50_000)
      report = try dumpJSON(segment, in: s)
    }
    let audit = try #require(report["audit"] as? [String: Any])
    let lost = try #require(Harness.double(audit["lost_fraction"]))
    #expect(lost.isFinite && lost >= 0 && lost <= 1, "hogwild, 4 workers: \(lost)")
    let layerNames = (report["layers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    let auditNames = (audit["layers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    #expect(!layerNames.isEmpty && auditNames == layerNames)
    let text = try Harness.run(["dump", segment], in: s.url, timeout: 10)
    #expect(text.stdout.contains("audit      lost fraction"), "\(text)")
    p.send(SIGINT)
    let r = p.wait(timeout: 20)
    #expect(r.exitCode == 130 || r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
    let final = try #require(summary["audit"] as? [String: Any])
    let finalLost = try #require(Harness.double(final["lost_fraction"]))
    #expect(finalLost.isFinite && finalLost >= 0 && finalLost <= 1)
    #expect((final["layers"] as? [Any])?.count == layerNames.count)
  }

  @Test func staleUpdatesMakeStalenessExactlyK() throws {
    let s = try Scratch()
    for (algo, procs, k) in [("a3c", 2, 1), ("a3c", 2, 3), ("a3c", 1, 3), ("a3c", 3, 8), ("qn", 2, 3), ("q1", 2, 2)] {
      let tag = "\(algo)-\(procs)-\(k)"
      let summary = try studyRun(["--algo", algo, "--procs", "\(procs)", "--stale-updates", "\(k)",
                                  "--t-max", "20k", "--audit"], in: s, tag)
      let st = try #require(summary["staleness"] as? [String: Any])
      let hist = (st["histogram"] as? [Any] ?? []).compactMap(Harness.int)
      let count = Harness.int(st["count"]) ?? 0
      let bucket = k == 0 ? 0 : Int(log2(Double(k))) + 1
      #expect(count > 100 && count == Harness.int(summary["updates"]), "\(tag)")
      #expect(hist.count == 32 && hist[bucket] == count, "\(tag): every update in K's bucket: \(hist)")
      #expect(Harness.int(st["max"]) == k && Harness.double(st["p50"]) == Double(k)
        && Harness.double(st["mean"]) == Double(k), "\(tag): \(st)")
      // Updates go one at a time in order: nothing is lost.
      let audit = try #require(summary["audit"] as? [String: Any])
      #expect((Harness.double(audit["lost_fraction"]) ?? 1) < 1e-4, "\(tag)")
      let config = try Harness.json(at: URL(fileURLWithPath: s.path(tag) + "/config.json"))
      #expect(Harness.int(config["stale_updates"]) == k)
    }
  }

  @Test func staleUpdatesSurviveKilledWorkers() throws {
    // A killed worker may hold the ticket the others wait for; its
    // re-forked successor takes it over, so updates keep coming.
    let s = try Scratch()
    let segment = Harness.uniqueSegment("stalekill")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "3", "--stale-updates", "2", "--t-max", "500M", "--quiet", "--segment", segment,
       "--out", s.path("run")], in: s.url)
    defer { p.killIfRunning() }
    let report = try waitForLiveSegment(segment, procs: 3, in: s)
    let workers = workerPIDs(report)
    try #require(workers.count == 3)
    #expect(kill(workers[0], SIGKILL) == 0)
    usleep(20_000)
    #expect(kill(workers[2], SIGKILL) == 0)
    var progressed = false
    var before = 0
    for i in 0..<50 {
      usleep(100_000)
      let now = try dumpJSON(segment, in: s)
      let pids = workerPIDs(now)
      let u = Harness.int(now["U"]) ?? 0
      guard pids.count == 3, pids[0] != workers[0], pids[2] != workers[2] else { continue }
      if i > 0, before > 0, u > before + 100 {
        progressed = true
        let st = try #require(now["staleness"] as? [String: Any])
        #expect(Harness.int(st["max"]) == 2 && Harness.double(st["mean"]) == 2, "\(st)")
        break
      }
      before = u
    }
    #expect(progressed, "updates continue after the ticket holders were killed")
  }

  @Test func staleUpdatesRefusesWhatItCannotDo() throws {
    let s = try Scratch()
    for args in [["--stale-updates", "-1"], ["--stale-updates", "4097"], ["--stale-updates", "two"],
                 ["--stale-updates", "2", "--algo", "a2c"], ["--stale-updates", "2", "--update", "locked"],
                 ["--stale-updates", "2", "--independent"], ["--audit", "--independent"]] {
      let r = try Harness.run(["run", "--t-max", "1000", "--quiet", "--out", s.path("x")] + args, in: s.url)
      #expect(r.exitCode == 64, "\(args): \(r)")
      #expect(r.stderrLines.count == 1, "\(r)")
    }
  }

  @Test func resumeKeepsKAndRestartsTheAudit() throws {
    let s = try Scratch()
    let out = s.path("run")
    _ = try studyRun(["--procs", "2", "--stale-updates", "2", "--t-max", "10k"], in: s, "run")
    let r = try Harness.run(["run", "--resume", out, "--t-max", "20k", "--audit", "--quiet"], in: s.url)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
    let st = try #require(summary["staleness"] as? [String: Any])
    #expect(Harness.int(st["max"]) == 2 && Harness.double(st["mean"]) == 2)
    let audit = try #require(summary["audit"] as? [String: Any])
    #expect((Harness.double(audit["lost_fraction"]) ?? 1) < 1e-4)
    let changed = try Harness.run(["run", "--resume", out, "--t-max", "30k", "--stale-updates", "4"], in: s.url)
    #expect(changed.exitCode == 64, "\(changed)")
  }
}
