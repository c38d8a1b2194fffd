// EnvsCommand.swift — `hogwild-rl envs`: every registered environment with
// its spaces, time limit and solved threshold.

import EnvSources
import Envs
import Formats
import Runtime

struct EnvsOptions {
  var json = false
  var source: EnvSource?
  var python: String?
}

enum EnvsCommand {
  static var table: OptionTable<EnvsOptions> {
    OptionTable<EnvsOptions>(
    command: "envs",
    abstract: "List the environments, with their observation and action spaces, time limit and solved threshold.",
    usage: "hogwild-rl envs [--env SOURCE [--python PATH]] [--json]",
    options: [
      .init("--json", nil, "Print one JSON array instead of a table.") { o, _ in o.json = true },
      .init("--env", "source", "Show only this environment; a plugin (plugin:PATH[:NAME]) or Python environment (gym:ID, py:MODULE:FACTORY) is probed, as 'run' would.") { o, v throws(UsageError) in
        o.source = try RunCommand.parseEnvSource(v)
      },
      .init("--python", "path", "With a gym: or py: --env: the interpreter to probe it with.", default: "$\(PythonInterpreter.variable), else python3 on PATH") { o, v throws(UsageError) in
        o.python = v
      },
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
      reward_threshold, observation_binary}], null where there is no time limit or threshold.
      With --env, only that environment is shown, with its source (a plugin's path and name, the
      Python interpreter); a source that cannot be used is one line on stderr and exit status 64.
      """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = EnvsOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
    } catch {
      return CLI.usageFailure(error.message)
    }
    guard let source = o.source else {
      if o.python != nil { return CLI.usageFailure("--python: goes with a gym: or py: --env") }
      let specs = EnvRegistry.ids.compactMap(EnvRegistry.spec)
      print(o.json ? JSON.array(specs.map(\.json)).serialized(indent: true) : text(specs))
      return 0
    }
    let resolved: ResolvedEnv
    do { resolved = try RunCommand.resolveEnvironment(source, pythonFlag: o.python) } catch {
      return CLI.usageFailure(error.message)
    }
    if o.json {
      var pairs = resolved.spec.json.objectPairs ?? []
      pairs.append(("source", .string(resolved.source.text)))
      pairs.append(("python", resolved.python.map(JSON.string) ?? .null))
      print(JSON.array([.object(pairs)]).serialized(indent: true))
    } else {
      print(text([resolved.spec]))
      print("source: \(resolved.source.text)" + (resolved.python.map { " (python \($0))" } ?? ""))
    }
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
}
