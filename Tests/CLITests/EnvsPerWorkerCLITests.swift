// EnvsPerWorkerCLITests.swift — `run --envs-per-worker K`: K = 1 is the
// algorithm from before the flag (a run recorded by that build), K = 8
// learns, and K is checked like every other setting.

import Foundation
import Testing

extension CLITests {
  @Test func envsPerWorkerOneReproducesTheRecordedRun() throws {
    // Fixtures/a3c_k1_seed11_metrics.csv: `run --procs 1 --seed 11 --t-max
    // 5000 --target-return none` by the build before --envs-per-worker,
    // metrics.csv without its wall-clock column.
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/a3c_k1_seed11_metrics.csv")
    let expected = try String(contentsOf: fixture, encoding: .utf8)
    let s = try Scratch()
    let out = s.path("k1")
    let r = try Harness.run(["run", "--procs", "1", "--seed", "11", "--t-max", "5000", "--target-return", "none",
                             "--envs-per-worker", "1", "--quiet", "--out", out], in: s.url)
    #expect(r.exitCode == 0, "\(r)")
    let lines = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8).split(separator: "\n")
    let withoutWall = lines.map { line -> String in
      var f = line.split(separator: ",", omittingEmptySubsequences: false)
      f.remove(at: 1)
      return f.joined(separator: ",")
    }
    #expect(withoutWall.joined(separator: "\n") + "\n" == expected)
  }

  @Test func eightEnvsPerWorkerSolveCartPole() throws {
    // Measured: --procs 1, seed 3, K = 8 reached 475 at 0.91M steps; budget 3M.
    let s = try Scratch()
    let out = s.path("k8")
    let r = try Harness.run(["run", "--procs", "1", "--seed", "3", "--envs-per-worker", "8", "--t-max", "3M",
                             "--target-return", "475", "--quiet", "--out", out], in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try expectOutputs(out)
    #expect(summary["exit_reason"] as? String == "target_reached")
    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(Harness.int(config["envs_per_worker"]) == 8)
    // Every env step is one row: T ≈ 8 × n × updates (±1 rollout).
    let steps = Harness.int(summary["steps"]) ?? 0, updates = Harness.int(summary["updates"]) ?? 0
    #expect(steps >= 8 * 20 * updates && steps <= 8 * 20 * (updates + 1))
  }

  @Test func continuousA3CWithFourEnvsPublishesEveryEpisode() throws {
    // Pendulum's episodes are 200 steps (truncated): 4 envs × 8000 steps → 40 of them, each 200 long.
    let s = try Scratch()
    let out = s.path("pend")
    let r = try Harness.run(["run", "--env", "Pendulum-v1", "--procs", "1", "--envs-per-worker", "4", "--seed", "2",
                             "--t-max", "8000", "--target-return", "none", "--quiet", "--out", out], in: s.url)
    #expect(r.exitCode == 0, "\(r)")
    let rows = try Harness.metricsRows(URL(fileURLWithPath: out + "/metrics.csv"))
    #expect(rows.count == 40)
    #expect(rows.allSatisfy { $0[5] == "200" })
  }

  @Test func envsPerWorkerOutOfRangeOrUnsupportedIsAUsageError() throws {
    let s = try Scratch()
    for flags in [["--envs-per-worker", "0"], ["--envs-per-worker", "257"], ["--envs-per-worker", "x"],
                  ["--envs-per-worker", "257", "--algo", "qn"], ["--envs-per-worker", "0", "--algo", "q1"],
                  ["--envs-per-worker", "-1", "--algo", "sarsa1"]] {
      let r = try Harness.run(["run", "--t-max", "100", "--quiet"] + flags, in: s.url)
      #expect(r.exitCode == 64, "\(flags): \(r)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(flags): \(r.stderr)")
    }
    let help = try Harness.run(["run", "--help"], in: s.url)
    #expect(help.stdout.contains("--envs-per-worker"))
  }
}
