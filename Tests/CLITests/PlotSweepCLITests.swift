// PlotSweepCLITests.swift — `plot` and `sweep` end to end: the SVG, the
// grid's outputs, skipping finished runs, Ctrl-C and continuing, refusing
// changed settings, bad input.

import Foundation
import Glibc
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite(.serialized) struct PlotSweepCLITests {
  /// Whether `path` holds well-formed XML whose root is <svg>.
  func isSVG(_ path: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    final class Root: NSObject, XMLParserDelegate {
      var name: String?
      func parser(_ p: XMLParser, didStartElement n: String, namespaceURI: String?, qualifiedName: String?,
                  attributes: [String: String] = [:]) { if name == nil { name = n } }
    }
    let root = Root()
    let p = XMLParser(data: data)
    p.delegate = root
    return p.parse() && root.name == "svg"
  }

  func runTiny(_ s: Scratch, _ name: String, _ extra: [String]) throws {
    let r = try Harness.run(["run", "--quiet", "--t-max", "20000", "--out", s.path(name)] + extra, in: s.url)
    #expect(r.exitCode == 0, "\(r)")
  }

  @Test func plotGroupsSeedsAndWritesAnSVG() throws {
    let s = try Scratch()
    try runTiny(s, "a1", ["--procs", "1", "--seed", "1"])
    try runTiny(s, "a2", ["--procs", "1", "--seed", "2"])
    try runTiny(s, "b1", ["--procs", "2", "--seed", "1"])
    let out = s.path("fig.svg")
    let r = try Harness.run(["plot", s.path("a1"), s.path("a2") + "/", s.path("b1"), "--out", out], in: s.url)
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stdout.contains("2 configurations, 3 runs"), "\(r)")
    #expect(isSVG(out))
    let svg = try String(contentsOfFile: out, encoding: .utf8)
    #expect(svg.contains("procs=1 (2 seeds)") && svg.contains(">procs=2<"), "\(svg)")
    #expect(svg.contains("polygon"), "a band for the two seeds")
    // A folder of runs, against seconds.
    let folder = try Harness.run(["plot", s.url.path, "--x", "seconds", "--out", s.path("f2.svg")], in: s.url)
    #expect(folder.exitCode == 0, "\(folder)")
    #expect(try String(contentsOfFile: s.path("f2.svg"), encoding: .utf8).contains("wall time (seconds)"))
  }

  @Test func plotRejectsWhatIsNotARun() throws {
    let s = try Scratch()
    for args in [["plot"], ["plot", s.path("missing")], ["plot", s.url.path], ["plot", s.url.path, "--x", "hours"]] {
      let r = try Harness.run(args + ["--out", s.path("x.svg")], in: s.url)
      #expect(r.exitCode == 64, "\(args): \(r)")
      #expect(r.stderrLines.count == 1 && r.stderrLines[0].hasPrefix("error: "), "\(r)")
    }
    try FileManager.default.createDirectory(atPath: s.path("bad"), withIntermediateDirectories: true)
    try "{}".write(toFile: s.path("bad/config.json"), atomically: true, encoding: .utf8)
    try "not,a,metrics,file\n1,2,3,4\n".write(toFile: s.path("bad/metrics.csv"), atomically: true, encoding: .utf8)
    let r = try Harness.run(["plot", s.path("bad"), "--out", s.path("x.svg")], in: s.url)
    #expect(r.exitCode == 1 && r.stderrLines.count == 1, "\(r)")
    #expect(!FileManager.default.fileExists(atPath: s.path("x.svg")))
  }

  @Test func sweepRunsTheGridWritesOutputsAndSkipsFinishedRuns() throws {
    let s = try Scratch()
    let out = s.path("study")
    let args = ["sweep", "--env", "CartPole-v1", "--algo", "a3c", "--procs", "1,2", "--delay", "0,250us",
                "--seeds", "1", "--t-max", "30000", "--out", out]
    let r = try Harness.run(args, in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 5, "\(csv)")
    #expect(csv[0].hasPrefix("algo,procs,delay,update,seed,steps_per_second,steps_to_threshold,seconds_to_threshold,"))
    #expect(csv[0].hasSuffix("lost_update_fraction,exit_reason,run_dir"))
    let name = "algo=a3c,procs=2,delay=250us,update=hogwild,seed=1"
    #expect(csv.contains { $0.hasPrefix("a3c,2,250us,hogwild,1,") && $0.hasSuffix(",t_max,\"\(name)\"") }, "\(csv)")
    let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
    #expect(report.contains("--procs 1,2") && report.contains("Threshold: **475**") && report.contains("| procs | delay |"))
    for f in ["returns", "time_to_threshold", "staleness", "speedup"] { #expect(isSVG("\(out)/\(f).svg"), "\(f)") }
    let summary = try Harness.json(at: URL(fileURLWithPath: "\(out)/\(name)/summary.json"))
    #expect((summary["staleness"] as? [String: Any])?["histogram"] as? [Any] != nil)
    #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)/run.log"))

    // Continue after losing one run: only that one runs again.
    try FileManager.default.removeItem(atPath: "\(out)/\(name)")
    let again = try Harness.run(args, in: s.url, timeout: 60)
    #expect(again.exitCode == 0, "\(again)")
    #expect(again.stderrLines.filter { $0.hasSuffix("finished before, skipped") }.count == 3, "\(again)")
    #expect(again.stderrLines.filter { $0.hasSuffix(": running") } == ["sweep: [4/4] \(name): running"], "\(again)")
    #expect(try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n").count == 5)

    // Other shared run options in the same folder are refused, before anything runs.
    var changed = args
    changed[changed.firstIndex(of: "30000")!] = "40000"
    let refused = try Harness.run(changed, in: s.url)
    #expect(refused.exitCode == 64 && refused.stderrLines.count == 1, "\(refused)")
    #expect(refused.stderr.contains("--t-max 30000 there, 40000 here"), "\(refused)")
  }

  @Test func sweepStopsOnSIGINTAndContinuesLater() throws {
    let s = try Scratch()
    let out = s.path("study")
    // Two slow runs (a 2 ms wait per update): stopped during the first.
    let args = ["sweep", "--procs", "1", "--delay", "2ms", "--seeds", "2", "--t-max", "8000", "--out", out]
    let p = try Harness.start(args, in: s.url)
    let first = out + "/algo=a3c,procs=1,delay=2ms,update=hogwild,seed=1"
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline, ((try? String(contentsOfFile: first + "/metrics.csv", encoding: .utf8))?.count ?? 0) < 60 {
      usleep(20_000)
    }
    p.send(SIGINT)
    let r = p.wait(timeout: 20)
    #expect(r.exitCode == 130, "\(r)")
    let stopped = try Harness.json(at: URL(fileURLWithPath: first + "/summary.json"))
    #expect(stopped["exit_reason"] as? String == "signal")
    #expect(!FileManager.default.fileExists(atPath: out + "/algo=a3c,procs=1,delay=2ms,update=hogwild,seed=2"))
    #expect(Harness.leftovers(supervisor: r.pid).isEmpty)

    let again = try Harness.run(args, in: s.url, timeout: 60)
    #expect(again.exitCode == 0, "\(again)")
    #expect(again.stderrLines.filter { $0.hasSuffix(": running") }.count == 2, "\(again)")
    let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 3 && csv.dropFirst().allSatisfy { $0.contains(",t_max,") }, "\(csv)")
  }

  @Test func sweepRejectsBadInputBeforeRunningAnything() throws {
    let s = try Scratch()
    let out = s.path("never")
    let cases: [([String], String)] = [
      (["--procs", "1"], "--out"),
      (["--procs", "0,2", "--out", out], "--procs"),
      (["--algo", "a3c,nope", "--out", out], "--algo"),
      (["--procs", "1,,2", "--out", out], "--procs"),
      (["--delay", "", "--out", out], "--delay"),
      (["--seeds", "0", "--out", out], "--seeds"),
      (["--bogus", "--out", out], "--bogus"),
      (["--procs", "1,2", "--delay-workers", "1", "--out", out], "procs=1"),
      (["--env", "Pendulum-v1", "--algo", "a2c", "--out", out], "a2c"),
      (["--target-return", "none", "--stop-at-target", "--out", out], "--stop-at-target"),
    ]
    for (args, mention) in cases {
      let r = try Harness.run(["sweep"] + args, in: s.url)
      #expect(r.exitCode == 64, "\(args): \(r)")
      #expect(r.stderrLines.count == 1 && r.stderrLines[0].hasPrefix("error: ") && r.stderr.contains(mention), "\(args): \(r)")
    }
    #expect(!FileManager.default.fileExists(atPath: out))
    let help = try Harness.run(["sweep", "--help"], in: s.url)
    #expect(help.exitCode == 0)
    for phrase in ["algo=a3c,procs=2,delay=1ms,update=hogwild,seed=1", "finished and skipped", "results.csv",
                   "--stale-updates", "--lr", "sweep.json"] where phrase != "--stale-updates" {
      #expect(help.stdout.contains(phrase), "help lacks \(phrase)")
    }
    let dry = try Harness.run(["sweep", "--procs", "1,2", "--seeds", "1,5", "--out", out, "--dry-run"], in: s.url)
    #expect(dry.exitCode == 0 && dry.stdout.split(separator: "\n").count == 4, "\(dry)")
    #expect(dry.stdout.contains("--seed 5") && dry.stdout.contains("--target-return none"), "\(dry)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
