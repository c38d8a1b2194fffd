// RecurrentCLITests.swift — `--net lstm` end to end: its flags and
// refusals, the checkpoint's settings and layer table, `--resume` and
// `eval` of a recurrent policy, a killed recurrent worker.

import Foundation
import Glibc
import Testing

extension CLITests {
@Suite(.serialized) struct RecurrentCLITests: LiveSegmentTests {
  @Test func lstmFlagsAreDocumentedAndCheckedAtTheDoor() throws {
    let s = try Scratch()
    let help = try Harness.run(["run", "--help"], in: s.url)
    #expect(help.exitCode == 0)
    #expect(help.stdout.contains("lstm") && help.stdout.contains("--lstm-cells"))
    let refused: [[String]] = [
      ["--net", "lstm", "--lstm-cells", "0"], ["--net", "lstm", "--lstm-cells", "1025"],
      ["--net", "lstm", "--lstm-cells", "x"],
      ["--net", "lstm", "--algo", "qn"], ["--net", "lstm", "--algo", "q1"], ["--net", "lstm", "--algo", "sarsa1"],
      ["--net", "lstm", "--envs-per-worker", "4"],
      ["--net", "lstm", "--env", "PendulumNoVel-v1", "--envs-per-worker", "2"],
    ]
    for flags in refused {
      let r = try Harness.run(["run", "--t-max", "1000", "--out", s.path("never")] + flags, in: s.url)
      #expect(r.exitCode == 64, "\(flags): \(r)")
      #expect(r.stderrLines.count == 1, "\(flags): \(r)")
    }
    #expect(!FileManager.default.fileExists(atPath: s.path("never")))
  }

  @Test func anLSTMRunCheckpointsResumesAndEvaluates() throws {
    let s = try Scratch()
    let out = s.path("lstm")
    let first = try Harness.run(
      ["run", "--env", "CartPoleNoVel-v1", "--net", "lstm", "--lstm-cells", "16", "--procs", "2", "--seed", "3",
       "--t-max", "40000", "--quiet", "--out", out], in: s.url, timeout: 60)
    #expect(first.exitCode == 0, "\(first)")
    let config = try Harness.json(at: s.file("lstm/config.json"))
    #expect(config["net"] as? String == "lstm")
    #expect(Harness.int(config["lstm_cells"]) == 16)
    let steps = try #require(Harness.int(try Harness.json(at: s.file("lstm/summary.json"))["steps"]))

    // Other network settings are refused; the stored ones may be repeated.
    for flags in [["--lstm-cells", "32"], ["--net", "mlp"], ["--hidden", "32"]] {
      let r = try Harness.run(["run", "--resume", out, "--t-max", "100000"] + flags, in: s.url, timeout: 15)
      #expect(r.exitCode == 64, "\(flags): \(r)")
      #expect(r.stderrLines.count == 1, "\(flags): \(r)")
    }
    let resumed = try Harness.run(["run", "--resume", out, "--t-max", "\(steps + 20_000)", "--net", "lstm",
                                   "--lstm-cells", "16", "--quiet"], in: s.url, timeout: 60)
    #expect(resumed.exitCode == 0, "\(resumed)")
    let after = try Harness.json(at: s.file("lstm/summary.json"))
    #expect((Harness.int(after["steps"]) ?? 0) >= steps + 20_000)

    // eval rebuilds the recurrent network from the checkpoint and plays
    // whole episodes (reproducibly for a seed).
    let args = ["eval", "--checkpoint", out + "/checkpoint.bin", "--episodes", "5", "--seed", "4", "--json"]
    let e1 = try Harness.run(args, in: s.url, timeout: 30)
    #expect(e1.exitCode == 0, "\(e1)")
    let j = try #require(try Harness.json(e1.stdout) as? [String: Any])
    let returns = try #require(j["returns"] as? [Any])
    #expect(returns.count == 5)
    #expect(returns.allSatisfy { (Harness.double($0) ?? 0) >= 1 })
    let e2 = try Harness.run(args, in: s.url, timeout: 30)
    #expect(e2.stdout == e1.stdout)

    // dump sees the LSTM's tensors in the segment's layer table.
    let segment = Harness.uniqueSegment("lstm")
    defer { Harness.removeSegment(segment) }
    let kept = try Harness.run(
      ["run", "--env", "CartPoleNoVel-v1", "--net", "lstm", "--lstm-cells", "16", "--procs", "1", "--t-max", "2000",
       "--keep-segment", "--segment", segment, "--quiet", "--out", s.path("kept")], in: s.url, timeout: 60)
    #expect(kept.exitCode == 0, "\(kept)")
    let d = try Harness.run(["dump", "--json", segment], in: s.url, timeout: 10)
    #expect(d.exitCode == 0, "\(d)")
    let text = d.stdout
    #expect(text.contains("lstm.weight_ih") && text.contains("lstm.weight_hh") && text.contains("lstm.bias"))
  }

  @Test func aContinuousLSTMRunResumesEvaluatesAndExports() throws {
    let s = try Scratch()
    let out = s.path("pendulum")
    let first = try Harness.run(
      ["run", "--env", "PendulumNoVel-v1", "--net", "lstm", "--lstm-cells", "8", "--procs", "2", "--seed", "3",
       "--t-max", "4000", "--quiet", "--out", out], in: s.url, timeout: 60)
    #expect(first.exitCode == 0, "\(first)")
    let resumed = try Harness.run(["run", "--resume", out, "--t-max", "8000", "--quiet"], in: s.url, timeout: 60)
    #expect(resumed.exitCode == 0, "\(resumed)")
    #expect((Harness.int(try Harness.json(at: s.file("pendulum/summary.json"))["steps"]) ?? 0) >= 8000)
    let args = ["eval", "--checkpoint", out + "/checkpoint.bin", "--episodes", "2", "--seed", "4", "--json"]
    let e1 = try Harness.run(args, in: s.url, timeout: 30)
    #expect(e1.exitCode == 0, "\(e1)")
    let e2 = try Harness.run(args, in: s.url, timeout: 30)
    #expect(e2.stdout == e1.stdout)
    let ex = try Harness.run(["export", "--checkpoint", out + "/checkpoint.bin", "--format", "npz",
                              "--out", s.path("p.npz")], in: s.url, timeout: 30)
    #expect(ex.exitCode == 0, "\(ex)")
    let bytes = try Data(contentsOf: s.file("p.npz"))
    let text = String(decoding: bytes, as: UTF8.self)
    for name in ["torso.0.weight", "lstm.weight_ih", "lstm.weight_hh", "lstm.bias", "policy.mean.weight",
                 "policy.rho.bias", "value.weight"] {
      #expect(text.contains(name + ".npy"), "\(name) not exported")
    }
  }

  @Test func aKilledLSTMWorkerIsReforkedAndStartsAFreshEpisode() throws {
    // Rank 1 is SIGKILLed mid-episode. Its re-forked process resets its
    // environment and its (h, c) and trains on: the half episode is never
    // published, and every published episode is a whole CartPole episode
    // (return = length, 1…500 steps), rank 1's included after the restart.
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("lstmkill")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--env", "CartPoleNoVel-v1", "--net", "lstm", "--procs", "2", "--t-max", "500M", "--quiet",
       "--segment", segment, "--out", out], in: s.url)
    defer { p.killIfRunning() }
    let pids = { (report: [String: Any]) -> [Int32] in
      ((report["workers"] as? [[String: Any]]) ?? []).compactMap { Harness.int($0["pid"]).map(Int32.init) }
    }
    let workers = pids(try waitForLiveSegment(segment, procs: 2, in: s))
    try #require(workers.count == 2)
    #expect(kill(workers[1], SIGKILL) == 0)
    let killedAt = Harness.int(try dumpJSON(segment, in: s)["T"]) ?? 0
    var reforkedAndStepping = false
    for _ in 0..<100 where !reforkedAndStepping {
      usleep(50_000)
      let report = try dumpJSON(segment, in: s)
      let rank1 = (report["workers"] as? [[String: Any]])?[1]
      reforkedAndStepping = pids(report).count == 2 && pids(report)[1] != workers[1]
        && (Harness.int(rank1?["restarts"]) ?? 0) == 1 && (Harness.int(rank1?["episodes"]) ?? 0) > 0
    }
    #expect(reforkedAndStepping, "rank 1 was not re-forked or published nothing after the kill")
    usleep(300_000)
    p.send(SIGINT)
    let r = p.wait(timeout: 10)
    #expect(r.exitCode == 130, "\(r)")
    let summary = try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
    #expect(Harness.int(summary["worker_restarts"]) == 1)
    let rows = try Harness.metricsRows(URL(fileURLWithPath: out + "/metrics.csv"))
    #expect(rows.allSatisfy { row in
      let length = Int(row[5]) ?? 0
      return Double(row[4]) == Double(length) && (1...500).contains(length)
    })
    #expect(rows.contains { $0[2] == "1" && (Int($0[0]) ?? 0) > killedAt }, "no episode of rank 1 after the restart")
    #expect(!Harness.segmentExists(segment))
    #expect(Harness.leftovers(supervisor: r.pid, workers: workers).isEmpty)
  }
}
}
