// MinAtarReplayCLITests.swift — `hogwild-rl replay` on the MinAtar games: the
// issue's example, the recorded reference traces of the deterministic games
// reproduced step for step, every game's printed state fed back continuing
// identically (random games included), and bad states refused with exit 64.

import Formats
import Foundation
import Testing
import Runtime

/// A 10×10 map as JSON text, 1 where `set` says.
func mapText(_ set: (Int, Int) -> Bool) -> String {
  "[" + (0..<10).map { r in "[" + (0..<10).map { c in set(r, c) ? "1" : "0" }.joined(separator: ",") + "]" }
    .joined(separator: ",") + "]"
}

/// Each game's reset state (Breakout's ball starting left, Freeway's speeds
/// chosen by hand), as `--state` takes it.
let minAtarResetStates: [String: String] = [
  "Breakout": #"{"ball_x":0,"ball_y":3,"ball_dir":2,"pos":4,"brick_map":"# + mapText { r, _ in (1...3).contains(r) }
    + #","strike":false,"last_x":0,"last_y":3,"terminal":false}"#,
  "Freeway": #"{"cars":[[0,1,3,3],[0,2,1,-1],[0,3,4,4],[0,4,2,-2],[0,5,5,5],[0,6,1,1],[0,7,3,-3],[0,8,2,2]],"#
    + #""pos":9,"move_timer":3,"terminate_timer":2500,"terminal":false}"#,
  "Asterix": #"{"player_x":5,"player_y":5,"entities":[null,null,null,null,null,null,null,null],"shot_timer":0,"#
    + #""spawn_speed":10,"spawn_timer":10,"move_speed":5,"move_timer":5,"ramp_timer":100,"ramp_index":0,"terminal":false}"#,
  "SpaceInvaders": #"{"pos":5,"f_bullet_map":"# + mapText { _, _ in false } + #","e_bullet_map":"# + mapText { _, _ in false }
    + #","alien_map":"# + mapText { r, c in r < 4 && (2..<8).contains(c) }
    + #","alien_dir":-1,"enemy_move_interval":12,"alien_move_timer":12,"alien_shot_timer":10,"ramp_index":0,"#
    + #""shot_timer":0,"terminal":false}"#,
  "Seaquest": #"{"oxygen":200,"diver_count":0,"sub_x":5,"sub_y":0,"sub_or":false,"f_bullets":[],"e_bullets":[],"#
    + #""e_fish":[],"e_subs":[],"divers":[],"e_spawn_speed":20,"e_spawn_timer":20,"d_spawn_timer":30,"move_speed":5,"#
    + #""ramp_index":0,"shot_timer":0,"surface":true,"terminal":false}"#,
]

@Suite struct MinAtarReplayCLITests {
  @Test func issueExample() throws {
    let s = try Scratch()
    try minAtarResetStates["Breakout"]!.write(to: s.file("state.json"), atomically: true, encoding: .utf8)
    let r = try Harness.run(["replay", "--env", "MinAtar/Breakout-v0", "--state", "@" + s.path("state.json"),
                             "--actions", "0,3,3,1"], in: s.url, timeout: 10)
    #expect(r.exitCode == 0 && r.stderr.isEmpty, "\(r)")
    let lines = try replayLines(r)
    try #require(lines.count == 4)
    // obs: [row][column][channel] of the integers 0 and 1.
    let obs = try #require(lines[0]["obs"]?.arrayValue)
    #expect(obs.count == 10 && obs.allSatisfy { $0.arrayValue?.count == 10 })
    #expect(obs.allSatisfy { row in row.arrayValue!.allSatisfy { $0.arrayValue?.count == 4 } })
    #expect(r.stdout.contains(#""obs":[[[0,0,0,0],"#) && !r.stdout.contains("1.0,"))
    // After one step the ball (channel 1) is at row 4, column 1; its trail (2) at 3, 0;
    // the paddle (0) at 9, 4; bricks (3) fill rows 1–3.
    let cell = { (r: Int, c: Int) in obs[r].arrayValue![c].serialized() }
    #expect(cell(4, 1) == "[0,1,0,0]" && cell(3, 0) == "[0,0,1,1]" && cell(9, 4) == "[1,0,0,0]" && cell(2, 5) == "[0,0,0,1]")
    #expect(lines[0]["state"]?.serialized() == #"{"ball_x":1,"ball_y":4,"ball_dir":2,"pos":4,"brick_map":"#
      + mapText { r, _ in (1...3).contains(r) } + #","strike":false,"last_x":0,"last_y":3,"terminal":false}"#)
    // Actions 3 (right) and 1 (left) move the paddle: no sticky actions.
    #expect(lines.map { fieldsByKey($0["state"])["pos"] } == [.int(4), .int(5), .int(6), .int(5)])
    #expect(lines.map { $0["t"] } == [.int(1), .int(2), .int(3), .int(4)])
  }

  @Test(arguments: [
    ("minatar_breakout.txt", "MinAtar/Breakout-v0", ["strike", "terminal"], 2358),
    ("minatar_space_invaders.txt", "MinAtar/SpaceInvaders-v0", ["terminal"], 583),
  ])
  func reproducesTheReferenceTracesExactly(file: String, env: String, flags: [String], recorded: Int) throws {
    // Breakout draws nothing after reset and Space Invaders nothing at all, so
    // with sticky actions off every recorded step is reproduced exactly.
    let s = try Scratch()
    let segments = try loadMinAtarTrace(file, flags: Set(flags))
    #expect(segments.map(\.steps.count).reduce(0, +) == recorded)
    var compared = 0
    for segment in segments {
      let steps = segment.stepsUntilTerminal
      let r = try Harness.run(["replay", "--env", env, "--state", stateText(segment.initial),
                               "--actions", steps.map { "\($0.action)" }.joined(separator: ",")],
                              in: s.url, timeout: 60)
      #expect(r.exitCode == 0, "\(segment.name): \(r.stderr)")
      let lines = try replayLines(r)
      #expect(lines.count == steps.count, "\(segment.name)")
      for (line, step) in zip(lines, steps) {
        let at = "\(env) \(segment.name) t \(step.t)"
        #expect(line["t"] == .int(Int64(step.t)), "\(at)")
        #expect(fieldsByKey(line["state"]) == step.state, "state at \(at)")
        #expect(line["reward"]?.doubleValue == Double(step.reward), "reward at \(at)")
        #expect(line["terminated"] == .bool(step.terminal) && line["truncated"] == .bool(false), "\(at)")
        #expect(observationHash(line["obs"]) == step.observationHash, "obs at \(at)")
        compared += 1
      }
    }
    #expect(compared > recorded / 2)
  }

  /// A start and up to 120 actions that keep `game` going for a while: for the
  /// deterministic games the longest recorded trace (a policy that follows the
  /// ball, one that aims), for the random ones the reset state and a fixed mix of
  /// actions (Seaquest's without "up", which would surface without a diver).
  static func scenario(_ game: String) throws -> (state: String, actions: [String]) {
    switch game {
    case "Breakout", "SpaceInvaders":
      let file = game == "Breakout" ? "minatar_breakout.txt" : "minatar_space_invaders.txt"
      let trace = try loadMinAtarTrace(file, flags: ["strike", "terminal"])
      let longest = trace.max { $0.steps.count < $1.steps.count }!
      return (stateText(longest.initial), longest.steps.prefix(120).map { "\($0.action)" })
    default:
      let alphabet = game == "Seaquest" ? ["0", "1", "3", "4", "5", "5", "1", "3"] : ["0", "1", "2", "3", "4", "4", "5", "5"]
      var lcg: UInt64 = 12345
      let actions = (0..<120).map { _ -> String in
        lcg = lcg &* 6364136223846793005 &+ 1442695040888963407
        return alphabet[Int(lcg >> 61)]
      }
      return (minAtarResetStates[game]!, actions)
    }
  }

  @Test(arguments: ["Breakout", "Freeway", "Asterix", "SpaceInvaders", "Seaquest"])
  func printedStateContinuesIdentically(game: String) throws {
    let s = try Scratch()
    let env = "MinAtar/\(game)-v0"
    let (start, actions) = try Self.scenario(game)
    let whole = try Harness.run(["replay", "--env", env, "--state", start,
                                 "--actions", actions.joined(separator: ",")], in: s.url, timeout: 20)
    #expect(whole.exitCode == 0, "\(whole)")
    let wholeLines = whole.stdout.split(separator: "\n").map(String.init)
    try #require(wholeLines.count >= 30, "\(game) ended after \(wholeLines.count) steps")
    let split = wholeLines.count / 2
    let middle = try #require(try JSON.parse(wholeLines[split - 1])["state"])
    // The printed state holds entities where the game has them.
    let listed = (middle.objectPairs ?? []).compactMap { $0.1.arrayValue }.joined()
    #expect(listed.contains { $0.arrayValue != nil } || game == "Breakout" || game == "SpaceInvaders",
            "\(game): no entity at step \(split): \(middle.serialized())")
    let rest = try Harness.run(["replay", "--env", env, "--state", middle.serialized(), "--elapsed", "\(split)",
                                "--actions", actions[split..<wholeLines.count].joined(separator: ",")],
                               in: s.url, timeout: 20)
    #expect(rest.exitCode == 0, "\(rest)")
    #expect(rest.stdout.split(separator: "\n").map(String.init) == Array(wholeLines[split...]), "\(game)")
    // The same input gives the same output, random games included.
    let again = try Harness.run(["replay", "--env", env, "--state", start,
                                 "--actions", actions.joined(separator: ",")], in: s.url, timeout: 20)
    #expect(again.stdout == whole.stdout)
  }

  /// A reset state with `old` replaced by `new`.
  static func edited(_ game: String, _ old: String, _ new: String) -> (String, String) {
    (game, minAtarResetStates[game]!.replacingOccurrences(of: old, with: new))
  }

  static let badStates: [(String, String)] = [
    ("Breakout", #"{"ball_x":0}"#),
    edited("Breakout", #""pos":4"#, #""pos":"4""#),
    edited("Breakout", #""pos":4"#, #""pos":10"#),
    edited("Breakout", #""pos":4"#, #""pos":4.5"#),
    edited("Breakout", #",[0,0,0,0,0,0,0,0,0,0]]"#, "]"),
    edited("Breakout", #""terminal":false"#, #""terminal":false,"last_action":0"#),
    ("Breakout", "[0,3,2,4]"),
    edited("Freeway", "[0,1,3,3]", "[0,1,3]"),
    edited("Freeway", "[0,1,3,3]", "[0,12,3,3]"),
    edited("Freeway", "[0,1,3,3],", ""),
    edited("Asterix", "[null,", "[[9,1,false,true,0],"),
    edited("Asterix", "[null,", "[[-1,1,true,true],"),
    edited("Asterix", "null,null]", "null]"),
    edited("Asterix", #""player_y":5"#, #""player_y":null"#),
    edited("SpaceInvaders", #""alien_dir":-1"#, #""alien_dir":2"#),
    edited("SpaceInvaders", "[0,0,1,1,1,1,1,1,0,0]", "[0,0,1,1,1,1,1,1,0]"),
    edited("Seaquest", #""e_fish":[]"#, #""e_fish":[[3,10,true,5]]"#),
    edited("Seaquest", #""divers":[]"#, #""divers":[null]"#),
    edited("Seaquest", #""oxygen":200"#, #""oxygen":9223372036854775807"#),
    edited("Seaquest", #""sub_or":false"#, #""sub_or":"left""#),
  ]

  @Test(arguments: badStates)
  func badStatesAreOneLineAndExit64(game: String, state: String) throws {
    let s = try Scratch()
    for version in 0...1 {
      let r = try Harness.run(["replay", "--env", "MinAtar/\(game)-v\(version)", "--state", state, "--actions", "0"],
                              in: s.url, timeout: 10)
      #expect(r.exitCode == 64, "\(r)")
      #expect(r.stdout.isEmpty, "nothing is stepped: \(r)")
      #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("error: --state: "), "\(r)")
    }
  }

  @Test func resetStatesAreAccepted() throws {
    let s = try Scratch()
    for (game, state) in minAtarResetStates {
      let r = try Harness.run(["replay", "--env", "MinAtar/\(game)-v1", "--state", state, "--actions", "0"],
                              in: s.url, timeout: 10)
      #expect(r.exitCode == 0 && r.stdout.split(separator: "\n").count == 1, "\(game): \(r)")
    }
  }

  @Test func helpListsEveryGamesStateForm() throws {
    let s = try Scratch()
    let help = try Harness.run(["replay", "--help"], in: s.url, timeout: 10)
    #expect(help.exitCode == 0)
    for (game, state) in minAtarResetStates {
      let r = try Harness.run(["replay", "--env", "MinAtar/\(game)-v0", "--state", state, "--actions", "0"],
                              in: s.url, timeout: 10)
      let keys = try #require(try replayLines(r).first?["state"]?.objectPairs).map(\.0)
      let form = try #require(help.stdout.range(of: "  \(game) ").map { String(help.stdout[$0.upperBound...]) })
      let section = form.split(separator: "}").first ?? ""
      for key in keys { #expect(section.contains(key), "replay --help: \(game) lacks \(key)") }
    }
    for text in ["[row][column][channel]", "sticky", "--elapsed set to its t"] {
      #expect(help.stdout.contains(text), "replay --help lacks \(text)")
    }
  }
}
