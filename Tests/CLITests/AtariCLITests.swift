// AtariCLITests.swift — the Atari side of the runtime (docs/ATARI.md).
//
// Without the ALE (always run): byte observations through extension 1 of the
// plugin ABI with the frames fixture plugin (Fixtures/frames_plugin.c):
// `envs`, `replay` (a byte summary, the learning reward, a lost life that does
// not end the game), a run on the paper's network (--net atari by default)
// with its episodes reported whole, export/eval/resume of its checkpoint, the
// Atari flags stored in config.json and kept on --resume; plugin names with
// a slash; bad input (one line, exit 64, nothing created): --net atari on a
// vector, Atari flags elsewhere, a plugin without extension 1 given options, a
// byte plugin missing a symbol, a missing ALE build, an unknown game.
//
// With the ALE (`make atari`; skipped with the reason otherwise): Gymnasium's
// three recorded trajectories replayed through the Swift loader
// (PluginEnvironment), exact; no-op starts that follow the reset seed; a
// missing ROM; `envs` with the protocol; `replay`; a short run with export,
// eval and resume.

import EnvSources
import BuiltInEnvs
import Formats
import Foundation
import Glibc
import Testing

extension CLITests {
@Suite(.serialized) struct AtariCLITests {
  // MARK: without the ALE

  @Test func envsAndReplayShowByteFramesLivesAndTheProtocol() throws {
    let s = try Scratch()
    let plugin = try ALE.framesPlugin()
    let envs = try Harness.run(["envs", "--env", "plugin:" + plugin, "--noop-max", "0"], in: s.url, timeout: 30)
    #expect(envs.exitCode == 0, "\(envs)")
    #expect(envs.stdout.contains("Box(0, 255, (4, 36, 36), uint8)") && envs.stdout.contains("Discrete(4)"), "\(envs)")
    #expect(envs.stdout.contains("protocol: frames fixture: noop_max 0; minimal action set"), "\(envs)")
    let json = try Harness.run(["envs", "--env", "plugin:" + plugin, "--json"], in: s.url, timeout: 30)
    let entry = try #require(try JSON.parse(json.stdout).arrayValue?.first)
    #expect(entry["observation_dtype"] == .string("uint8") && entry["life_loss"] == .bool(true))
    #expect(entry["shaped_reward"] == .bool(true) && entry["protocol"]?.stringValue?.hasPrefix("frames fixture") == true)

    // Steps 1…24: the target-matching action scores 3 (learning reward 1);
    // lives are lost at steps 8 and 16 without ending the replay; step 24 ends it.
    let actions = (0..<30).map { _ in "0" }.joined(separator: ",")
    let r = try Harness.run(["replay", "--env", "plugin:" + plugin, "--seed", "7", "--noop-max", "0", "--actions", actions],
                            in: s.url, timeout: 30)
    #expect(r.exitCode == 0, "\(r)")
    let lines = try r.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
    try #require(lines.count == 25, "\(r)")  // the reset and 24 steps: the game's end stops it
    let obs = try #require(lines[0]["obs"])
    #expect(obs["dtype"] == .string("uint8") && obs["shape"] == .array([.int(4), .int(36), .int(36)]))
    #expect(obs["fnv1a64"]?.stringValue?.count == 16 && obs["sum"]?.doubleValue == 4 * 36 * 9 * 255)
    for (t, line) in lines.enumerated().dropFirst() {
      let reward = try #require(line["reward"]?.doubleValue), learning = try #require(line["learning_reward"]?.doubleValue)
      #expect(reward == 0 || reward == 3)
      #expect(learning == (reward == 3 ? 1 : 0))
      #expect(line["life_lost"] == .bool(t == 8 || t == 16), "step \(t)")
      #expect(line["terminated"] == .bool(t == 24), "step \(t)")
    }
    // The same seed replays the same frames; --no-life-loss-terminal turns the lives off.
    let again = try Harness.run(["replay", "--env", "plugin:" + plugin, "--seed", "7", "--noop-max", "0", "--actions", actions],
                                in: s.url, timeout: 30)
    #expect(again.stdout == r.stdout)
    let noLives = try Harness.run(["replay", "--env", "plugin:" + plugin, "--seed", "7", "--noop-max", "0",
                                   "--no-life-loss-terminal", "--actions", actions], in: s.url, timeout: 30)
    #expect(noLives.exitCode == 0 && !noLives.stdout.contains("\"life_lost\""), "\(noLives)")
  }

  @Test func aRunOnFramesReportsWholeGamesAndKeepsItsFlags() throws {
    let s = try Scratch()
    let plugin = try ALE.framesPlugin()
    let run = s.path("run")
    let r = try Harness.run(["run", "--env", "plugin:" + plugin, "--procs", "1", "--t-max", "3000", "--target-return", "none",
                             "--noop-max", "3", "--sticky-actions", "0.25", "--quiet", "--out", run], in: s.url, timeout: 120)
    try #require(r.exitCode == 0, "\(r)")
    // Episodes are whole games (24 steps) in game score (multiples of 3), not lives.
    let rows = try Harness.metricsRows(s.file("run/metrics.csv"))
    try #require(rows.count >= 100)
    #expect(rows.allSatisfy { Int($0[5]) == 24 && (Double($0[4]).map { $0.truncatingRemainder(dividingBy: 3) == 0 } ?? false) })
    let config = try Harness.json(at: s.file("run/config.json"))
    #expect(config["net"] as? String == "atari" && Harness.int(config["n_steps"]) == 5)
    #expect(Harness.double(config["ent_coef"]) == 0.01 && config["lr_schedule"] as? String == "linear")
    #expect(Harness.double(config["sticky_actions"]) == 0.25 && Harness.int(config["noop_max"]) == 3)
    #expect(config["no_life_loss_terminal"] as? Bool == false && config["full_action_space"] as? Bool == false)
    let spec = try #require(config["env_spec"] as? [String: Any])
    #expect(spec["observation_dtype"] as? String == "uint8" && spec["protocol"] as? String == "frames fixture: noop_max 3; minimal action set; a lost life ends the learning episode")

    // eval rebuilds the network and the plugin's options from the checkpoint.
    let e = try Harness.run(["eval", "--checkpoint", run + "/checkpoint.bin", "--episodes", "3", "--json"], in: s.url, timeout: 60)
    #expect(e.exitCode == 0, "\(e)")
    let returns = try #require((try Harness.json(e.stdout) as? [String: Any])?["returns"] as? [Double])
    #expect(returns.count == 3 && returns.allSatisfy { $0 >= 0 && $0 <= 72 && $0.truncatingRemainder(dividingBy: 3) == 0 })

    // --resume keeps the flags; a different one is refused (one line, 64).
    let changed = try Harness.run(["run", "--resume", run, "--t-max", "5000", "--noop-max", "5", "--quiet"], in: s.url, timeout: 60)
    #expect(changed.exitCode == 64 && changed.stderrLines.count == 1 && changed.stderr.contains("--noop-max"), "\(changed)")
    let resumed = try Harness.run(["run", "--resume", run, "--t-max", "5000", "--quiet"], in: s.url, timeout: 120)
    #expect(resumed.exitCode == 0, "\(resumed)")
    let after = try Harness.json(at: s.file("run/config.json"))
    #expect(Harness.int(after["noop_max"]) == 3 && Harness.double(after["sticky_actions"]) == 0.25)
    #expect(try Harness.metricsRows(s.file("run/metrics.csv")).count > rows.count)
  }

  @Test func pluginNamesMayHoldASlash() throws {
    let plugin = try ALE.framesPlugin()
    #expect(try EnvSource(parsing: "plugin:" + plugin + ":ALE/Pong-v5") == .plugin(path: plugin, name: "ALE/Pong-v5"))
    #expect(try EnvSource(parsing: "plugin:" + plugin + ":Frames-v0") == .plugin(path: plugin, name: "Frames-v0"))
    #expect(try EnvSource(parsing: "plugin:" + plugin) == .plugin(path: plugin, name: nil))
    // A path that does not exist is split before the name all the same.
    #expect(try EnvSource(parsing: "plugin:/nowhere/libx.so:ALE/Pong-v5") == .plugin(path: "/nowhere/libx.so", name: "ALE/Pong-v5"))
    #expect(try EnvSource(parsing: "ALE/Pong-v5") == .ale("ALE/Pong-v5"))
    #expect(throws: EnvSourceError.self) { try EnvSource(parsing: "ALE/Pong") }
    #expect(throws: EnvSourceError.self) { try EnvSource(parsing: "ALE/Po ng-v5") }
  }

  @Test func badInputIsOneLineAndCreatesNothing() throws {
    let s = try Scratch()
    let frames = try ALE.framesPlugin()
    let noStep = try ALE.framesPlugin(["NO_STEP_U8"])
    let v1 = try PluginBuilder.example("cartpole", in: s)
    let cases: [(args: [String], env: [String: String], says: String)] = [
      (["--env", "CartPole-v1", "--net", "atari"], [:], "--net atari: CartPole-v1's observations [4] are not stacked frames"),
      (["--env", "MinAtar/Breakout-v1", "--net", "atari"], [:], "are not stacked frames"),
      (["--env", "CartPole-v1", "--noop-max", "3"], [:], "--noop-max: only Atari environments"),
      (["--env", "CartPole-v1", "--sticky-actions", "0.5"], [:], "--sticky-actions: CartPole-v1 has no sticky actions"),
      (["--env", "plugin:" + v1, "--full-action-space"], [:], "it takes no options"),
      (["--env", "plugin:" + noStep], [:], "does not export hw_env_step_u8"),
      (["--env", "plugin:" + frames, "--noop-max", "20000"], [:], "--noop-max"),
      (["--env", "plugin:" + frames, "--rom-dir", s.path("nowhere")], [:], "--rom-dir"),
      (["--env", "ALE/Pong"], [:], "expected ALE/<Game>-v5"),
      (["--env", "ALE/Pong-v5"], [AtariPlugin.pluginVariable: s.path("nowhere.so")], "which is not a file"),
      (["--env", "ALE/NoSuchGame-v5"], [AtariPlugin.pluginVariable: frames], "no environment of that name"),
      (["--env", "plugin:" + frames, "--sticky", "0.1"], [:], "--sticky: MinAtar's flag"),
    ]
    for c in cases {
      let out = s.path("out")
      let r = try Harness.run(["run", "--t-max", "100", "--out", out] + c.args, in: s.url, timeout: 60, environment: c.env)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.contains(c.says), "\(c.args): \(r)")
      #expect(!FileManager.default.fileExists(atPath: out), "\(c.args) created \(out)")
    }
  }

  /// The tuned Atari entry's 8 environments per worker do not apply to
  /// --net lstm (one environment per worker): A3C-LSTM runs with no other flag.
  @Test(.enabled(if: ALE.plugin != nil, "\(ALE.missing)"))
  func lstmOnAtariLeavesOutTheTunedEnvironmentsPerWorker() throws {
    let s = try Scratch()
    let r = try Harness.run(["run", "--env", "ALE/Pong-v5", "--net", "lstm", "--procs", "1", "--t-max", "300",
                             "--target-return", "none", "--out", s.path("lstm")], in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let first = r.stderrLines.first ?? ""
    #expect(first.contains("tuned for ALE/*-v5") && !first.contains("--envs-per-worker"), "\(first)")
    let config = try Harness.json(at: s.file("lstm/config.json"))
    #expect(Harness.int(config["envs_per_worker"]) == 1 && config["net"] as? String == "lstm", "\(config)")
  }

  @Test func aMissingBuildSaysWhichCommandToRun() throws {
    // The binary alone, away from the hogwild-ale/ folder `make atari` fills.
    let s = try Scratch()
    let copy = s.path("hogwild-rl")
    try FileManager.default.copyItem(atPath: URL(fileURLWithPath: Harness.binary).resolvingSymlinksInPath().path, toPath: copy)
    for args in [["run", "--env", "ALE/Pong-v5", "--out", s.path("out")], ["replay", "--env", "ALE/Breakout-v5", "--seed", "0", "--actions", "0"]] {
      let r = try runProgram(copy, args, in: s)
      #expect(r.status == 64 && r.err.split(separator: "\n").count == 1 && r.err.contains("run 'make atari'"), "\(r)")
    }
    #expect(!FileManager.default.fileExists(atPath: s.path("out")))
    let envs = try runProgram(copy, ["envs"], in: s)
    #expect(envs.status == 0 && envs.out.contains("need the ALE plugin, which is not built: run 'make atari'"), "\(envs)")
  }

  func runProgram(_ program: String, _ args: [String], in s: Scratch) throws -> (status: Int32, out: String, err: String) {
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: AtariPlugin.pluginVariable)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = args
    p.environment = env
    p.currentDirectoryURL = s.url
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }

  // MARK: with the ALE

  /// The spec the ALE plugin gives `fixture`'s game (what a probe reports).
  static func spec(_ f: AtariFixture) -> EnvSpec {
    EnvSpec(id: f.env, observationSize: 4 * AtariFixture.frameBytes, observationShape: [4, 84, 84],
            actionSpace: .discrete(f.actions), maxEpisodeSteps: 27000, rewardThreshold: nil,
            observationIsBytes: true, reportsLifeLoss: true, shapesReward: true)
  }

  @Test(.enabled(if: ALE.plugin != nil, "\(ALE.missing)"),
        arguments: ["atari_pong.txt", "atari_breakout.txt", "atari_breakout_sticky.txt"])
  func theSwiftLoaderReplaysGymnasiumsTrajectoriesExactly(_ name: String) throws {
    let f = try AtariFixture(name)
    var env: any Environment = try PluginEnvironment(path: ALE.plugin!, spec: Self.spec(f), options: f.options + ["noop_max=0"],
                                                     seed: f.aleSeed)
    var bytes = [UInt8](repeating: 0, count: 4 * AtariFixture.frameBytes)
    var expected = bytes
    var (steps, lifeLosses, previousLives, mismatches) = (0, 0, 0, 0)
    for (i, r) in f.records.enumerated() {
      if r.isStep {
        expected.removeFirst(AtariFixture.frameBytes)
        expected += r.frame
        let o = env.step(action: r.action, bytes: &bytes)
        steps += 1
        let lost = r.lives < previousLives
        lifeLosses += lost ? 1 : 0
        let clipped = min(1, max(-1, r.reward))
        if o.reward != r.reward || o.learningReward != clipped || o.terminated != r.terminated
          || o.truncated != r.truncated || o.lifeLost != lost {
          mismatches += 1
          if mismatches <= 3 { Issue.record("\(name) line \(i): \(o) against \(r.reward) \(r.terminated) lives \(previousLives)→\(r.lives)") }
        }
      } else {
        expected = Array([[UInt8]](repeating: r.frame, count: 4).joined())
        env.reset(seed: 1000 + UInt64(i), bytes: &bytes)  // noop_max=0: the seed draws nothing
      }
      previousLives = r.lives
      if bytes != expected {
        mismatches += 1
        if mismatches <= 3 { Issue.record("\(name) line \(i): the observation differs") }
      }
    }
    #expect(mismatches == 0 && steps == f.records.count - f.records.filter { !$0.isStep }.count)
    // The Breakout fixtures lose lives; the check can fail on them.
    if name.hasPrefix("atari_breakout") { #expect(lifeLosses > 5) }
  }

  @Test(.enabled(if: ALE.plugin != nil, "\(ALE.missing)"))
  func noOpStartsFollowTheResetSeed() throws {
    let f = try AtariFixture("atari_pong.txt")
    var env: any Environment = try PluginEnvironment(path: ALE.plugin!, spec: Self.spec(f), options: ["noop_max=30"], seed: 1)
    func start(_ seed: UInt64) -> [UInt8] {
      var bytes: [UInt8] = []
      env.reset(seed: seed, bytes: &bytes)
      // A few steps, so that a different number of no-ops shows in the frames.
      for _ in 0..<30 { _ = env.step(action: 0, bytes: &bytes) }
      return bytes
    }
    let a = start(11), b = start(11)
    #expect(a == b, "the same seed gave another start")
    let others = Set((1...6).map { start(UInt64($0) * 7919) })
    #expect(others.count >= 3, "6 seeds gave \(others.count) different starts")
  }

  @Test(.enabled(if: ALE.plugin != nil, "\(ALE.missing)"))
  func envsReplayAndAMissingROM() throws {
    let s = try Scratch()
    let envs = try Harness.run(["envs"], in: s.url, timeout: 60)
    #expect(envs.exitCode == 0 && envs.stdout.contains("ALE/Pong-v5 ") && envs.stdout.contains("ALE/SpaceInvaders-v5 "))
    #expect(envs.stdout.contains("protocol: ALE 0.12.1") && envs.stdout.contains("sticky actions 0 (ALE/*-v5 default is 0.25)"))
    let sticky = try Harness.run(["envs", "--env", "ALE/Breakout-v5", "--sticky-actions", "0.25", "--full-action-space"],
                                 in: s.url, timeout: 60)
    #expect(sticky.exitCode == 0 && sticky.stdout.contains("sticky actions 0.25;") && sticky.stdout.contains("Discrete(18)"), "\(sticky)")

    let args = ["replay", "--env", "ALE/Pong-v5", "--seed", "0", "--noop-max", "0", "--actions", "0,1,2"]
    let r = try Harness.run(args, in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let lines = try r.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
    #expect(lines.count == 4 && lines.dropFirst().allSatisfy { $0["reward"] == .double(0) && $0["life_lost"] == .bool(false) })
    #expect(lines[0]["obs"]?["shape"] == .array([.int(4), .int(84), .int(84)]))
    #expect(try Harness.run(args, in: s.url, timeout: 60).stdout == r.stdout)

    try FileManager.default.createDirectory(atPath: s.path("roms"), withIntermediateDirectories: true)
    let missing = try Harness.run(["run", "--env", "ALE/Pong-v5", "--rom-dir", s.path("roms"), "--out", s.path("out")],
                                  in: s.url, timeout: 60)
    #expect(missing.exitCode == 64 && missing.stderrLines.count == 1 && missing.stderr.contains("its ROM pong.bin is not in"), "\(missing)")
    #expect(!FileManager.default.fileExists(atPath: s.path("out")))
  }

  @Test(.enabled(if: ALE.plugin != nil, "\(ALE.missing)"))
  func aPongRunExportsEvaluatesAndResumes() throws {
    let s = try Scratch()
    let run = s.path("run")
    let r = try Harness.run(["run", "--env", "ALE/Pong-v5", "--procs", "2", "--t-max", "1500", "--target-return", "none",
                             "--out", run], in: s.url, timeout: 300)
    try #require(r.exitCode == 0, "\(r)")
    #expect(r.stderr.contains("protocol: ALE 0.12.1"), "the first line names the protocol")
    let config = try Harness.json(at: s.file("run/config.json"))
    #expect(config["env"] as? String == "ALE/Pong-v5" && config["net"] as? String == "atari" && Harness.int(config["noop_max"]) == 30)
    let e = try Harness.run(["export", "--checkpoint", run + "/checkpoint.bin", "--format", "npz", "--out", s.path("p.npz")],
                            in: s.url, timeout: 60)
    #expect(e.exitCode == 0, "\(e)")
    let file = try ExportedFile(npz: Array(try Data(contentsOf: s.file("p.npz"))))
    #expect(file.names == ["conv.0.weight", "conv.0.bias", "conv.1.weight", "conv.1.bias", "torso.0.weight", "torso.0.bias",
                           "policy.weight", "policy.bias", "value.weight", "value.bias"])
    #expect(file.shapes["conv.0.weight"] == [16, 4, 8, 8] && file.shapes["conv.1.weight"] == [32, 16, 4, 4])
    #expect(file.shapes["torso.0.weight"] == [256, 2592] && file.shapes["policy.weight"] == [6, 256])
    let dump = try Harness.run(["eval", "--checkpoint", run + "/checkpoint.bin", "--episodes", "1", "--greedy"], in: s.url, timeout: 120)
    #expect(dump.exitCode == 0 && dump.stdout.contains("ALE/Pong-v5 a3c"), "\(dump)")
    let resumed = try Harness.run(["run", "--resume", run, "--t-max", "2500", "--quiet"], in: s.url, timeout: 300)
    #expect(resumed.exitCode == 0, "\(resumed)")
    let summary = try Harness.json(at: s.file("run/summary.json"))
    #expect((Harness.int(summary["steps"]) ?? 0) >= 2500)
  }
}
}
