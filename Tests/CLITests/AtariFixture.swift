// AtariFixture.swift — the ALE plugin as the tests find it, the frames
// fixture plugin (Fixtures/frames_plugin.c), and the reader of Gymnasium's
// recorded parity fixtures (Fixtures/atari_*.txt, written by
// scripts/make_atari_fixture.py; its docstring gives the format).

import Foundation
import Testing

enum ALE {
  /// The plugin `make atari` installs beside the binary under test, or nil.
  static let plugin: String? = {
    let bin = URL(fileURLWithPath: Harness.binary).resolvingSymlinksInPath().deletingLastPathComponent()
    let path = bin.appendingPathComponent("hogwild-ale/libhogwild_ale.so").path
    return FileManager.default.fileExists(atPath: path) ? path : nil
  }()

  /// Why the tests that need the ALE are skipped.
  static let missing = "the ALE plugin is not built (run 'make atari' first)"

  /// The frames fixture plugin with `defines`, built once per process into a
  /// folder of its own (families and tests name it by path).
  static func framesPlugin(_ defines: [String] = []) throws -> String {
    let tag = defines.isEmpty ? "default" : defines.joined(separator: "_").replacingOccurrences(of: "=", with: "-")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hogwild-frames-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("libframes_\(tag).so").path
    if FileManager.default.fileExists(atPath: path) { return path }
    return try PluginBuilder.build("Tests/CLITests/Fixtures/frames_plugin.c", to: path, defines: defines)
  }
}

/// One recorded Gymnasium trajectory: resets and steps with the newest
/// 84×84 frame of each observation.
struct AtariFixture {
  struct Record {
    var isStep: Bool
    var action = 0
    var reward = 0.0
    var terminated = false
    var truncated = false
    var lives = 0
    var frame: [UInt8]
  }

  var env = ""
  var actions = 0
  var options: [String] = []
  /// The ALE random_seed Gymnasium set (the plugin's create seed).
  var aleSeed: UInt64 = 0
  var records: [Record] = []

  static let frameBytes = 84 * 84

  init(_ name: String) throws {
    let url = PluginBuilder.root.appendingPathComponent("Tests/CLITests/Fixtures/\(name)")
    let text = try String(contentsOf: url, encoding: .utf8)
    var previous = [UInt8](repeating: 0, count: Self.frameBytes)
    for (number, line) in text.split(separator: "\n").enumerated() {
      if number == 0 {
        try #require(line == "hogwild-rl atari fixture 1", "\(name): not a fixture")
        continue
      }
      if line.hasPrefix("#") { continue }
      let w = line.split(separator: " ")
      switch w[0] {
      case "env": env = String(w[1])
      case "actions": actions = Int(w[1]) ?? 0
      case "options": options = w.dropFirst().map(String.init)
      case "seed": aleSeed = UInt64(bitPattern: Int64(w[2]) ?? 0)
      case "reset", "step":
        let isStep = w[0] == "step"
        let head = isStep ? 6 : 2
        try #require(w.count > head, "\(name):\(number + 1): short line")
        var frame = previous
        var at = 0
        var i = head
        while i + 1 < w.count {
          let count = Int(w[i]) ?? -1, value = Int(w[i + 1]) ?? -1
          try #require(count > 0 && at + count <= Self.frameBytes && (0...255).contains(value), "\(name):\(number + 1)")
          for k in at..<(at + count) { frame[k] = frame[k] &+ UInt8(value) }
          at += count
          i += 2
        }
        try #require(at == Self.frameBytes && i == w.count, "\(name):\(number + 1): frame of \(at) bytes")
        previous = frame
        var r = Record(isStep: isStep, frame: frame)
        if isStep {
          r.action = Int(w[1]) ?? -1
          r.reward = Double(w[2]) ?? .nan
          r.terminated = w[3] == "1"
          r.truncated = w[4] == "1"
          r.lives = Int(w[5]) ?? -1
        } else {
          r.lives = Int(w[1]) ?? -1
        }
        records.append(r)
      default:
        Issue.record("\(name):\(number + 1): unknown line \(w[0])")
      }
    }
    try #require(!env.isEmpty && actions > 0 && records.first?.isStep == false, "\(name): no env, actions or reset")
  }
}
