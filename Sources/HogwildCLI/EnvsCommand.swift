// EnvsCommand.swift — `hogwild-rl envs`: every registered environment with
// its spaces, time limit and solved threshold.

import EnvSources
import BuiltInEnvs
import Formats
import Runtime

struct EnvsOptions {
  var json = false
  var source: EnvSource?
  var python: String?
  var atari = AtariFlags()
}

enum EnvsCommand {
  static var table: OptionTable<EnvsOptions> {
    OptionTable<EnvsOptions>(
    command: "envs",
    abstract: "List the environments, with their observation and action spaces, time limit and solved threshold.",
    usage: "hogwild-rl envs [--env SOURCE [--python PATH]] [--json] [Atari flags]",
    options: [
      .init("--json", nil, "Print one JSON array instead of a table.") { o, _ in o.json = true },
      .init("--env", "source", "Show only this environment; a plugin (plugin:PATH[:NAME]) or Python environment (gym:ID, py:MODULE:FACTORY) is probed, as 'run' would.") { o, v throws(UsageError) in
        o.source = try RunCommand.parseEnvSource(v)
      },
      .init("--python", "path", "With a gym: or py: --env: the interpreter to probe it with.", default: "$\(PythonInterpreter.variable), else python3 on PATH") { o, v throws(UsageError) in
        o.python = v
      },
    ] + AtariFlags.options(\EnvsOptions.atari),
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

      After the built-in environments come the Atari 2600 games, ALE/<Game>-v5 for every ROM
      present, once 'make atari' has built the ALE plugin (until then one line says so): their
      observations are uint8 frames [4, 84, 84] (four 84×84 greyscale frames, oldest first), their
      protocol (how the emulator and the preprocessing are set up: sticky actions, no-op starts,
      life loss, the action set) is printed above them, and the Atari flags (--sticky-actions P,
      --full-action-space, --no-life-loss-terminal, --noop-max N, --rom-dir DIR) show how they
      change it. The defaults are Mnih et al.'s protocol, not Gymnasium's ALE/*-v5 registration
      (sticky actions 0.25): compare results only under the same protocol line. In --json each
      game's entry carries "observation_dtype": "uint8", "protocol", "life_loss" and
      "shaped_reward" (the learner gets rewards clipped to [-1, 1]; returns are game score).
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
      let atari: (path: String, specs: [EnvSpec])?
      do { atari = try EnvCatalog.atariGames(o.atari.applied(to: AtariSettings())) } catch {
        return CLI.usageFailure(error.message)
      }
      if o.json {
        print(JSON.array((specs + (atari?.specs ?? [])).map(\.json)).serialized(indent: true))
      } else {
        print(text(specs))
        print("")
        print(atariText(atari))
      }
      return 0
    }
    let resolved: ResolvedEnv
    do { resolved = try RunCommand.resolveEnvironment(source, pythonFlag: o.python, atari: o.atari) } catch {
      return CLI.usageFailure(error.message)
    }
    if o.json {
      var pairs = resolved.spec.json.objectPairs ?? []
      pairs.append(("source", .string(resolved.source.text)))
      pairs.append(("python", resolved.python.map(JSON.string) ?? .null))
      print(JSON.array([.object(pairs)]).serialized(indent: true))
    } else {
      print(text([resolved.spec]))
      var location = ""
      if case .ale = resolved.source, let path = AtariPlugin.path { location = " (the ALE plugin \(path))" }
      print("source: \(resolved.source.text)" + (resolved.python.map { " (python \($0))" } ?? "") + location)
      if let line = resolved.spec.protocolLine { print("protocol: \(line)") }
      if let options = resolved.atari?.options { print("options: " + options.joined(separator: " ")) }
    }
    return 0
  }

  static func text(_ specs: [EnvSpec]) -> String {
    var table = TextTable(["id", "observation", "actions", "time limit", "solved at"], numeric: [3, 4])
    for spec in specs {
      table.add([spec.id, observationText(spec), actionText(spec.actionSpace),
                 spec.timeLimit.map(String.init) ?? "none", JSON.number(spec.rewardThreshold).text])
    }
    return table.render(indent: "")
  }

  /// Gymnasium's notation: Box(4,) float32, or Box(0, 255, (4, 84, 84), uint8) for bytes.
  static func observationText(_ spec: EnvSpec) -> String {
    spec.observationIsBytes ? "Box(0, 255, \(shapeText(spec.observationShape)), uint8)"
      : "Box" + shapeText(spec.observationShape) + " float32"
  }

  /// The Atari games' section: their protocol and table, or how to get them.
  static func atariText(_ atari: (path: String, specs: [EnvSpec])?) -> String {
    guard let atari else {
      return "Atari 2600: ALE/<Game>-v5 (Pong, Breakout, SpaceInvaders, … 104 games) need the ALE plugin, "
        + "which is not built: run 'make atari' (docs/ATARI.md)."
    }
    guard let first = atari.specs.first else {
      return "Atari 2600: the ALE plugin (\(atari.path)) finds no ROMs (--rom-dir DIR or $\(AtariPlugin.romVariable) names their folder)."
    }
    var lines = ["Atari 2600 (the ALE plugin \(atari.path); flags --sticky-actions, --full-action-space, --no-life-loss-terminal, --noop-max, --rom-dir):"]
    if let line = first.protocolLine { lines.append("protocol: " + line) }
    lines.append(text(atari.specs))
    return lines.joined(separator: "\n")
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
