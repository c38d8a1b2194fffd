// MinAtarTrace.swift — the MinAtar reference traces recorded for the BuiltInEnvs tests
// (Tests/BuiltInEnvsTests/Fixtures/minatar_*.txt, from minatar 1.0.15 with sticky actions
// off), read as `replay` takes and prints them: each segment's initial state as a
// JSON object with MinAtar's attribute names, and per step the action, reward,
// terminal flag, state and observation hash. For games whose state is integers,
// flags and 10×10 maps (Breakout, Space Invaders); the CLI tests cannot import the
// BuiltInEnvsTests target, so this is a small reader of its own.

import Formats
import Foundation
import Runtime

/// One recorded step.
struct MinAtarTraceStep {
  var t: Int
  /// The MinAtar action (0–5), which is also the -v0 id's action index.
  var action: Int
  var reward: Int
  var terminal: Bool
  /// FNV-1a 64 of the observation as bytes 0/1 in [row][column][channel] order.
  var observationHash: UInt64
  /// MinAtar's attributes after the step.
  var state: [String: JSON]
}

/// One recorded segment: a state, then the steps taken from it.
struct MinAtarTraceSegment {
  var name: String
  var initial: [String: JSON]
  var steps: [MinAtarTraceStep]

  /// The steps `replay` prints: up to the first terminal one (the trace may go on
  /// after it; replay stops there).
  var stepsUntilTerminal: ArraySlice<MinAtarTraceStep> {
    steps[...(steps.firstIndex { $0.terminal } ?? steps.count - 1)]
  }
}

/// Reads `file`; `flags` are the attributes that are booleans, keys ending in
/// `_map` are maps (25 hex digits, first cell in the most significant bit), the
/// rest integers.
func loadMinAtarTrace(_ file: String, flags: Set<String>) throws -> [MinAtarTraceSegment] {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("BuiltInEnvsTests/Fixtures/" + file)
  var names: [String] = []
  var segments: [MinAtarTraceSegment] = []
  func state(_ values: ArraySlice<Substring>) throws -> [String: JSON] {
    var out: [String: JSON] = [:]
    for (name, raw) in zip(names, values) {
      if name.hasSuffix("_map") {
        let bits = raw.flatMap { digit in
          let v = Int(String(digit), radix: 16)!
          return [(v >> 3) & 1, (v >> 2) & 1, (v >> 1) & 1, v & 1]
        }
        out[name] = .array((0..<10).map { row in .array(bits[row * 10..<row * 10 + 10].map { .int(Int64($0)) }) })
      } else if flags.contains(name) {
        out[name] = .bool(raw == "1")
      } else {
        guard let i = Int64(raw) else { throw UnexpectedFixtureLine(line: String(raw)) }
        out[name] = .int(i)
      }
    }
    return out
  }
  for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
    let f = line.split(separator: " ")
    switch f[0] {
    case "game", "obs": continue
    case "fields": names = f.dropFirst().map(String.init)
    case "segment": segments.append(MinAtarTraceSegment(name: String(f[2]), initial: [:], steps: []))
    case "init": segments[segments.count - 1].initial = try state(f.dropFirst())
    case "step":
      guard f.count == names.count + 7, let t = Int(f[1]), let action = Int(f[2]), let reward = Int(f[4]),
            let hash = UInt64(f[6], radix: 16) else { throw UnexpectedFixtureLine(line: String(line)) }
      segments[segments.count - 1].steps.append(MinAtarTraceStep(
        t: t, action: action, reward: reward, terminal: f[5] == "1", observationHash: hash,
        state: try state(f.dropFirst(7))))
    default: throw UnexpectedFixtureLine(line: String(line))
    }
  }
  return segments
}

/// A state object as JSON text (keys sorted; `replay` reads them by name).
func stateText(_ state: [String: JSON]) -> String {
  JSON.object(state.sorted { $0.key < $1.key }).serialized()
}

/// The fields of a JSON object by key.
func fieldsByKey(_ value: JSON?) -> [String: JSON] {
  Dictionary(uniqueKeysWithValues: value?.objectPairs ?? [])
}

/// FNV-1a 64 of a nested 0/1 observation flattened in order (the traces' hash).
func observationHash(_ observation: JSON?) -> UInt64 {
  var hash: UInt64 = 0xCBF2_9CE4_8422_2325
  func visit(_ value: JSON) {
    if let items = value.arrayValue {
      items.forEach(visit)
    } else {
      hash = (hash ^ (value.doubleValue == 0 ? 0 : 1)) &* 0x0000_0100_0000_01B3
    }
  }
  if let observation { visit(observation) }
  return hash
}
