// CheckpointCLITests.swift — checkpoints, `run --resume` and `eval`, driven
// through the built executable (see CLIHarness).
//
// Nested in CLITests so that its serialization covers these tests too: none
// of them runs at the same time as a timing-sensitive CLI test.

import Foundation
import Glibc
import Testing

extension CLITests {
@Suite(.serialized) struct CheckpointCLITests {
  static let metricsHeader = "T,wall_seconds,worker,episode,return,length,kind"

  /// `eval --checkpoint path --episodes n --json` as a dictionary.
  func evalJSON(_ path: String, episodes: Int = 1, extra: [String] = [], in s: Scratch) throws -> [String: Any] {
    let r = try Harness.run(["eval", "--checkpoint", path, "--episodes", "\(episodes)", "--json"] + extra,
                            in: s.url, timeout: 30)
    #expect(r.exitCode == 0, "\(r)")
    return try #require(try Harness.json(r.stdout) as? [String: Any])
  }

  func lines(_ path: String) throws -> [Substring] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
  }

  /// Waits until `path` exists (or the timeout).
  func waitForFile(_ path: String, timeout: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if FileManager.default.fileExists(atPath: path) { return true }
      usleep(20_000)
    }
    return false
  }

  /// A short finished run in `s`/name.
  func finishedRun(_ name: String, in s: Scratch, extra: [String] = []) throws -> String {
    let out = s.path(name)
    let r = try Harness.run(["run", "--procs", "1", "--t-max", "60000", "--quiet", "--out", out] + extra,
                            in: s.url, timeout: 30)
    #expect(r.exitCode == 0, "\(r)")
    return out
  }

  @Test func periodicCheckpointIsRewrittenDuringALiveRun() throws {
    let s = try Scratch()
    let out = s.path("live")
    let p = try Harness.start(["run", "--procs", "1", "--t-max", "500000000", "--checkpoint-every", "300ms",
                               "--quiet", "--out", out], in: s.url)
    defer { p.killIfRunning() }
    #expect(waitForFile(out + "/checkpoint.bin", timeout: 5), "no checkpoint within 5 s")
    #expect(p.isRunning, "the run ended before its first periodic checkpoint")
    let first = Harness.int(try evalJSON(out + "/checkpoint.bin", in: s)["T"]) ?? 0
    usleep(700_000)
    #expect(p.isRunning)
    let second = Harness.int(try evalJSON(out + "/checkpoint.bin", in: s)["T"]) ?? 0
    #expect(first > 0 && second > first, "checkpoint T \(first) then \(second)")
    p.send(SIGINT)
    let r = p.wait(timeout: 10)
    #expect(r.exitCode == 130, "\(r)")
    #expect(!FileManager.default.fileExists(atPath: out + "/checkpoint.bin.tmp"))
  }

  @Test func interruptedRunResumesAndAppends() throws {
    let s = try Scratch()
    let out = s.path("resume")
    let p = try Harness.start(["run", "--procs", "2", "--t-max", "500000000", "--seed", "8",
                               "--checkpoint-every", "1s", "--quiet", "--out", out], in: s.url)
    defer { p.killIfRunning() }
    #expect(waitForFile(out + "/metrics.csv", timeout: 5))
    usleep(1_200_000)
    p.send(SIGINT)
    let first = p.wait(timeout: 10)
    #expect(first.exitCode == 130, "\(first)")
    let before = try Harness.json(at: s.file("resume/summary.json"))
    let steps = try #require(Harness.int(before["steps"]))
    let rowsBefore = try lines(out + "/metrics.csv").count

    let r = try Harness.run(["run", "--resume", out, "--t-max", "\(steps + 100_000)", "--quiet"], in: s.url, timeout: 30)
    #expect(r.exitCode == 0, "\(r)")
    let after = try Harness.json(at: s.file("resume/summary.json"))
    let stepsAfter = try #require(Harness.int(after["steps"]))
    #expect(stepsAfter >= steps + 100_000, "steps \(steps) → \(stepsAfter)")
    #expect(after["exit_reason"] as? String == "t_max")
    #expect((Harness.int(after["episodes"]) ?? 0) > (Harness.int(before["episodes"]) ?? 0))
    let rows = try lines(out + "/metrics.csv")
    #expect(rows.count > rowsBefore, "metrics rows \(rowsBefore) → \(rows.count)")
    #expect(rows.filter { $0 == Self.metricsHeader }.count == 1)
    #expect(rows.first.map(String.init) == Self.metricsHeader)
    // Appended rows continue T.
    let lastT = rows.last.flatMap { Int($0.split(separator: ",")[0]) } ?? 0
    #expect(lastT > steps)
    let config = try Harness.json(at: s.file("resume/config.json"))
    #expect(Harness.int(config["resumed_at_step"]) == steps)
    #expect(Harness.int(config["t_max"]) == steps + 100_000)
    #expect(Harness.int(try evalJSON(out + "/checkpoint.bin", in: s)["T"]) == stepsAfter)
  }

  @Test func resumeRefusesOtherSettingsAndCorruptCheckpoints() throws {
    let s = try Scratch()
    let out = try finishedRun("base", in: s)
    let metrics = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8)
    let refused: [[String]] = [
      ["--hidden", "32"], ["--activation", "relu"], ["--lr", "0.01"], ["--seed", "9"],
      ["--env", "Pong-v5"], ["--t-max", "1000"], ["--out", s.path("elsewhere")], ["--envs-per-worker", "4"],
    ]
    for flags in refused {
      let r = try Harness.run(["run", "--resume", out] + flags, in: s.url, timeout: 15)
      #expect(r.exitCode == 64, "\(flags): \(r)")
      #expect(r.stderrLines.count == 1, "\(flags): \(r)")
    }
    // Same values as stored are fine to repeat; nothing above touched the run.
    #expect(try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8) == metrics)
    #expect(!FileManager.default.fileExists(atPath: s.path("elsewhere")))

    // A directory with no checkpoint is bad input (64); a truncated checkpoint, 1. One line each.
    let missing = try Harness.run(["run", "--resume", s.path("nothing-here"), "--t-max", "1M"], in: s.url)
    #expect(missing.exitCode == 64 && missing.stderrLines.count == 1, "\(missing)")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: out + "/checkpoint.bin"))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: out + "/checkpoint.bin"))
    let truncated = try Harness.run(["run", "--resume", out, "--t-max", "1M"], in: s.url)
    #expect(truncated.exitCode == 1 && truncated.stderrLines.count == 1, "\(truncated)")
    #expect(truncated.stderr.contains("truncated"))
  }

  @Test func resumeMayChangeRunLengthAndWorkers() throws {
    let s = try Scratch()
    let out = try finishedRun("grow", in: s, extra: ["--hidden", "32,32"])
    let r = try Harness.run(["run", "--resume", out, "--t-max", "120000", "--procs", "2", "--hidden", "32,32",
                             "--checkpoint-every", "none", "--quiet"], in: s.url, timeout: 30)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: s.file("grow/summary.json"))
    #expect(Harness.int(summary["procs"]) == 2)
    #expect((Harness.int(summary["steps"]) ?? 0) >= 120_000)
  }

  @Test func resumeMayChangeTheRMSPropSqrtForm() throws {
    // A numerical detail of the apply, not a learning setting: kept unless given.
    let s = try Scratch()
    let out = try finishedRun("form", in: s, extra: ["--rmsprop-sqrt", "fast"])
    func form() throws -> String? { try Harness.json(at: s.file("form/config.json"))["rmsprop_sqrt"] as? String }
    #expect(try form() == "fast")
    let kept = try Harness.run(["run", "--resume", out, "--t-max", "80000", "--quiet"], in: s.url, timeout: 30)
    #expect(kept.exitCode == 0, "\(kept)")
    #expect(try form() == "fast")
    let changed = try Harness.run(["run", "--resume", out, "--t-max", "100000", "--rmsprop-sqrt", "exact", "--quiet"],
                                  in: s.url, timeout: 30)
    #expect(changed.exitCode == 0, "\(changed)")
    #expect(try form() == "exact")
    // The stored --update atomic still refuses the fast form.
    let atomic = try finishedRun("atomic", in: s, extra: ["--update", "atomic"])
    let r = try Harness.run(["run", "--resume", atomic, "--t-max", "80000", "--rmsprop-sqrt", "fast"], in: s.url,
                            timeout: 15)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stderrLines.count == 1 && r.stderr.contains("--rmsprop-sqrt"), "\(r)")
  }

  @Test func evalReportsReturnsAndASolvedPolicyBalances() throws {
    let s = try Scratch()
    let out = s.path("solved")
    let run = try Harness.run(["run", "--seed", "3", "--procs", "1", "--quiet", "--out", out], in: s.url, timeout: 60)
    #expect(run.exitCode == 0, "\(run)")
    let sampled = try evalJSON(out + "/checkpoint.bin", episodes: 5, in: s)
    for key in ["env", "algo", "checkpoint", "T", "episodes", "mean_return", "std_return", "min", "max", "returns"] {
      #expect(sampled[key] != nil, "missing \(key)")
    }
    #expect(Harness.int(sampled["episodes"]) == 5)
    #expect((sampled["returns"] as? [Any])?.count == 5)
    // Measured: greedy returns 500 in every episode for this checkpoint
    // (sampled: 425–500 mean over 20 episodes); 400 leaves a margin.
    let greedy = try evalJSON(out + "/checkpoint.bin", episodes: 10, extra: ["--greedy"], in: s)
    let mean = try #require(Harness.double(greedy["mean_return"]))
    #expect(mean >= 400, "greedy mean \(mean)")
    // Same seed, same returns.
    let again = try evalJSON(out + "/checkpoint.bin", episodes: 5, in: s)
    #expect((again["returns"] as? [Double]) == (sampled["returns"] as? [Double]))
    // Text output.
    let text = try Harness.run(["eval", "--checkpoint", out + "/checkpoint.bin", "--episodes", "3"], in: s.url)
    #expect(text.exitCode == 0 && text.stdout.contains("±"), "\(text)")
  }

  @Test func evalRejectsBadInputAndBadFiles() throws {
    let s = try Scratch()
    try Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: s.file("garbage.bin"))
    try Data("HWCKPT01".utf8 + [2, 0, 0, 0, 160, 0]).write(to: s.file("short.bin"))
    for file in ["garbage.bin", "short.bin", "absent.bin"] {
      let r = try Harness.run(["eval", "--checkpoint", s.path(file), "--episodes", "1"], in: s.url)
      // A path that names no file is the user's input (64); a bad file, 1.
      #expect(r.exitCode == (file == "absent.bin" ? 64 : 1), "\(file): \(r)")
      #expect(r.stderrLines.count == 1, "\(file): \(r)")
    }
    for args in [["--episodes", "1"], ["--checkpoint", s.path("garbage.bin")],
                 ["--checkpoint", s.path("garbage.bin"), "--episodes", "0"], ["--bogus"]] {
      let r = try Harness.run(["eval"] + args, in: s.url)
      #expect(r.exitCode == 64, "\(args): \(r)")
      #expect(r.stderrLines.count == 1, "\(args): \(r)")
    }
    let help = try Harness.run(["eval", "--help"], in: s.url)
    #expect(help.exitCode == 0 && help.stdout.contains("--greedy"))
    let top = try Harness.run(["--help"], in: s.url)
    #expect(top.stdout.contains("eval"))
    let runHelp = try Harness.run(["run", "--help"], in: s.url)
    #expect(runHelp.stdout.contains("--checkpoint-every") && runHelp.stdout.contains("--resume"))
    let bad = try Harness.run(["run", "--checkpoint-every", "soon"], in: s.url)
    #expect(bad.exitCode == 64 && bad.stderrLines.count == 1, "\(bad)")
  }
}
}
