// PluginProbe.swift — learning a C plugin's spec without running its code in
// this process: hw_plugin_probe (Sources/CEnvHost/plugin.c) does the work in a
// forked child; this file checks what came back and turns it into an EnvSpec.

import CEnvHost
import BuiltInEnvs
import HogwildSys

enum PluginProbe {
  /// A plugin gets this long to load, describe, create, reset and destroy.
  static let timeoutNanoseconds: UInt64 = 30_000_000_000

  /// The spec of `name` (nil: the plugin's default) in the plugin at `path`,
  /// described under `options` (extension 1's `key=value` strings). Errors
  /// start with `label` (default: the path; nil: the plugin's line alone).
  static func spec(path: String, name: String?, options: [String] = [],
                   label: String?? = .none) throws(EnvSourceError) -> EnvSpec {
    let prefix = (label ?? path).map { $0 + ": " } ?? ""
    var facts = hw_plugin_facts()
    let capacity = Int(HW_ENV_MAX_BOX)
    var low = [Float](repeating: 0, count: capacity)
    var high = [Float](repeating: 0, count: capacity)
    var message = [CChar](repeating: 0, count: Int(HW_PLUGIN_MESSAGE))
    let count = message.count
    let rc = CArguments.withOptionalArgv(options) { argv in
      if let name {
        return hw_plugin_probe(path, name, argv, timeoutNanoseconds, &facts, &low, &high, capacity, &message, count)
      }
      return hw_plugin_probe(path, nil, argv, timeoutNanoseconds, &facts, &low, &high, capacity, &message, count)
    }
    guard rc == 0 else { throw EnvSourceError(prefix + CText.string(message)) }
    return try check(facts, low: low, high: high, prefix: prefix)
  }

  /// Every environment the plugin at `path` names under `options` (its
  /// default alone if it cannot enumerate them), probed in a child.
  static func list(path: String, options: [String]) throws(EnvSourceError) -> [EnvSpec] {
    let capacity = Int(HW_PLUGIN_MAX_NAMES)
    var facts = [hw_plugin_facts](repeating: hw_plugin_facts(), count: capacity)
    var count = 0
    var message = [CChar](repeating: 0, count: Int(HW_PLUGIN_MESSAGE))
    let size = message.count
    let rc = CArguments.withOptionalArgv(options) { argv in
      hw_plugin_list(path, argv, timeoutNanoseconds, &facts, capacity, &count, &message, size)
    }
    guard rc == 0 else { throw EnvSourceError("\(path): " + CText.string(message)) }
    var specs: [EnvSpec] = []
    for f in facts.prefix(count) where f.action_kind == UInt32(HW_ENV_DISCRETE) {
      // A box's bounds do not come back from the list; discrete games only.
      if let spec = try? check(f, low: [], high: [], prefix: path + ": ") { specs.append(spec) }
    }
    return specs
  }

  /// The range checks the C side leaves to us (it checked sizes and symbols).
  static func check(_ f: hw_plugin_facts, low: [Float], high: [Float], prefix: String) throws(EnvSourceError) -> EnvSpec {
    let name = CText.string(f.name)
    func refuse(_ what: String) -> EnvSourceError { EnvSourceError("\(prefix)\(name): \(what)") }
    guard name.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
      throw EnvSourceError("\(prefix)its spec's name must be printable ASCII without spaces, got '\(name)'")
    }
    let n = Int(f.observation_size)
    var shape = [n]
    if f.shape_rank > 0 {
      let dims: [UInt32] = CText.values(f.shape, count: Int(f.shape_rank))
      shape = dims.map { Int($0) }
      guard shape.allSatisfy({ $0 > 0 }), shape.reduce(1, *) == n else {
        let source = f.extended != 0 ? "hw_env_info.observation_shape" : "hw_env_observation_shape"
        throw refuse("\(source) gives \(shape), whose product is not observation_size \(n)")
      }
    }
    let bytes = f.extended != 0 && f.observation_type == UInt32(HW_ENV_UINT8)
    let space: ActionSpace
    let count = Int(f.action_count)
    if f.action_kind == UInt32(HW_ENV_DISCRETE) {
      space = .discrete(count)
    } else {
      if bytes { throw refuse("byte observations (HW_ENV_UINT8) go with a discrete action space in this build") }
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
    // Life loss and shaped rewards come through the byte step's info only.
    let protocolLine = CText.string(f.protocol)
    return EnvSpec(id: name, observationSize: n, observationShape: shape, actionSpace: space,
                   maxEpisodeSteps: f.max_episode_steps == 0 ? Int.max : Int(f.max_episode_steps),
                   rewardThreshold: threshold.isNaN ? nil : threshold, observationIsBytes: bytes,
                   reportsLifeLoss: bytes && f.flags & UInt32(HW_ENV_REPORTS_LIFE_LOSS) != 0,
                   shapesReward: bytes && f.flags & UInt32(HW_ENV_SHAPES_REWARD) != 0,
                   protocolLine: protocolLine.isEmpty ? nil : protocolLine)
  }
}
