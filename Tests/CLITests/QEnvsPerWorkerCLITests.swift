// QEnvsPerWorkerCLITests.swift — `run --envs-per-worker K` for the
// value-based family (qn, q1, sarsa1): K = 8 learns CartPole, K = 4 is
// reproducible at --procs 1, and a resume cannot change K.

import Foundation
import Testing

extension CLITests {
  /// metrics.csv without its wall-clock column.
  private func metricsWithoutWall(_ out: String) throws -> String {
    let lines = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8).split(separator: "\n")
    return lines.map { line -> String in
      var f = line.split(separator: ",", omittingEmptySubsequences: false)
      f.remove(at: 1)
      return f.joined(separator: ",")
    }.joined(separator: "\n")
  }

  @Test(arguments: [
    // Measured (--procs 1, seed 4, K = 8): qn reached 475 at 1.00M steps, q1 at 0.59M.
    ("qn", "3M", 20), ("q1", "2M", 5),
  ])
  func eightEnvsPerWorkerQLearningSolvesCartPole(algo: String, budget: String, rowsPerEnv: Int) throws {
    let s = try Scratch()
    let out = s.path("k8")
    let r = try Harness.run(["run", "--algo", algo, "--procs", "1", "--seed", "4", "--envs-per-worker", "8",
                             "--t-max", budget, "--target-return", "475", "--quiet", "--out", out],
                            in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try expectOutputs(out)
    #expect(summary["exit_reason"] as? String == "target_reached")
    // Every update carries K·n (qn) or K·I (q1) environment steps.
    let steps = Harness.int(summary["steps"]) ?? 0, updates = Harness.int(summary["updates"]) ?? 0
    #expect(steps >= 8 * rowsPerEnv * updates && steps <= 8 * rowsPerEnv * (updates + 1), "\(steps) \(updates)")
  }

  @Test(arguments: ["qn", "q1", "sarsa1"])
  func fourEnvsPerWorkerQLearningIsReproducibleAtOneProcess(algo: String) throws {
    let s = try Scratch()
    var runs: [String] = []
    for name in ["a", "b"] {
      let out = s.path(name)
      let r = try Harness.run(["run", "--algo", algo, "--procs", "1", "--seed", "5", "--envs-per-worker", "4",
                               "--t-max", "20000", "--target-return", "none", "--test-every", "2000",
                               "--quiet", "--out", out], in: s.url)
      #expect(r.exitCode == 0, "\(r)")
      runs.append(try metricsWithoutWall(out))
    }
    #expect(runs[0] == runs[1])
    #expect(runs[0].split(separator: "\n").count > 50)
  }

  @Test func qnResumeRefusesAnotherEnvsPerWorker() throws {
    let s = try Scratch()
    let out = s.path("qn")
    let r = try Harness.run(["run", "--algo", "qn", "--procs", "1", "--envs-per-worker", "4", "--t-max", "4000",
                             "--target-return", "none", "--quiet", "--out", out], in: s.url)
    #expect(r.exitCode == 0, "\(r)")
    for k in ["1", "8"] {
      let again = try Harness.run(["run", "--resume", out, "--envs-per-worker", k, "--t-max", "8000"], in: s.url)
      #expect(again.exitCode == 64, "K \(k): \(again)")
      #expect(again.stderrLines.count == 1, "K \(k): \(again)")
    }
  }
}
