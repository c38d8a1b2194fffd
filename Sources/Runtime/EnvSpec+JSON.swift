// EnvSpec+JSON.swift — an environment's spec as JSON: what `envs --json`
// prints and config.json keeps ("env_spec"), so that a plugin or Python
// environment's spaces are known to `eval` and `--resume` without a probe,
// and a changed environment can be refused.

import BuiltInEnvs
import Formats

extension EnvSpec {
  /// {id, observation_shape, observation_binary, action_space: {type: "discrete", n} |
  /// {type: "box", shape, low, high}, max_episode_steps, reward_threshold}; null
  /// where there is no time limit or threshold; infinite bounds as the strings
  /// "Infinity" and "-Infinity". Only environments that have them add
  /// observation_dtype ("uint8" for byte observations), life_loss and
  /// shaped_reward (true) and protocol (the plugin's line).
  public var json: JSON {
    let action: JSON
    switch actionSpace {
    case .discrete(let n):
      action = .object([("type", .string("discrete")), ("n", .int(Int64(n)))])
    case .box(let low, let high):
      action = .object([("type", .string("box")), ("shape", .array([.int(Int64(low.count))])),
                        ("low", .array(low.map(Self.bound))), ("high", .array(high.map(Self.bound)))])
    }
    var fields: [(String, JSON)] = [
      ("id", .string(id)),
      ("observation_shape", .array(observationShape.map { .int(Int64($0)) })),
      ("observation_binary", .bool(observationIsBinary)),
      ("action_space", action),
      ("max_episode_steps", timeLimit.map { .int(Int64($0)) } ?? .null),
      ("reward_threshold", JSON.number(rewardThreshold)),
    ]
    if observationIsBytes { fields.append(("observation_dtype", .string("uint8"))) }
    if reportsLifeLoss { fields.append(("life_loss", .bool(true))) }
    if shapesReward { fields.append(("shaped_reward", .bool(true))) }
    if let protocolLine { fields.append(("protocol", .string(protocolLine))) }
    return .object(fields)
  }

  /// The spec `json` wrote, or nil if `json` is not of that form.
  public init?(json j: JSON) {
    guard let id = j["id"]?.stringValue,
      let shape = j["observation_shape"]?.arrayValue?.compactMap(\.doubleValue), !shape.isEmpty,
      shape.allSatisfy({ $0 >= 1 && $0 == $0.rounded() && $0 <= 1e8 }),
      let action = j["action_space"], let type = action["type"]?.stringValue
    else { return nil }
    let dims = shape.map { Int($0) }
    let space: ActionSpace
    switch type {
    case "discrete":
      guard let n = action["n"]?.doubleValue, n >= 1, n == n.rounded(), n <= 1e6 else { return nil }
      space = .discrete(Int(n))
    case "box":
      guard let low = action["low"]?.arrayValue?.compactMap(Self.bound),
        let high = action["high"]?.arrayValue?.compactMap(Self.bound),
        !low.isEmpty, low.count == high.count,
        low.count == action["low"]?.arrayValue?.count, high.count == action["high"]?.arrayValue?.count
      else { return nil }
      space = .box(low: low, high: high)
    default: return nil
    }
    let steps = j["max_episode_steps"]?.doubleValue
    guard steps.map({ $0 >= 1 && $0 == $0.rounded() && $0 < 1e15 }) ?? true else { return nil }
    var binary = false
    if case .bool(let b)? = j["observation_binary"] { binary = b }
    var bytes = false
    if let dtype = j["observation_dtype"] {
      guard let d = dtype.stringValue, d == "uint8" || d == "float32" else { return nil }
      bytes = d == "uint8"
    }
    var lifeLoss = false, shaped = false
    if case .bool(let b)? = j["life_loss"] { lifeLoss = b }
    if case .bool(let b)? = j["shaped_reward"] { shaped = b }
    let protocolLine = j["protocol"]?.stringValue
    self.init(id: id, observationSize: dims.reduce(1, *), observationShape: dims, actionSpace: space,
              maxEpisodeSteps: steps.map { Int($0) } ?? Int.max, rewardThreshold: j["reward_threshold"]?.doubleValue,
              observationIsBinary: binary, observationIsBytes: bytes, reportsLifeLoss: lifeLoss, shapesReward: shaped,
              protocolLine: protocolLine)
  }

  static func bound(_ v: Double) -> JSON {
    v.isFinite ? .exactDouble(v) : .string(v > 0 ? "Infinity" : "-Infinity")
  }

  static func bound(_ j: JSON) -> Double? {
    switch j.stringValue {
    case "Infinity": .infinity
    case "-Infinity": -.infinity
    default: j.doubleValue
    }
  }
}
