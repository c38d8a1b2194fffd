// PluginProbe.swift — learning a C plugin's spec without running its code in
// this process: hw_plugin_probe (Sources/CEnvHost/plugin.c) does the work in a
// forked child; this file checks what came back and turns it into an EnvSpec.

import CEnvHost
import Envs

enum PluginProbe {
  /// A plugin gets this long to load, describe, create, reset and destroy.
  static let timeoutNanoseconds: UInt64 = 30_000_000_000

  /// The spec of `name` (nil: the plugin's default) in the plugin at `path`.
  static func spec(path: String, name: String?) throws(EnvSourceError) -> EnvSpec {
    var facts = hw_plugin_facts()
    let capacity = Int(HW_ENV_MAX_BOX)
    var low = [Float](repeating: 0, count: capacity)
    var high = [Float](repeating: 0, count: capacity)
    var message = [CChar](repeating: 0, count: Int(HW_PLUGIN_MESSAGE))
    let rc = probe(path, name, &facts, &low, &high, capacity, &message)
    guard rc == 0 else { throw EnvSourceError("\(path): " + CText.string(message)) }
    return try check(facts, low: low, high: high, path: path)
  }

  private static func probe(_ path: String, _ name: String?, _ facts: inout hw_plugin_facts,
                            _ low: inout [Float], _ high: inout [Float], _ capacity: Int,
                            _ message: inout [CChar]) -> Int32 {
    let count = message.count
    if let name {
      return hw_plugin_probe(path, name, timeoutNanoseconds, &facts, &low, &high, capacity, &message, count)
    }
    return hw_plugin_probe(path, nil, timeoutNanoseconds, &facts, &low, &high, capacity, &message, count)
  }

  /// The range checks the C side leaves to us (it checked sizes and symbols).
  static func check(_ f: hw_plugin_facts, low: [Float], high: [Float], path: String) throws(EnvSourceError) -> EnvSpec {
    let name = CText.string(f.name)
    func refuse(_ what: String) -> EnvSourceError { EnvSourceError("\(path): \(name): \(what)") }
    guard name.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
      throw EnvSourceError("\(path): its spec's name must be printable ASCII without spaces, got '\(name)'")
    }
    let n = Int(f.observation_size)
    var shape = [n]
    if f.shape_rank > 0 {
      let dims: [UInt32] = CText.values(f.shape, count: Int(f.shape_rank))
      shape = dims.map { Int($0) }
      guard shape.allSatisfy({ $0 > 0 }), shape.reduce(1, *) == n else {
        throw refuse("hw_env_observation_shape gives \(shape), whose product is not observation_size \(n)")
      }
    }
    let space: ActionSpace
    let count = Int(f.action_count)
    if f.action_kind == UInt32(HW_ENV_DISCRETE) {
      space = .discrete(count)
    } else {
      let lo = low.prefix(count).map(Double.init), hi = high.prefix(count).map(Double.init)
      for d in 0..<count {
        guard !lo[d].isNaN, !hi[d].isNaN, lo[d] <= hi[d], lo[d] < .infinity, hi[d] > -.infinity else {
          throw refuse("action bounds of dimension \(d) are [\(lo[d]), \(hi[d])]; each needs low ≤ high, no NaN")
        }
      }
      space = .box(low: lo, high: hi)
    }
    let threshold = f.reward_threshold
    guard threshold.isFinite || threshold.isNaN else {
      throw refuse("reward_threshold \(threshold) must be a finite number, or NaN for none")
    }
    return EnvSpec(id: name, observationSize: n, observationShape: shape, actionSpace: space,
                   maxEpisodeSteps: f.max_episode_steps == 0 ? Int.max : Int(f.max_episode_steps),
                   rewardThreshold: threshold.isNaN ? nil : threshold)
  }
}
