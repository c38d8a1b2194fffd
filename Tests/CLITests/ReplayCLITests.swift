// ReplayCLITests.swift — `hogwild-rl replay` end to end: it reproduces the
// Gymnasium trajectories recorded for the BuiltInEnvs tests bit for bit, prints
// numbers that parse back exactly, stops at the episode's end, and refuses
// bad input with one line and exit status 64.

import Formats
import Foundation
import Testing
import Runtime

/// One step of a recorded Gymnasium trajectory (Tests/BuiltInEnvsTests/Fixtures).
struct FixtureStep {
  var t: Int
  /// The action exactly as recorded (an integer, or a float32 in hex).
  var action: String
  var state: [Double]
  var observation: [Double]
  var reward: Double
  var terminated: Bool
  var truncated: Bool
}

/// One recorded episode: enough to drive `replay` and check its output.
struct FixtureEpisode {
  var policy: String
  var elapsedAtStart: Int
  var initialState: [Double]
  var steps: [FixtureStep]
}

struct UnexpectedFixtureLine: Error { var line: String }

/// Reads the episodes of a fixture file written by make_cartpole_fixture.py
/// (no `sizes` line, no elapsed column) or make_classic_control_fixture.py.
func loadFixtureEpisodes(_ file: String) throws -> [FixtureEpisode] {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("BuiltInEnvsTests/Fixtures/" + file)
  var stateSize = 4, observationSize = 4
  var episodes: [FixtureEpisode] = []
  for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
    let f = line.split(separator: " ").map(String.init)
    func reals(_ range: Range<Int>) throws -> [Double] {
      try range.map { i in
        guard let x = Double(f[i]) else { throw UnexpectedFixtureLine(line: String(line)) }
        return x
      }
    }
    switch f[0] {
    case "sizes": stateSize = Int(f[1])!; observationSize = Int(f[2])!
    case "episode":
      episodes.append(FixtureEpisode(policy: f[2], elapsedAtStart: f.count == 6 ? Int(f[4])! : 0,
                                     initialState: [], steps: []))
    case "init": episodes[episodes.count - 1].initialState = try reals(1..<f.count)
    case "step":
      let s = 3, o = 3 + stateSize, r = o + observationSize
      episodes[episodes.count - 1].steps.append(FixtureStep(
        t: Int(f[1])!, action: f[2], state: try reals(s..<o), observation: try reals(o..<r),
        reward: try reals(r..<(r + 1))[0], terminated: f[r + 1] == "1", truncated: f[r + 2] == "1"))
    default: throw UnexpectedFixtureLine(line: String(line))
    }
  }
  return episodes
}

/// `replay`'s output, one parsed JSON object per line.
func replayLines(_ r: CLIResult) throws -> [JSON] {
  try r.stdout.split(separator: "\n").map { try JSON.parse(String($0)) }
}

/// A JSON number or one of replay's non-finite strings, as a Double.
func exactReal(_ value: JSON?) -> Double? {
  switch value {
  case .string("NaN"): .nan
  case .string("Infinity"): .infinity
  case .string("-Infinity"): -.infinity
  default: value?.doubleValue
  }
}

func exactReals(_ value: JSON?) -> [Double]? {
  value?.arrayValue?.map { exactReal($0) ?? .signalingNaN }
}

@Suite struct ReplayCLITests {
  @Test func acceptanceExample() throws {
    let s = try Scratch()
    let r = try Harness.run(["replay", "--env", "CartPole-v1", "--state", "[0.0,0.0,0.0,0.0]", "--actions", "1,1",
                             "--elapsed", "0"], in: s.url, timeout: 10)
    #expect(r.exitCode == 0 && r.stderr.isEmpty, "\(r)")
    let lines = try replayLines(r)
    try #require(lines.count == 2)
    #expect(lines[0].objectPairs?.map(\.0) == ["t", "action", "obs", "state", "reward", "terminated", "truncated"])
    #expect(lines[0]["t"] == .int(1) && lines[1]["t"] == .int(2))
    #expect(lines[0]["action"] == .int(1))
    // One Euler step from rest with force +10 (Gymnasium: the same bits).
    #expect(exactReals(lines[0]["state"]) == [0.0, 0.1951219512195122, 0.0, -0.2926829268292683])
    #expect(exactReals(lines[0]["obs"])?.map { Float($0) } == [0, Float(0.1951219512195122), 0, Float(-0.2926829268292683)])
    #expect(lines[0]["reward"]?.doubleValue == 1.0 && lines[0]["terminated"] == .bool(false))
    #expect(r.stdout.hasPrefix(#"{"t":1,"action":1,"obs":[0.0,0.19512194,0.0,-0.29268292],"state":[0.0,0.1951219512195122,0.0,-0.2926829268292683],"reward":1.0,"terminated":false,"truncated":false}"#))
  }

  @Test(arguments: [
    ("cartpole_v1_trajectories.txt", "CartPole-v1"),
    ("acrobot_v1_trajectories.txt", "Acrobot-v1"),
    ("mountaincar_v0_trajectories.txt", "MountainCar-v0"),
    ("pendulum_v1_trajectories.txt", "Pendulum-v1"),
  ])
  func reproducesGymnasiumTrajectoriesExactly(file: String, env: String) throws {
    let s = try Scratch()
    let episodes = try loadFixtureEpisodes(file)
    // The three ways an episode ends are all in these fixtures' first four
    // episodes or their custom-state ones; replay a spread of them.
    for episode in episodes.enumerated().filter({ $0.offset % 2 == 1 || $0.element.elapsedAtStart > 0 }).map(\.element) {
      let state = "[" + episode.initialState.map { "\($0)" }.joined(separator: ",") + "]"
      // One action more than recorded: replay stops at the episode's end.
      let actions = episode.steps.map(\.action) + [episode.steps.last!.action]
      let r = try Harness.run(["replay", "--env", env, "--state", state, "--actions", actions.joined(separator: ","),
                               "--elapsed", "\(episode.elapsedAtStart)"], in: s.url, timeout: 20)
      #expect(r.exitCode == 0, "\(r)")
      let lines = try replayLines(r)
      #expect(lines.count == episode.steps.count, "\(env) \(episode.policy)")
      for (line, step) in zip(lines, episode.steps) {
        let at = "\(env) \(episode.policy) t \(step.t)"
        #expect(line["t"] == .int(Int64(step.t)), "\(at)")
        #expect(exactReals(line["state"])?.map(\.bitPattern) == step.state.map(\.bitPattern), "state at \(at)")
        #expect(exactReals(line["obs"])?.map { Float($0).bitPattern } == step.observation.map { Float($0).bitPattern },
                "obs at \(at)")
        #expect(exactReal(line["reward"])?.bitPattern == step.reward.bitPattern, "reward at \(at)")
        #expect(line["terminated"] == .bool(step.terminated) && line["truncated"] == .bool(step.truncated), "\(at)")
      }
    }
  }

  @Test func printedStateRestartsExactly() throws {
    // Every printed real parses back to its bits: continuing from a printed
    // state gives the same lines as one longer replay.
    let s = try Scratch()
    let actions = ["0.75", "-2.5", "0x1.0d8512p+0", "1e-40", "-0.0", "1.9999999", "3", "-0.001"]
    let start = ["replay", "--env", "Pendulum-v1", "--state", "[2.9,-7.7]", "--elapsed", "3", "--actions"]
    let whole = try Harness.run(start + [actions.joined(separator: ",")], in: s.url, timeout: 10)
    let first = try Harness.run(start + [actions[..<4].joined(separator: ",")], in: s.url, timeout: 10)
    #expect(whole.exitCode == 0 && first.exitCode == 0)
    let middle = try #require(try replayLines(first).last?["state"]).serialized()
    let rest = try Harness.run(["replay", "--env", "Pendulum-v1", "--state", middle, "--elapsed", "7",
                                "--actions", actions[4...].joined(separator: ",")], in: s.url, timeout: 10)
    #expect(rest.exitCode == 0, "\(rest)")
    let wholeLines = whole.stdout.split(separator: "\n")
    #expect(wholeLines.count == 8)
    #expect(Array(wholeLines.suffix(4)) == rest.stdout.split(separator: "\n"))
    // The action is the float32 given, before clipping: 3 stays 3.0.
    #expect(wholeLines[6].contains(#""action":[3.0],"#))
  }

  @Test func stateFromAFileMatchesInlineState() throws {
    let s = try Scratch()
    let text = "[-0.52, 0.001]\n"
    try text.write(to: s.file("state.json"), atomically: true, encoding: .utf8)
    let args = ["replay", "--env", "MountainCar-v0", "--actions", "2,2,0"]
    let fromFile = try Harness.run(args + ["--state", "@" + s.path("state.json")], in: s.url, timeout: 10)
    let inline = try Harness.run(args + ["--state", text], in: s.url, timeout: 10)
    #expect(fromFile.exitCode == 0 && fromFile.stdout == inline.stdout && fromFile.stdout.split(separator: "\n").count == 3)
  }

  @Test func stopsAtTerminationAndAtTheTimeLimit() throws {
    let s = try Scratch()
    let falling = try Harness.run(["replay", "--env", "CartPole-v1", "--state", "[0,0,0.2,2]", "--actions", "1,1,1"],
                                  in: s.url, timeout: 10)
    let fallingLines = try replayLines(falling)
    #expect(falling.exitCode == 0 && fallingLines.count == 1)
    #expect(fallingLines.first?["terminated"] == .bool(true) && fallingLines.first?["truncated"] == .bool(false))
    let late = try Harness.run(["replay", "--env", "Acrobot-v1", "--state", "[0,0,0,0]", "--actions", "1,1",
                                "--elapsed", "499"], in: s.url, timeout: 10)
    let lateLines = try replayLines(late)
    #expect(late.exitCode == 0 && lateLines.count == 1)
    #expect(lateLines.first?["t"] == .int(500) && lateLines.first?["truncated"] == .bool(true))
  }

  @Test func nonFiniteValuesPrintAsStrings() throws {
    let s = try Scratch()
    let r = try Harness.run(["replay", "--env", "CartPole-v1", "--state", "[0,0,0,1e200]", "--actions", "1"],
                            in: s.url, timeout: 10)
    #expect(r.exitCode == 0, "\(r)")
    let line = try #require(try replayLines(r).first)
    #expect(exactReals(line["state"])?[1].isNaN == true)
    #expect(line["obs"]?.arrayValue?[2] == .string("Infinity"))
    #expect(exactReals(line["obs"])?[2] == .infinity)
  }

  @Test(arguments: [
    ["--env", "NoSuch-v0", "--state", "[0]", "--actions", "1"],
    ["--env", "CartPole-v1", "--state", "[1,2]", "--actions", "1"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0", "--actions", "1"],
    ["--env", "CartPole-v1", "--state", "{\"x\":0}", "--actions", "1"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,\"0\"]", "--actions", "1"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,null]", "--actions", "1"],
    ["--env", "CartPole-v1", "--state", "@/nonexistent/state.json", "--actions", "1"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0]", "--actions", "2"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0]", "--actions", "-1"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0]", "--actions", "0.5"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0]", "--actions", "1,,0"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0]", "--actions", ""],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0]", "--actions", "1", "--elapsed", "500"],
    ["--env", "CartPole-v1", "--state", "[0,0,0,0]", "--actions", "1", "--elapsed", "-1"],
    ["--env", "Pendulum-v1", "--state", "[0,0]", "--actions", "abc"],
    ["--env", "Pendulum-v1", "--state", "[0,0]", "--actions", "nan"],
    ["--env", "Pendulum-v1", "--state", "[0,0]", "--actions", "1e39"],
    ["--env", "Pendulum-v1", "--state", "[0,0,0]", "--actions", "1"],
    ["--env", "MountainCar-v0", "--state", "[0,0]", "--actions", "3"],
    ["--state", "[0,0]", "--actions", "1"],
    ["--env", "MountainCar-v0", "--actions", "1"],
    ["--env", "MountainCar-v0", "--state", "[0,0]"],
    ["--env", "MountainCar-v0", "--state", "[0,0]", "--actions", "1", "extra"],
  ])
  func badInputIsOneLineAndExit64(args: [String]) throws {
    let s = try Scratch()
    let r = try Harness.run(["replay"] + args, in: s.url, timeout: 10)
    #expect(r.exitCode == 64, "\(r)")
    #expect(r.stdout.isEmpty, "nothing is stepped: \(r)")
    #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("error: "), "\(r)")
  }

  @Test func helpExplainsTheOutput() throws {
    let s = try Scratch()
    let r = try Harness.run(["replay", "--help"], in: s.url, timeout: 10)
    #expect(r.exitCode == 0)
    for text in ["--env", "--state", "--actions", "--elapsed", "\"terminated\"", "t is", "remaining actions are not",
                 "Pendulum-v1     [theta, theta_dot]", "exit status 64"] {
      #expect(r.stdout.contains(text), "replay --help lacks \(text)")
    }
  }
}
