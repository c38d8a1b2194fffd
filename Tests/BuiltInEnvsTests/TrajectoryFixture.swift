// TrajectoryFixture.swift — reads the reference trajectories recorded from
// Gymnasium by Fixtures/make_classic_control_fixture.py (Acrobot-v1,
// MountainCar-v0, Pendulum-v1; the format is described in that script) and
// by Fixtures/make_cartpole_fixture.py (the same format without the `sizes`
// line and the elapsed-at-start column: discrete actions, sizes taken from
// the lines, every episode starting at step 0).

import Foundation

enum FixtureError: Error, CustomStringConvertible {
  case malformed(line: Int, String)
  var description: String {
    switch self { case .malformed(let line, let text): "fixture line \(line): \(text)" }
  }
}

/// Parses `float.hex()` output exactly (Swift's Double(String) accepts hex floats).
func parseHexDouble(_ text: Substring, line: Int) throws -> Double {
  guard let value = Double(text) else { throw FixtureError.malformed(line: line, "bad real \(text)") }
  return value
}

/// The action of one recorded step.
enum RecordedAction: Equatable {
  case discrete(Int)
  /// A float32 box action as given to the environment (before clipping).
  case box([Float])
}

/// One recorded step: the action and what Gymnasium returned.
struct TrajectoryStep {
  /// TimeLimit's step count after this step.
  var t: Int
  var action: RecordedAction
  var state: [Double]
  var observation: [Float]
  var reward: Double
  var terminated: Bool
  var truncated: Bool
}

/// One recorded episode, from its initial state and step count.
struct Trajectory {
  var index: Int
  var policy: String
  var elapsedAtStart: Int
  var initialState: [Double]
  var steps: [TrajectoryStep]

  var label: String { "episode \(index) (\(policy))" }
}

/// A fixture file: every episode of one environment.
struct TrajectoryFixture {
  var stateSize: Int
  var observationSize: Int
  var boxActions: Bool
  var trajectories: [Trajectory]

  /// The file `name` in Tests/BuiltInEnvsTests/Fixtures.
  static func url(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name)
  }

  /// The fixture of `envID`, e.g. "MountainCar-v0" → mountaincar_v0_trajectories.txt.
  static func load(envID: String) throws -> TrajectoryFixture {
    let name = envID.lowercased().replacingOccurrences(of: "-", with: "_") + "_trajectories.txt"
    return try parse(String(contentsOf: url(name), encoding: .utf8))
  }

  static func parse(_ text: String) throws -> TrajectoryFixture {
    var fixture = TrajectoryFixture(stateSize: 0, observationSize: 0, boxActions: false, trajectories: [])
    var expectedSteps = 0
    func checkPreviousComplete(_ line: Int) throws {
      if let last = fixture.trajectories.last, last.steps.count != expectedSteps {
        throw FixtureError.malformed(line: line, "\(last.label) has \(last.steps.count) steps, expected \(expectedSteps)")
      }
    }
    for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = offset + 1
      if rawLine.isEmpty || rawLine.hasPrefix("#") { continue }
      let fields = rawLine.split(separator: " ")
      let bad = FixtureError.malformed(line: line, String(rawLine))
      switch fields[0] {
      case "sizes":
        guard fields.count == 4, let s = Int(fields[1]), let o = Int(fields[2]),
              ["discrete", "box"].contains(fields[3]) else { throw bad }
        fixture.stateSize = s
        fixture.observationSize = o
        fixture.boxActions = fields[3] == "box"
      case "episode":
        let elapsed = fields.count == 6 ? Int(fields[4]) : 0
        guard fields.count == 5 || fields.count == 6, let index = Int(fields[1]), let elapsed,
              let n = Int(fields[fields.count - 1]) else { throw bad }
        try checkPreviousComplete(line)
        expectedSteps = n
        fixture.trajectories.append(Trajectory(index: index, policy: String(fields[2]), elapsedAtStart: elapsed,
                                               initialState: [], steps: []))
      case "init":
        if fixture.stateSize == 0 { fixture.stateSize = fields.count - 1 }
        guard fields.count == 1 + fixture.stateSize, !fixture.trajectories.isEmpty else { throw bad }
        fixture.trajectories[fixture.trajectories.count - 1].initialState =
          try fields.dropFirst().map { try parseHexDouble($0, line: line) }
      case "step":
        // step t action state… obs… reward terminated truncated
        if fixture.observationSize == 0 { fixture.observationSize = fields.count - 6 - fixture.stateSize }
        let s = fixture.stateSize, o = fixture.observationSize
        guard fields.count == 3 + s + o + 3, !fixture.trajectories.isEmpty, let t = Int(fields[1]) else { throw bad }
        let action: RecordedAction
        if fixture.boxActions {
          action = .box([try parseFloat32(fields[2], line: line)])
        } else {
          guard let a = Int(fields[2]) else { throw bad }
          action = .discrete(a)
        }
        let state = try fields[3..<(3 + s)].map { try parseHexDouble($0, line: line) }
        let observation = try fields[(3 + s)..<(3 + s + o)].map { try parseFloat32($0, line: line) }
        let reward = try parseHexDouble(fields[3 + s + o], line: line)
        let flags = (fields[4 + s + o], fields[5 + s + o])
        guard ["0", "1"].contains(flags.0), ["0", "1"].contains(flags.1) else { throw bad }
        fixture.trajectories[fixture.trajectories.count - 1].steps.append(TrajectoryStep(
          t: t, action: action, state: state, observation: observation, reward: reward,
          terminated: flags.0 == "1", truncated: flags.1 == "1"))
      default:
        throw bad
      }
    }
    try checkPreviousComplete(0)
    return fixture
  }

  /// A float32 recorded as its exact float64 widening.
  static func parseFloat32(_ text: Substring, line: Int) throws -> Float {
    let wide = try parseHexDouble(text, line: line)
    let narrow = Float(wide)
    guard Double(narrow).bitPattern == wide.bitPattern || (wide.isNaN && narrow.isNaN) else {
      throw FixtureError.malformed(line: line, "\(text) is not a float32 value")
    }
    return narrow
  }
}
