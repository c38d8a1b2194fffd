// StickyCLITests.swift — `run --sticky P`: MinAtar's sticky-action probability
// reaches every worker's environment, is stored in config.json and kept by
// --resume, and is refused for other environments or outside [0, 1].

import Foundation
import Testing

@Suite struct StickyCLITests {
  /// The distinct (return, length) pairs of the episodes in `dir`'s metrics.csv.
  func episodeOutcomes(_ dir: String) throws -> Set<String> {
    Set(try Harness.metricsRows(URL(fileURLWithPath: dir + "/metrics.csv")).map { "\($0[4]) \($0[5])" })
  }

  @Test func everyStepStickyRepeatsTheFirstActionInEveryWorkerAndAfterResume() throws {
    // With --sticky 1 every step repeats the last action, which starts as no-op:
    // Breakout's paddle never moves, so an episode is decided by the side the
    // ball starts on. Two outcomes at most, in both workers, before and after resume.
    let s = try Scratch()
    let out = s.path("stuck")
    let r = try Harness.run(["run", "--env", "MinAtar/Breakout-v1", "--sticky", "1", "--procs", "2", "--t-max", "3000",
                             "--quiet", "--out", out], in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(Harness.double(config["sticky"]) == 1)
    let first = try episodeOutcomes(out)
    #expect(first.count <= 2, "\(first)")
    let resumed = try Harness.run(["run", "--resume", out, "--t-max", "6000", "--quiet"], in: s.url, timeout: 60)
    #expect(resumed.exitCode == 0, "\(resumed)")
    #expect(Harness.double(try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))["sticky"]) == 1)
    let rows = try Harness.metricsRows(URL(fileURLWithPath: out + "/metrics.csv"))
    #expect(rows.count > 100)
    #expect(try episodeOutcomes(out) == first)
    // Without sticky actions the same agent's episodes vary.
    let free = s.path("free")
    let control = try Harness.run(["run", "--env", "MinAtar/Breakout-v1", "--sticky", "0", "--procs", "2",
                                   "--t-max", "3000", "--quiet", "--out", free], in: s.url, timeout: 60)
    #expect(control.exitCode == 0, "\(control)")
    #expect(try episodeOutcomes(free).count > 2)
  }

  @Test func theDefaultIsStoredAndOtherEnvironmentsStoreNone() throws {
    let s = try Scratch()
    for (env, expected) in [("MinAtar/Freeway-v1", "0.1"), ("CartPole-v1", "null")] {
      let out = s.path(env.replacingOccurrences(of: "/", with: "-"))
      let r = try Harness.run(["run", "--env", env, "--procs", "1", "--t-max", "500", "--quiet", "--out", out],
                              in: s.url, timeout: 30)
      #expect(r.exitCode == 0, "\(r)")
      let text = try String(contentsOfFile: out + "/config.json", encoding: .utf8)
      #expect(text.contains(#""sticky": \#(expected)"#), "\(text)")
    }
  }

  @Test(arguments: [
    ["--env", "CartPole-v1", "--sticky", "0.1"],
    ["--sticky", "0.2"],
    ["--env", "MinAtar/Breakout-v1", "--sticky", "1.5"],
    ["--env", "MinAtar/Breakout-v1", "--sticky", "-0.1"],
    ["--env", "MinAtar/Breakout-v1", "--sticky", "nan"],
    ["--env", "MinAtar/Breakout-v1", "--sticky", "often"],
    ["--env", "MinAtar/Breakout-v1", "--sticky"],
  ])
  func badStickyIsOneLineAndExit64(args: [String]) throws {
    let s = try Scratch()
    let out = s.path("run")
    let r = try Harness.run(["run", "--t-max", "100", "--quiet", "--out", out] + args, in: s.url, timeout: 10)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("error: --sticky"), "\(r)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func resumeKeepsTheStoredProbability() throws {
    let s = try Scratch()
    let minAtar = s.path("minatar"), cartPole = s.path("cartpole")
    for (env, out) in [("MinAtar/Breakout-v1", minAtar), ("CartPole-v1", cartPole)] {
      let r = try Harness.run(["run", "--env", env, "--procs", "1", "--t-max", "500", "--quiet", "--out", out],
                              in: s.url, timeout: 30)
      #expect(r.exitCode == 0, "\(r)")
    }
    for (out, sticky, message) in [(minAtar, "0.3", "--resume: --sticky 0.3 differs from the checkpoint's 0.1"),
                                   (cartPole, "0.1", "--sticky: CartPole-v1 has no sticky actions")] {
      let r = try Harness.run(["run", "--resume", out, "--t-max", "1000", "--sticky", sticky], in: s.url, timeout: 10)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.contains(message), "\(r)")
    }
    let same = try Harness.run(["run", "--resume", minAtar, "--t-max", "1000", "--sticky", "0.1", "--quiet"],
                               in: s.url, timeout: 30)
    #expect(same.exitCode == 0, "\(same)")
  }
}
