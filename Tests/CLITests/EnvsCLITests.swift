// EnvsCLITests.swift — `hogwild-rl envs` lists every registered environment,
// as a table and as JSON, and the other subcommands know about the new ones.

import BuiltInEnvs
import Formats
import Foundation
import Testing
import Runtime

@Suite struct EnvsCLITests {
  @Test func tableListsEveryRegisteredEnvironment() throws {
    let s = try Scratch()
    let r = try Harness.run(["envs"], in: s.url, timeout: 10)
    #expect(r.exitCode == 0 && r.stderr.isEmpty, "\(r)")
    // The built-in table comes first, up to a blank line (the Atari games follow).
    let rows = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }.dropFirst()
    #expect(rows.map { String($0.prefix { $0 != " " }) } == EnvRegistry.ids)
    let pendulum = try #require(rows.first { $0.hasPrefix("Pendulum-v1 ") })
    #expect(pendulum.contains("Box(3,) float32") && pendulum.contains("Box(-2.0, 2.0, (1,), float32)"))
    #expect(pendulum.contains(" 200 ") && pendulum.hasSuffix("-"))
    let acrobot = try #require(rows.first { $0.hasPrefix("Acrobot-v1 ") })
    #expect(acrobot.contains("Box(6,) float32") && acrobot.contains("Discrete(3)") && acrobot.hasSuffix("-100"))
    // MinAtar: 10×10×C planes, no time limit, no threshold.
    for (id, shape, actions) in [("MinAtar/Breakout-v0", "(10, 10, 4)", 6), ("MinAtar/Freeway-v1", "(10, 10, 7)", 3),
                                 ("MinAtar/Seaquest-v0", "(10, 10, 10)", 6)] {
      let row = try #require(rows.first { $0.hasPrefix(id + " ") })
      #expect(row.contains("Box\(shape) float32") && row.contains("Discrete(\(actions))"), "\(row)")
      #expect(row.contains(" none ") && row.hasSuffix("-"), "\(row)")
    }
  }

  @Test func jsonDescribesEverySpec() throws {
    let s = try Scratch()
    let r = try Harness.run(["envs", "--json"], in: s.url, timeout: 10)
    #expect(r.exitCode == 0, "\(r)")
    // The built-in environments first (the Atari games follow when the plugin is built).
    let list = Array(try #require(try JSON.parse(r.stdout).arrayValue).prefix(EnvRegistry.ids.count))
    #expect(list.compactMap { $0["id"]?.stringValue } == EnvRegistry.ids)
    for entry in list {
      let spec = try #require(EnvRegistry.spec(entry["id"]?.stringValue ?? ""))
      #expect(entry["observation_shape"]?.arrayValue?.compactMap(\.doubleValue) == spec.observationShape.map(Double.init))
      #expect(entry["max_episode_steps"]?.doubleValue == spec.timeLimit.map(Double.init))
      #expect(entry["reward_threshold"]?.doubleValue == spec.rewardThreshold)
    }
    let cartPole = try #require(list.first { $0["id"] == .string("CartPole-v1") })
    #expect(cartPole["action_space"]?.serialized() == #"{"type":"discrete","n":2}"#)
    #expect(cartPole["reward_threshold"]?.doubleValue == 475 && cartPole["max_episode_steps"] == .int(500))
    let pendulum = try #require(list.first { $0["id"] == .string("Pendulum-v1") })
    let box = try #require(pendulum["action_space"])
    #expect(box["type"] == .string("box") && box["shape"] == .array([.int(1)]))
    #expect(box["low"]?.arrayValue?.compactMap(\.doubleValue) == [-2] && box["high"]?.arrayValue?.compactMap(\.doubleValue) == [2])
    #expect(pendulum["reward_threshold"] == .null)
    let asterix = try #require(list.first { $0["id"] == .string("MinAtar/Asterix-v1") })
    #expect(asterix["observation_shape"] == .array([.int(10), .int(10), .int(4)]))
    #expect(asterix["max_episode_steps"] == .null && asterix["action_space"]?.serialized() == #"{"type":"discrete","n":5}"#)
  }

  @Test func helpAndBadArguments() throws {
    let s = try Scratch()
    let help = try Harness.run(["envs", "--help"], in: s.url, timeout: 10)
    #expect(help.exitCode == 0 && help.stdout.contains("USAGE: hogwild-rl envs [--env SOURCE [--python PATH]] [--json]"))
    let bad = try Harness.run(["envs", "--verbose"], in: s.url, timeout: 10)
    #expect(bad.exitCode == 64 && bad.stderrLines.count == 1 && bad.stderr.hasPrefix("error: "), "\(bad)")
    let top = try Harness.run(["--help"], in: s.url, timeout: 10)
    #expect(top.stdout.contains("  envs ") && top.stdout.contains("  replay "))
  }

  @Test func onlyA3CTakesAContinuousActionEnvironment() throws {
    let s = try Scratch()
    for algo in ["a2c", "qn", "q1", "sarsa1"] {
      let r = try Harness.run(["run", "--env", "Pendulum-v1", "--algo", algo, "--t-max", "1000", "--quiet",
                               "--out", s.path("run")], in: s.url, timeout: 10)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.contains("continuous"), "\(r)")
      #expect(!FileManager.default.fileExists(atPath: s.path("run")))
    }
  }

  @Test func continuousA3CTrainsPendulumWithTwoNetworks() throws {
    let s = try Scratch()
    let out = s.path("run")
    let segment = Harness.uniqueSegment("pendulum")
    defer { Harness.removeSegment(segment) }
    let r = try Harness.run(["run", "--env", "Pendulum-v1", "--procs", "2", "--t-max", "20k", "--seed", "3",
                             "--keep-segment", "--segment", segment, "--quiet", "--out", out],
                            in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
    // 200-step episodes (truncated), rewards in [−16.3, 0].
    let episodes = Harness.int(summary["episodes"]) ?? 0
    #expect(episodes >= 90 && episodes <= 101, "\(episodes)")
    let mean = Harness.double(summary["mean_return_100"]) ?? 1
    #expect(mean < 0 && mean > -16.3 * 200)
    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(Harness.double(config["ent_coef"]) == 1e-4, "the Gaussian default")
    let d = try Harness.run(["dump", "--json", segment], in: s.url, timeout: 10)
    let report = try #require(try Harness.json(d.stdout) as? [String: Any])
    let names = (report["layers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    #expect(names.first == "policy.0.weight" && names.contains("value.0.weight"), "\(names)")
    let policyOut = (report["layers"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "policy.2.weight" }
    #expect(Harness.int(policyOut?["cols"]) == 2, "μ and ρ for one torque")
  }

  @Test func continuousA3CImprovesOnPendulum() throws {
    // One worker (reproducible for a seed), 400k steps, the published
    // Pendulum settings with lr 0.003: the last-100 mean rose by 268–387 over
    // the first 100 episodes for seeds 5–8 (≈ 2 s). Random play scores ≈ −1,200.
    let s = try Scratch()
    let out = s.path("run")
    let r = try Harness.run(["run", "--env", "Pendulum-v1", "--procs", "1", "--seed", "5", "--t-max", "400k",
                             "--target-return", "none", "--gamma", "0.9", "--n-steps", "5", "--lr", "0.003",
                             "--lr-schedule", "linear", "--quiet", "--out", out], in: s.url, timeout: 90)
    #expect(r.exitCode == 0, "\(r)")
    let rows = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8)
      .split(separator: "\n").dropFirst().compactMap { Double($0.split(separator: ",")[4]) }
    try #require(rows.count >= 1000)
    let first = rows.prefix(100).reduce(0, +) / 100
    let last = rows.suffix(100).reduce(0, +) / 100
    #expect(last - first >= 120, "first-100 mean \(first), last-100 mean \(last)")
  }

  @Test(arguments: ["Acrobot-v1", "MountainCar-v0"])
  func shortRunsOnTheNewDiscreteEnvironments(env: String) throws {
    let s = try Scratch()
    let out = s.path("run")
    let r = try Harness.run(["run", "--env", env, "--procs", "2", "--t-max", "20k", "--quiet", "--out", out],
                            in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
    #expect(summary["env"] as? String == env)
    #expect((Harness.int(summary["steps"]) ?? 0) >= 20_000)
    // Episodes end by the time limit at the latest; each worker may have one in flight.
    let limit = try #require(EnvRegistry.spec(env)?.maxEpisodeSteps)
    #expect((Harness.int(summary["episodes"]) ?? 0) >= 20_000 / limit - 2)
  }
}
