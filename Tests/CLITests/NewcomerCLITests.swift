// NewcomerCLITests.swift — what a new user meets first (issue 26): tuned
// settings per environment, `run --config`, "did you mean", the progress
// line, bad paths as bad input, a worker's quiet death, evaluation during
// training and best.bin, eval's step cap. Driven through the built binary
// (see CLIHarness), except the tuned table's own checks.

import Algorithms
import BuiltInEnvs
import Foundation
import Glibc
import HogwildCLI
import Runtime
import Testing

extension CLITests {
@Suite(.serialized) struct NewcomerCLITests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  // MARK: the tuned table

  @Test func theEmbeddedTableIsDocsTunedJSON() throws {
    let file = try String(contentsOf: Self.root.appendingPathComponent("docs/tuned.json"), encoding: .utf8)
    #expect(TunedSettings.text == file, "rebuild: the binary's table differs from docs/tuned.json")
    let entries = try TunedSettings.parse(file)
    #expect(entries.count == TunedSettings.entries.count)
  }

  @Test func everyBuiltInIdHasAMeasuredEntryThatParses() throws {
    for id in EnvRegistry.ids {
      let entry = try #require(TunedSettings.entry(for: .builtin(id), algo: "a3c"), "\(id): no a3c entry")
      #expect(entry.status == "measured" && !entry.measured.isEmpty && !entry.measured.contains("pending"),
              "\(id): \(entry.status): \(entry.measured)")
      let c = try #require(try CLI.parseRunArguments(["--env", id]))
      #expect(c.settingsNote?.contains("tuned for \(id) a3c") == true, "\(id): \(c.settingsNote ?? "-")")
    }
    // Every exact entry of any algorithm parses as a run of its id.
    for e in TunedSettings.entries where !e.isPattern {
      #expect(throws: Never.self) { _ = try CLI.parseRunArguments(["--env", e.env, "--algo", e.algo]) }
    }
  }

  @Test func theAtariPatternEntryIsMeasuredAndUsesKnownKeys() throws {
    let ale = try #require(TunedSettings.entries.first { $0.env == "ALE/*-v5" })
    // Measured on Pong (docs/ATARI.md); the other games share it.
    #expect(ale.status == "measured" && ale.measured.contains("ALE/Pong-v5"), "\(ale.status): \(ale.measured)")
    let known = Set(RunConfig().json.objectPairs!.map(\.0))
    for (key, _) in ale.settings { #expect(known.contains(key), "ALE entry: unknown key \(key)") }
    #expect(TunedSettings.matches("ALE/Pong-v5", pattern: "ALE/*-v5"))
    #expect(!TunedSettings.matches("ALE/Pong-v4", pattern: "ALE/*-v5"))
    #expect(!TunedSettings.matches("MinAtar/Breakout-v1", pattern: "ALE/*-v5"))
  }

  @Test func tunedSettingsApplyFlagByFlagAndNoTunedTurnsThemOff() throws {
    let tuned = try #require(try CLI.parseRunArguments(["--env", "Acrobot-v1"]))
    #expect(tuned.hyperparameters.valueCoefficient == 0.01)
    #expect(tuned.targetReturn == -100)  // a tuned setting is not a --t-max: the target stays
    let flag = try #require(try CLI.parseRunArguments(["--env", "Acrobot-v1", "--vf-coef", "0.25"]))
    #expect(flag.hyperparameters.valueCoefficient == 0.25)
    let plain = try #require(try CLI.parseRunArguments(["--env", "Acrobot-v1", "--no-tuned"]))
    #expect(plain.hyperparameters.valueCoefficient == Hyperparameters().valueCoefficient)
    #expect(plain.settingsNote == "defaults (--no-tuned)")
    // gym:ID shares the built-in id's entry.
    let qn = try #require(try CLI.parseRunArguments(["--env", "Acrobot-v1", "--algo", "qn"]))
    #expect(qn.settingsNote?.contains("no tuned entry for Acrobot-v1 qn") == true, "\(qn.settingsNote ?? "-")")
  }

  @Test func theFirstLineSaysWhereTheSettingsCameFrom() throws {
    let s = try Scratch()
    let r = try Harness.run(["run", "--env", "Acrobot-v1", "--procs", "1", "--t-max", "3000", "--out", s.path("a")],
                            in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let first = r.stderrLines.first ?? ""
    #expect(first.hasPrefix("run: Acrobot-v1") && first.contains("settings: tuned for Acrobot-v1 a3c (docs/TUNED.md): --vf-coef 0.01"),
            "\(first)")
    let config = try Harness.json(at: s.file("a/config.json"))
    #expect(config["vf_coef"] as? Double == 0.01)
  }

  // MARK: run --config

  @Test func configRepeatsARunAndFlagsOverrideIt() throws {
    let s = try Scratch()
    let first = try Harness.run(["run", "--env", "CartPole-v1", "--procs", "1", "--t-max", "20000", "--lr", "0.002",
                                 "--hidden", "32,16", "--quiet", "--out", s.path("one")], in: s.url, timeout: 60)
    #expect(first.exitCode == 0, "\(first)")
    let again = try Harness.run(["run", "--config", s.path("one/config.json"), "--out", s.path("two")],
                                in: s.url, timeout: 60)
    #expect(again.exitCode == 0, "\(again)")
    #expect(again.stderrLines.first?.contains("settings: from \(s.path("one/config.json"))") == true, "\(again)")
    let a = try Harness.json(at: s.file("one/config.json")), b = try Harness.json(at: s.file("two/config.json"))
    #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b), "config.json differs")
    // --procs 1 runs are reproducible: the same episodes.
    let ma = try String(contentsOf: s.file("one/metrics.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").filter { _ in true } }
    let mb = try String(contentsOf: s.file("two/metrics.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").filter { _ in true } }
    #expect(ma.map { [$0[0]] + $0.dropFirst(2) } == mb.map { [$0[0]] + $0.dropFirst(2) })
    let seeded = try Harness.run(["run", "--config", s.path("one/config.json"), "--seed", "2", "--t-max", "5000",
                                  "--quiet", "--out", s.path("three")], in: s.url, timeout: 60)
    #expect(seeded.exitCode == 0, "\(seeded)")
    let c = try Harness.json(at: s.file("three/config.json"))
    #expect(Harness.int(c["seed"]) == 2 && Harness.int(c["t_max"]) == 5000 && c["lr"] as? Double == 0.002)
    #expect(c["hidden"] as? [Int] == [32, 16])
  }

  @Test func aBadConfigFileIsOneLineAndExit64() throws {
    let s = try Scratch()
    try #"{"no_such_key": 1}"#.write(to: s.file("unknown.json"), atomically: true, encoding: .utf8)
    try #"{"lr": "fast"}"#.write(to: s.file("badvalue.json"), atomically: true, encoding: .utf8)
    try #"{"lr": 0.01, "hiden": [4]}"#.write(to: s.file("typo.json"), atomically: true, encoding: .utf8)
    try "[1, 2]".write(to: s.file("array.json"), atomically: true, encoding: .utf8)
    try "{".write(to: s.file("broken.json"), atomically: true, encoding: .utf8)
    let cases: [(String, String)] = [
      ("unknown.json", "unknown key 'no_such_key'"), ("badvalue.json", "--lr"),
      ("typo.json", "did you mean 'hidden'?"), ("array.json", "one JSON object"), ("broken.json", "not JSON"),
      ("missing.json", "cannot read it"),
    ]
    for (file, says) in cases {
      let r = try Harness.run(["run", "--config", s.path(file), "--out", s.path("run")], in: s.url, timeout: 20)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.contains(says), "\(file): \(r)")
      #expect(!FileManager.default.fileExists(atPath: s.path("run")))
    }
  }

  // MARK: did you mean

  @Test func typosGetASuggestion() throws {
    let s = try Scratch()
    let cases: [([String], String)] = [
      (["run", "--proc", "2"], "did you mean '--procs'?"),
      (["run", "--tensorbaord"], "did you mean '--tensorboard'?"),
      (["run", "--env", "CartPole-v0"], "did you mean 'CartPole-v1' (built in) or 'gym:CartPole-v0'"),
      (["run", "--algo", "a3cc"], "did you mean 'a3c'?"),
      (["evl", "--episodes", "3"], "did you mean 'eval'?"),
      (["eval", "--episode", "3"], "did you mean '--episodes'?"),
    ]
    for (args, says) in cases {
      let r = try Harness.run(args + ["--out", s.path("x")], in: s.url, timeout: 20)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.contains(says), "\(args): \(r)")
    }
  }

  // MARK: progress, logging

  @Test func plainProgressLinesGiveTheShareOfTMaxAndAnETA() throws {
    let s = try Scratch()
    let r = try Harness.run(["run", "--procs", "1", "--t-max", "3M", "--target-return", "none", "--out", s.path("p")],
                            in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let lines = r.stderrLines.filter { $0.hasPrefix("[") }
    try #require(!lines.isEmpty, "\(r)")
    #expect(lines.allSatisfy { $0.contains(" of 3,000,000 (") }, "\(lines)")
    #expect(lines.last?.contains("(100%") == true, "\(lines)")
    #expect(lines.contains { $0.contains("ETA ") }, "\(lines)")
  }

  @Test func aShortRunStillHasAHundredRowsOfStatistics() throws {
    let s = try Scratch()
    // 2M steps: a few seconds, long enough for the supervisor's 5 ms polls to
    // see every 1% of T_max (a 0.2 s run has only 40 polls).
    let r = try Harness.run(["run", "--procs", "2", "--t-max", "2M", "--target-return", "none", "--quiet",
                             "--out", s.path("short")], in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let rows = try String(contentsOf: s.file("short/train.csv"), encoding: .utf8).split(separator: "\n").count - 1
    #expect(rows >= 90, "\(rows) rows in train.csv")
    #expect(try Harness.json(at: s.file("short/config.json"))["log_every"] as? String == "auto")
  }

  // MARK: a worker's death

  @Test func aCrashingWorkerDiesQuietlyAndFast() throws {
    let s = try Scratch()
    let plugin = try PluginBuilder.fixture(["CRASH_ONCE"], in: s)
    let r = try Harness.run(["run", "--env", "plugin:\(plugin)", "--procs", "2", "--t-max", "20000", "--quiet",
                             "--out", s.path("run")], in: s.url, timeout: 60,
                            environment: ["HOGWILD_FIXTURE_CRASH_FILE": s.path("crashed")])
    #expect(r.exitCode == 0, "\(r)")
    // One line from the supervisor; no backtrace from the worker.
    #expect(r.stderrLines.count == 1 && r.stderr.contains("was killed by signal 6") && r.stderr.contains("restarted"), "\(r)")
    #expect(r.seconds < 20, "\(r.seconds) s")
  }

  // MARK: bad paths are bad input

  @Test func missingFilesAndDirectoriesAreExit64() throws {
    let s = try Scratch()
    let cases: [[String]] = [
      ["export", "--checkpoint", s.path("none.bin"), "--format", "npz", "--out", s.path("x.npz")],
      ["eval", "--checkpoint", s.path("none.bin"), "--episodes", "1"],
      ["run", "--resume", s.path("nodir")],
      ["plot", s.path("nodir"), "--out", s.path("p.svg")],
      ["replay", "--env", "CartPole-v1", "--state", "@" + s.path("none.json"), "--actions", "1"],
    ]
    for args in cases {
      let r = try Harness.run(args, in: s.url, timeout: 20)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1, "\(args): \(r)")
      #expect(!FileManager.default.fileExists(atPath: s.path("x.npz")) && !FileManager.default.fileExists(atPath: s.path("p.svg")))
    }
  }
}
}
