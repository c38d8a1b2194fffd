// PythonBridgeCLITests.swift — `--env py:MODULE:FACTORY` (and gym:'s
// refusals) end to end, with the standard-library environments of
// Fixtures/hogwild_fixture_envs.py run by the system python3: training,
// eval, replay and resume through the bridge; probe refusals before anything
// is created; a dying Python process costs only its worker; and no Python
// process outlives the run, however it ends.

import Foundation
import Glibc
import Testing

@Suite(.serialized) struct PythonBridgeCLITests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

  /// A run's environment: the fixture module on PYTHONPATH, and a tag that
  /// tells this test's processes from any other's.
  struct Tagged {
    let tag = UUID().uuidString
    var extra: [String: String] = [:]
    var environment: [String: String] {
      extra.merging(["PYTHONPATH": PythonBridgeCLITests.fixtures, "HOGWILD_TEST_TAG": tag]) { $1 }
    }

    /// The Python adaptor processes (`python3 -c … serve SOURCE`) started
    /// under this tag, zombies included.
    func adaptors() -> [Int32] {
      guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
      return entries.compactMap(Int32.init).filter { pid in
        guard let cmd = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
          let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
        else { return false }
        let args = cmd.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return args.contains("serve") && args.contains { $0.hasPrefix("py:") }
          && String(decoding: env, as: UTF8.self).contains("HOGWILD_TEST_TAG=\(tag)")
      }
    }

    /// Waits up to `seconds` for every adaptor to be gone.
    func adaptorsGone(within seconds: Double) -> Bool {
      let deadline = Date().addingTimeInterval(seconds)
      while !adaptors().isEmpty {
        if Date() > deadline { return false }
        usleep(20_000)
      }
      return true
    }
  }

  func run(_ args: [String], _ t: Tagged, in s: Scratch, timeout: Double = 60) throws -> CLIResult {
    try Harness.run(args, in: s.url, timeout: timeout, environment: t.environment)
  }

  @Test func aPythonEnvironmentTrainsEvaluatesReplaysAndResumes() throws {
    let s = try Scratch()
    let t = Tagged()
    let out = s.path("run")
    let r = try run(["run", "--env", "py:hogwild_fixture_envs:corridor", "--procs", "2", "--t-max", "30000", "--seed", "5",
                     "--quiet", "--out", out], t, in: s)
    try #require(r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: s.file("run/summary.json"))
    // Walking right along 8 cells is learned within a few thousand steps.
    #expect((Harness.double(summary["mean_return_100"]) ?? 0) >= 0.9, "\(summary)")
    #expect(Harness.int(summary["worker_restarts"]) == 0)
    let config = try Harness.json(at: s.file("run/config.json"))
    #expect(config["env"] as? String == "py:hogwild_fixture_envs:corridor")
    #expect((config["env_spec"] as? [String: Any])?["id"] as? String == "Corridor-py")
    #expect((config["python"] as? String)?.isEmpty == false)
    #expect(t.adaptorsGone(within: 1))

    let eval = try run(["eval", "--checkpoint", s.path("run/checkpoint.bin"), "--episodes", "10", "--greedy", "--json"], t, in: s)
    try #require(eval.exitCode == 0, "\(eval)")
    #expect(Harness.double((try Harness.json(eval.stdout) as? [String: Any])?["mean_return"]) == 1, "\(eval)")

    let replay = try run(["replay", "--env", "py:hogwild_fixture_envs:corridor", "--seed", "2",
                          "--actions", "1,1,1,1,1,1,1,1,1,1"], t, in: s)
    try #require(replay.exitCode == 0, "\(replay)")
    let lines = replay.stdout.split(separator: "\n")
    // Seed 2 starts in cell random.Random(2).randrange(3) = 0: 7 steps right end it.
    #expect(lines.first == #"{"t":0,"obs":[1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0],"state":null}"#, "\(replay)")
    #expect(lines.count == 8 && lines.last?.contains(#""reward":1.0,"terminated":true"#) == true, "\(replay)")

    let steps = try #require(Harness.int(summary["steps"]))
    let resumed = try run(["run", "--resume", out, "--t-max", "\(steps + 5000)", "--quiet"], t, in: s)
    #expect(resumed.exitCode == 0, "\(resumed)")
    #expect((Harness.int(try Harness.json(at: s.file("run/summary.json"))["steps"]) ?? 0) >= steps + 5000)
    #expect(t.adaptorsGone(within: 1))
  }

  @Test func continuousActionsCrossTheBridge() throws {
    let s = try Scratch()
    let t = Tagged()
    let r = try run(["run", "--env", "py:hogwild_fixture_envs:reach", "--procs", "2", "--t-max", "3000", "--quiet",
                     "--out", s.path("run")], t, in: s)
    try #require(r.exitCode == 0, "\(r)")
    let rows = try Harness.metricsRows(s.file("run/metrics.csv"))
    // 3000 steps of 30-step episodes, every one published.
    #expect(rows.count >= 90, "\(rows.count) episodes")
    let replay = try run(["replay", "--env", "py:hogwild_fixture_envs:reach", "--seed", "4", "--actions", "0.25,9"], t, in: s)
    let lines = replay.stdout.split(separator: "\n").map(String.init)
    try #require(replay.exitCode == 0 && lines.count == 3, "\(replay)")
    // The fixture clips the action to 0.5 itself: x moves by 0.25, then 0.5.
    let x0 = try #require(Harness.double(((try Harness.json(lines[0]) as? [String: Any])?["obs"] as? [Any])?.first))
    let x2 = try #require(Harness.double(((try Harness.json(lines[2]) as? [String: Any])?["obs"] as? [Any])?.first))
    #expect(abs(x2 - (x0 + 0.75)) < 1e-6, "\(lines)")
  }

  @Test(arguments: [
    ("py:hogwild_fixture_envs:dict_space", "observation space Dict is not supported"),
    ("py:hogwild_fixture_envs:broken", "this factory always fails"),
    ("py:hogwild_fixture_envs:not_an_env", "no observation_space or action_space"),
    ("py:hogwild_fixture_envs:nosuch", "has no nosuch"),
    ("py:no_such_module_here:make", "No module named 'no_such_module_here'"),
    ("py:1bad:make", "Python (dotted) names"),
    ("gym:No Spaces", "without spaces"),
    ("py:hogwild_fixture_envs:shapeless", "action space object is not supported"),
  ])
  func probeRefusalsAreOneLineAndExit64(env: String, says: String) throws {
    let s = try Scratch()
    let t = Tagged()
    for command in [["run", "--procs", "2", "--out", s.path("run")], ["envs"], ["replay", "--seed", "1", "--actions", "0"]] {
      let r = try run(command + ["--env", env], t, in: s, timeout: 30)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.hasPrefix("error: "), "\(command[0]) \(env): \(r)")
      #expect(r.stderr.contains(says), "\(command[0]) \(env): \(r.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: s.path("run")))
  }

  /// The duck-typed contract (docs/OWN_ENV.md): spaces are read by their
  /// attributes, whatever their classes are called.
  @Test func spacesAreReadByTheirAttributes() throws {
    let s = try Scratch()
    let t = Tagged()
    let spec = try run(["envs", "--env", "py:hogwild_fixture_envs:duck_corridor", "--json"], t, in: s)
    let listed = try JSONSerialization.jsonObject(with: Data(spec.stdout.utf8)) as? [[String: Any]]
    let shape = (listed?.first?["observation_shape"] as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue }
    #expect(spec.exitCode == 0 && spec.stdout.contains("\"discrete\"") && shape == [8], "\(spec)")
    let r = try run(["run", "--env", "py:hogwild_fixture_envs:duck_corridor", "--procs", "2", "--t-max", "30000", "--seed", "5",
                     "--quiet", "--out", s.path("duck")], t, in: s)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: s.file("duck/summary.json"))
    #expect((summary["mean_return_100"] as? Double ?? 0) > 0.8, "\(summary)")
    let reach = try run(["run", "--env", "py:hogwild_fixture_envs:duck_reach", "--procs", "1", "--t-max", "2000", "--quiet",
                         "--out", s.path("reach")], t, in: s)
    #expect(reach.exitCode == 0, "\(reach)")
  }

  @Test func gymIdsAndInterpretersAreCheckedBeforeAnythingIsCreated() throws {
    let s = try Scratch()
    let t = Tagged()
    // Either gymnasium is missing for this python3, or the id is unknown to it.
    let gym = try run(["run", "--env", "gym:NoSuchEnvironment-v9", "--out", s.path("run")], t, in: s, timeout: 60)
    #expect(gym.exitCode == 64 && gym.stderrLines.count == 1, "\(gym)")
    #expect(gym.stderr.contains("gymnasium is not installed") || gym.stderr.contains("gymnasium.make('NoSuchEnvironment-v9')"),
            "\(gym)")
    let cases: [([String], [String: String], String)] = [
      (["--python", "/nonexistent/python3"], [:], "no such file"),
      (["--python", PythonBridgeCLITests.fixtures], [:], "not an executable file"),
      (["--python", "no-such-python-anywhere"], [:], "not found on PATH"),
      (["--python", "/bin/false"], [:], "probe"),
      ([], ["HOGWILD_PYTHON": "/nonexistent/python3"], "HOGWILD_PYTHON"),
    ]
    for (flags, extra, says) in cases {
      var tagged = t
      tagged.extra = extra
      let r = try run(["run", "--env", "py:hogwild_fixture_envs:corridor", "--out", s.path("run")] + flags, tagged, in: s)
      #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.contains(says), "\(flags) \(extra): \(r)")
    }
    let builtin = try run(["run", "--env", "CartPole-v1", "--python", "/usr/bin/python3", "--out", s.path("run")], t, in: s)
    #expect(builtin.exitCode == 64 && builtin.stderr.contains("--python"), "\(builtin)")
    #expect(!FileManager.default.fileExists(atPath: s.path("run")))
  }

  @Test func aDyingPythonProcessIsAWorkerFailure() throws {
    let s = try Scratch()
    var t = Tagged()
    let marker = s.path("crashed")
    t.extra = ["HOGWILD_FIXTURE_CRASH_FILE": marker]
    let r = try run(["run", "--env", "py:hogwild_fixture_envs:crash_once", "--procs", "2", "--t-max", "20000", "--quiet",
                     "--out", s.path("run")], t, in: s)
    #expect(r.exitCode == 0, "\(r)")
    #expect(FileManager.default.fileExists(atPath: marker))
    #expect(r.stderr.contains("the Python environment process") && r.stderr.contains("exited with status 7"), "\(r)")
    let summary = try Harness.json(at: s.file("run/summary.json"))
    #expect(Harness.int(summary["worker_restarts"]) == 1, "\(summary)")
    #expect((Harness.int(summary["steps"]) ?? 0) >= 20_000)
    #expect(t.adaptorsGone(within: 1))

    let always = try run(["run", "--env", "py:hogwild_fixture_envs:crash_always", "--procs", "2", "--t-max", "1M",
                          "--max-restarts", "3", "--quiet", "--out", s.path("always")], t, in: s)
    #expect(always.exitCode == 1 && always.stderr.contains("--max-restarts 3 used up"), "\(always)")
    #expect(try Harness.json(at: s.file("always/summary.json"))["exit_reason"] as? String == "error")
    #expect(t.adaptorsGone(within: 1), "adaptors left: \(t.adaptors())")
    #expect(Harness.leftovers(supervisor: always.pid).isEmpty)
  }

  /// Ctrl-C (SIGINT to the whole process group, as a terminal sends it),
  /// SIGTERM to the supervisor, SIGKILL of the supervisor.
  @Test(arguments: [("group", SIGINT, Int32(130)), ("supervisor", SIGTERM, Int32(143)), ("supervisor", SIGKILL, Int32(-1))])
  func noPythonProcessOutlivesTheRun(target: String, signal: Int32, status: Int32) throws {
    let s = try Scratch()
    let t = Tagged()
    let segment = Harness.uniqueSegment("py\(signal)")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(["run", "--env", "py:hogwild_fixture_envs:corridor", "--procs", "2", "--t-max", "500M",
                               "--quiet", "--segment", segment, "--out", s.path("run")], in: s.url, environment: t.environment)
    defer { p.killIfRunning() }
    let deadline = Date().addingTimeInterval(20)
    // One snapshot that holds an adaptor per worker. Taking it again after the
    // loop raced on a loaded machine: an adaptor can end (a worker replaced on
    // a slow start) between two reads of /proc. What matters is below: none of
    // the adaptors seen, nor any other under the tag, outlives the run.
    var live = t.adaptors()
    while live.count < 2, Date() < deadline {
      usleep(50_000)
      live = t.adaptors()
    }
    try #require(live.count >= 2, "expected one adaptor per worker, found \(live)")
    usleep(300_000)
    if target == "group" { killpg(p.pid, signal) } else { p.send(signal) }
    let r = p.wait(timeout: 30)
    #expect(!r.timedOut)
    if status >= 0 {
      #expect(r.exitCode == status, "\(r)")
      let summary = try Harness.json(at: s.file("run/summary.json"))
      #expect(summary["exit_reason"] as? String == "signal")
      #expect(FileManager.default.fileExists(atPath: s.path("run/checkpoint.bin")))
      #expect(!Harness.segmentExists(segment))
    } else {
      #expect(r.signal == SIGKILL, "\(r)")
    }
    #expect(t.adaptorsGone(within: 2), "adaptors left: \(t.adaptors())")
    let running = Set(Harness.processTable().filter { $0.state != "Z" && $0.state != "X" }.map(\.pid))
    #expect(running.isDisjoint(with: live), "adaptors still running: \(running.intersection(live))")
  }
}
