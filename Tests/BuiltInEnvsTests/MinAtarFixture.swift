// MinAtarFixture.swift — reads the MinAtar reference traces (Fixtures/minatar_*.txt,
// written by Fixtures/make_minatar_fixtures.py from the real minatar 1.0.15) and
// replays them through the Swift games, comparing every step.

import Foundation
import Testing
import BuiltInEnvs

/// One draw the reference game made, in order.
enum RecordedDraw: Equatable {
  case rand(Double)
  case randint(low: Int, high: Int, value: Int)
}

/// The values of one recorded state, read by MinAtar field name.
struct RecordedFields {
  var names: [String]
  var values: [Substring]

  func raw(_ name: String) -> Substring {
    guard let i = names.firstIndex(of: name) else { fatalError("fixture has no field \(name)") }
    return values[i]
  }
  func int(_ name: String) -> Int { Int(raw(name))! }
  func bool(_ name: String) -> Bool { raw(name) == "1" }

  /// A 10×10 map written as 25 hex digits, first cell in the most significant bit.
  func grid(_ name: String) -> [[Int]] {
    let bits = raw(name).flatMap { digit -> [Int] in
      let v = Int(String(digit), radix: 16)!
      return [(v >> 3) & 1, (v >> 2) & 1, (v >> 1) & 1, v & 1]
    }
    return (0..<10).map { row in Array(bits[row * 10..<row * 10 + 10]) }
  }

  /// An entity list: '-' empty, entities split by '/', items by ','; '_' is None.
  func entities(_ name: String) -> [[Int]?] {
    let text = raw(name)
    if text == "-" { return [] }
    return text.split(separator: "/").map { item in
      item == "_" ? nil : item.split(separator: ",").map { Int($0)! }
    }
  }
}

/// One recorded step: the action, the game's draws during it, and what followed.
struct RecordedMinAtarStep {
  var t: Int
  var action: MinAtarAction
  var draws: [RecordedDraw]
  var reward: Int
  var terminal: Bool
  var observationHash: UInt64
  var fields: RecordedFields
  /// The flat indices of the set cells, when the fixture lists them for this step.
  var observationCells: [Int]?
}

/// A recorded run from one initial state.
struct RecordedSegment {
  var index: Int
  var name: String
  var initial: RecordedFields
  var initialCells: [Int]
  var steps: [RecordedMinAtarStep]
}

/// One game's fixture file.
struct MinAtarFixture {
  var game: String
  var channels: Int
  var minimalActionSet: [Int]
  var segments: [RecordedSegment]

  init(file: String) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(file)")
    let text = try String(contentsOf: url, encoding: .utf8)
    game = ""; channels = 0; minimalActionSet = []; segments = []
    var names: [String] = []
    var expectedSteps = 0
    func fail(_ line: Int, _ why: String) -> FixtureError { .malformed(line: line, "\(file): \(why)") }
    for (offset, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
      let n = offset + 1
      let f = line.split(separator: " ")
      switch f[0] {
      case "game":
        guard f.count == 6 else { throw fail(n, "bad game line") }
        game = String(f[1]); channels = Int(f[3])!; minimalActionSet = f[5].split(separator: ",").map { Int($0)! }
      case "fields":
        names = f.dropFirst().map(String.init)
      case "segment":
        guard f.count == 5, let index = Int(f[1]), let count = Int(f[4]) else { throw fail(n, "bad segment") }
        if let last = segments.last, last.steps.count != expectedSteps { throw fail(n, "short segment") }
        expectedSteps = count
        segments.append(RecordedSegment(index: index, name: String(f[2]),
                                        initial: RecordedFields(names: [], values: []), initialCells: [], steps: []))
      case "init":
        guard f.count == names.count + 1, !segments.isEmpty else { throw fail(n, "bad init") }
        segments[segments.count - 1].initial = RecordedFields(names: names, values: Array(f.dropFirst()))
      case "obs":
        let cells = f.count > 1 ? f[1].split(separator: ",").map { Int($0)! } : []
        guard !segments.isEmpty else { throw fail(n, "obs outside a segment") }
        let s = segments.count - 1
        if segments[s].steps.isEmpty {
          segments[s].initialCells = cells
        } else {
          segments[s].steps[segments[s].steps.count - 1].observationCells = cells
        }
      case "step":
        guard f.count == names.count + 7, !segments.isEmpty, let t = Int(f[1]), let a = Int(f[2]),
              let action = MinAtarAction(rawValue: a), let reward = Int(f[4]),
              let hash = UInt64(f[6], radix: 16) else { throw fail(n, "bad step") }
        let draws = try f[3] == "-" ? [] : f[3].split(separator: ",").map { token -> RecordedDraw in
          if token.first == "r", let v = Double(token.dropFirst()) { return .rand(v) }
          let parts = token.dropFirst().split(separator: ":").compactMap { Int($0) }
          guard token.first == "i", parts.count == 3 else { throw fail(n, "bad draw \(token)") }
          return .randint(low: parts[0], high: parts[1], value: parts[2])
        }
        segments[segments.count - 1].steps.append(RecordedMinAtarStep(
          t: t, action: action, draws: draws, reward: reward, terminal: f[5] == "1", observationHash: hash,
          fields: RecordedFields(names: names, values: Array(f.dropFirst(7))), observationCells: nil))
      default:
        throw fail(n, "unknown line")
      }
    }
    if let last = segments.last, last.steps.count != expectedSteps { throw fail(0, "short last segment") }
  }
}

/// Replays recorded draws in order; a draw of another kind or range than recorded is
/// a mismatch (the port then draws differently from the reference).
struct ScriptedRandom: MinAtarRandomSource {
  var draws: [RecordedDraw]
  var next = 0
  var mismatch: String?

  init(_ draws: [RecordedDraw]) { self.draws = draws }

  var exhausted: Bool { next == draws.count }

  mutating func take() -> RecordedDraw? {
    guard next < draws.count else {
      mismatch = mismatch ?? "draw \(next + 1) not recorded"
      return nil
    }
    defer { next += 1 }
    return draws[next]
  }

  mutating func rand() -> Double {
    guard case .rand(let v)? = take() else {
      mismatch = mismatch ?? "rand() where the reference drew otherwise (draw \(next))"
      return 0
    }
    return v
  }

  mutating func randint(_ low: Int, _ high: Int) -> Int {
    guard case .randint(let l, let h, let v)? = take(), l == low, h == high else {
      mismatch = mismatch ?? "randint(\(low), \(high)) where the reference drew otherwise (draw \(next))"
      return low
    }
    return v
  }
}

/// FNV-1a 64 of the observation as bytes 0/1 (the fixture's hash of `state()`).
func observationHash(_ observation: [Float]) -> UInt64 {
  var h: UInt64 = 0xCBF2_9CE4_8422_2325
  for v in observation {
    h = (h ^ (v != 0 ? 1 : 0)) &* 0x0000_0100_0000_01B3
  }
  return h
}

/// The flat indices of the set cells.
func activeCells(_ observation: [Float]) -> [Int] {
  observation.indices.filter { observation[$0] != 0 }
}

/// What a replay compared.
struct ReplaySummary {
  /// Steps compared (state, observation, reward, terminal, draws) and found equal.
  var matchedSteps = 0
  /// Steps compared in all.
  var comparedSteps = 0
  /// Every recorded state in order (for checks that the fixture covers a rule).
  var states: [(segment: String, before: RecordedFields, step: RecordedMinAtarStep)] = []
}

/// Replays a whole fixture file (see `replay`) after checking its header against the
/// game (channels, minimal action set); expects `steps` steps, all equal.
func replayFixture<Game: MinAtarGame>(_ file: String, as game: Game.Type, steps: Int,
                                      decode: (RecordedFields) -> Game.State,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws -> ReplaySummary {
  let fixture = try MinAtarFixture(file: file)
  #expect(fixture.channels == Game.channelCount, sourceLocation: sourceLocation)
  #expect(fixture.minimalActionSet == Game.minimalActionSet.map(\.rawValue), sourceLocation: sourceLocation)
  let summary = replay(fixture, as: game, decode: decode)
  #expect(summary.comparedSteps == steps, sourceLocation: sourceLocation)
  #expect(summary.matchedSteps == summary.comparedSteps, sourceLocation: sourceLocation)
  return summary
}

/// Sets a fresh game (ramping on, as recorded) to each segment's initial state, then
/// steps it with the recorded actions and draws, expecting the same reward,
/// terminal flag, observation, internal state and draws at every step. A segment
/// stops at its first difference (one report each).
func replay<Game: MinAtarGame>(_ fixture: MinAtarFixture, as _: Game.Type,
                               decode: (RecordedFields) -> Game.State) -> ReplaySummary {
  var summary = ReplaySummary()
  for segment in fixture.segments {
    var game = Game(ramping: true)
    game.state = decode(segment.initial)
    #expect(game.state == decode(segment.initial), "\(segment.name): state does not round-trip")
    var observation: [Float] = []
    game.writeObservation(into: &observation)
    #expect(activeCells(observation) == segment.initialCells, "\(segment.name): initial observation")
    var before = segment.initial
    for step in segment.steps {
      let at = "\(fixture.game) segment \(segment.index) (\(segment.name)) step \(step.t)"
      var random = ScriptedRandom(step.draws)
      let (reward, terminal) = game.act(step.action, random: &random)
      game.writeObservation(into: &observation)
      let expected = decode(step.fields)
      summary.comparedSteps += 1
      summary.states.append((segment.name, before, step))
      before = step.fields
      var ok = true
      func check(_ condition: Bool, _ what: String) {
        #expect(condition, "\(what) at \(at)")
        ok = ok && condition
      }
      check(random.mismatch == nil, "draws: \(random.mismatch ?? "")")
      check(random.exhausted, "draws: \(random.draws.count - random.next) recorded draws not made")
      check(reward == step.reward, "reward \(reward) ≠ \(step.reward)")
      check(terminal == step.terminal, "terminal \(terminal) ≠ \(step.terminal)")
      check(game.state == expected, "state \(game.state) ≠ \(expected)")
      check(observationHash(observation) == step.observationHash, "observation hash")
      if let cells = step.observationCells {
        check(activeCells(observation) == cells, "observation cells \(activeCells(observation)) ≠ \(cells)")
      }
      if !ok { break }
      summary.matchedSteps += 1
    }
  }
  return summary
}
