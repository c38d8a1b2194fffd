// EnvsCommand.swift — `hogwild-rl envs`: every registered environment with
// its spaces, time limit and solved threshold.

import Envs
import Runtime

struct EnvsOptions {
  var json = false
}

enum EnvsCommand {
  static var table: OptionTable<EnvsOptions> {
    OptionTable<EnvsOptions>(
    command: "envs",
    abstract: "List the environments, with their observation and action spaces, time limit and solved threshold.",
    usage: "hogwild-rl envs [--json]",
    options: [
      .init("--json", nil, "Print one JSON array instead of a table.") { o, _ in o.json = true },
    ],
    positional: nil,
    discussion: """
      Observations are float32 arrays of the shape shown (a flat buffer in row-major order;
      MinAtar's are 10×10×C planes, [row][column][channel], of 0 and 1). "none": no time limit
      (MinAtar's episodes end only when the game does).
      Actions are Discrete(n), the integers 0 to n − 1, or a box of float32 values between the
      bounds shown (the environment clips values outside them). "solved at" is the mean return
      over 100 consecutive episodes that counts as solving the task (Gymnasium's reward
      threshold; the default --target-return of 'run'). --json prints [{id, observation_shape,
      action_space: {type: "discrete", n} | {type: "box", shape, low, high}, max_episode_steps,
      reward_threshold}], null where there is no time limit or threshold.
      """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = EnvsOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
    } catch {
      return CLI.usageFailure(error.message)
    }
    let specs = EnvRegistry.ids.compactMap(EnvRegistry.spec)
    print(o.json ? JSON.array(specs.map(json)).serialized(indent: true) : text(specs))
    return 0
  }

  static func text(_ specs: [EnvSpec]) -> String {
    var table = TextTable(["id", "observation", "actions", "time limit", "solved at"], numeric: [3, 4])
    for spec in specs {
      table.add([spec.id, "Box" + shapeText(spec.observationShape) + " float32", actionText(spec.actionSpace),
                 spec.timeLimit.map(String.init) ?? "none", JSON.number(spec.rewardThreshold).text])
    }
    return table.render(indent: "")
  }

  /// Python's tuple notation, as Gymnasium prints shapes: (4,), (10, 10, 4).
  static func shapeText(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }

  static func actionText(_ space: ActionSpace) -> String {
    switch space {
    case .discrete(let n): return "Discrete(\(n))"
    case .box(let low, let high):
      // Gymnasium's short form when every dimension has the same bounds.
      let bounds = Set(low).count == 1 && Set(high).count == 1
        ? "\(low[0]), \(high[0])"
        : "[" + low.map { "\($0)" }.joined(separator: ", ") + "], [" + high.map { "\($0)" }.joined(separator: ", ") + "]"
      return "Box(\(bounds), \(shapeText([low.count])), float32)"
    }
  }

  static func json(_ spec: EnvSpec) -> JSON {
    let action: JSON
    switch spec.actionSpace {
    case .discrete(let n):
      action = .object([("type", .string("discrete")), ("n", .int(Int64(n)))])
    case .box(let low, let high):
      action = .object([("type", .string("box")), ("shape", .array([.int(Int64(low.count))])),
                        ("low", .array(low.map(JSON.exactDouble))), ("high", .array(high.map(JSON.exactDouble)))])
    }
    return .object([
      ("id", .string(spec.id)),
      ("observation_shape", .array(spec.observationShape.map { .int(Int64($0)) })),
      ("action_space", action),
      ("max_episode_steps", spec.timeLimit.map { .int(Int64($0)) } ?? .null),
      ("reward_threshold", JSON.number(spec.rewardThreshold)),
    ])
  }
}
