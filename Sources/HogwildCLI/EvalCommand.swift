// EvalCommand.swift — `hogwild-rl eval`: run a checkpoint's policy for N
// episodes without training (no segment, no workers) and report the returns.

import Algorithms
import EnvSources
import BuiltInEnvs
import Formats
import Runtime

struct EvalOptions {
  var checkpoint: String?
  var episodes: Int?
  var greedy = false
  var seed: UInt64 = 1
  var json = false
  var python: String?
  var trustCheckpoint = false
  var maxEpisodeSteps = Policy.defaultMaxEpisodeSteps
}

enum EvalCommand {
  static var table: OptionTable<EvalOptions> {
    OptionTable<EvalOptions>(
    command: "eval",
    abstract: "Evaluate a trained policy from a checkpoint (no training, no shared segment).",
    usage: "hogwild-rl eval --checkpoint PATH --episodes N [--greedy] [--max-episode-steps N] [--seed S] [--json] [--python PATH] [--trust-checkpoint]",
    options: [
      .init("--checkpoint", "path", "A checkpoint.bin (or best.bin, with --eval-every) written by 'hogwild-rl run' (its settings rebuild the network).") { o, v throws(UsageError) in
        guard !v.isEmpty else { throw ValueParsers.fail("--checkpoint", "a file path", v) }
        o.checkpoint = v
      },
      .init("--episodes", "n", "Episodes to run, 1 to 1000000.") { o, v throws(UsageError) in
        o.episodes = try ValueParsers.integer("--episodes", v, 1...1_000_000)
      },
      .init("--greedy", nil, "Take the most probable action (a Box action: the mean) instead of sampling from π, as examples/policy.py --greedy does. Q-networks always act greedily.") { o, _ in o.greedy = true },
      .init("--sample", nil, "Sample actions from π (the default; as examples/policy.py).") { o, _ in o.greedy = false },
      .init("--max-episode-steps", "n", "End an episode after n steps if it has not ended by itself (an environment without a time limit, such as MinAtar, with a policy that never loses would run forever); the output says how many were cut.", default: "\(Policy.defaultMaxEpisodeSteps)") { o, v throws(UsageError) in
        o.maxEpisodeSteps = try ValueParsers.integer("--max-episode-steps", v, 1...Int(1e12))
      },
      .init("--seed", "s", "Seed for the environments' initial states (and the action samples).", default: "1") { o, v throws(UsageError) in
        o.seed = try ValueParsers.unsigned("--seed", v)
      },
      .init("--json", nil, "Print one JSON object instead of text.") { o, _ in o.json = true },
      .init("--python", "path", "gym: and py: environments: the interpreter to run them with.", default: "the run's") { o, v throws(UsageError) in
        do throws(EnvSourceError) { o.python = try PythonInterpreter.locate(v, what: "--python \(v)") } catch {
          throw UsageError(error.message)
        }
      },
      .init("--trust-checkpoint", nil, "Load the plugin or Python interpreter the checkpoint names even if it is not a regular file owned by you or root.") { o, _ in
        o.trustCheckpoint = true
      },
    ],
    positional: nil,
    discussion: """
      Rebuilds the network from the settings stored in the checkpoint and runs --episodes
      episodes of its environment with θ fixed, sampling actions from π(·|s; θ) (or the argmax
      with --greedy); a MinAtar environment keeps the run's sticky actions (--sticky); a plugin
      or Python environment is probed again and refused if its spec changed. Prints
      the mean ± standard deviation of the returns; --json prints
      {env, algo, checkpoint, T, greedy, seed, episodes, mean_return, std_return, min, max,
      returns[]}, plus episodes_cut and max_episode_steps when --max-episode-steps cut an
      episode. A --checkpoint that names no readable file: one line, exit 64; a truncated,
      corrupted or foreign checkpoint: one line, exit 1.

      A checkpoint names the code its environment runs (a plugin's path, a Python interpreter),
      and eval runs it: evaluating a checkpoint from someone else runs their code. A plugin or
      interpreter that is not a regular file owned by you or root, or that others may write, is
      refused (exit 64) unless --trust-checkpoint is given; --python replaces the interpreter.
      """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = EvalOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
    } catch {
      return CLI.usageFailure(error.message)
    }
    guard let path = o.checkpoint else { return CLI.usageFailure("eval: --checkpoint is required") }
    guard let episodes = o.episodes else { return CLI.usageFailure("eval: --episodes is required") }
    let loaded: LoadedCheckpoint
    do { loaded = try LoadedCheckpoint(path: path) } catch {
      CLI.printError("error: \(error)")
      return error.exitCode
    }
    var resolved = loaded.config.env
    if let python = o.python {
      guard resolved.source.isPython else { return CLI.usageFailure(RunCommand.pythonNotNeeded(resolved.source.text).message) }
      resolved = ResolvedEnv(source: resolved.source, spec: resolved.spec, python: python)
    }
    if !o.trustCheckpoint, let why = resolved.untrustedCode {
      return CLI.usageFailure("\(path): \(why); it would run as your code (give --trust-checkpoint if you trust it)")
    }
    // An environment that no longer probes, or no longer fits the network,
    // is an input problem (as with run --resume); one that cannot start is a
    // runtime failure.
    do { resolved = try resolved.reprobed() } catch {
      return CLI.usageFailure("\(path): \(error.message)")
    }
    let env: any Environment
    do { env = try resolved.make(options: loaded.config.envOptions, seed: o.seed) } catch {
      CLI.printError("error: \(path): \(error.message)")
      return 1
    }
    // A Q-network always acts greedily; report what actually ran.
    let greedy = o.greedy || loaded.policy.valueBased
    let played = loaded.policy.evaluateEpisodes(env, episodes: episodes, greedy: greedy, seed: o.seed,
                                                maxSteps: o.maxEpisodeSteps)
    let returns = played.map(\.return)
    let cut = played.filter(\.cut).count
    let n = Double(returns.count)
    let mean = returns.reduce(0, +) / n
    let std = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    let lo = returns.min() ?? 0, hi = returns.max() ?? 0
    if o.json {
      print(JSON.object([
        ("env", .string(loaded.config.envID)),
        ("algo", .string(loaded.config.algorithm.rawValue)),
        ("checkpoint", .string(path)),
        ("T", .uint(loaded.checkpoint.globalSteps)),
        ("greedy", .bool(greedy)),
        ("seed", .uint(o.seed)),
        ("episodes", .int(Int64(returns.count))),
        ("mean_return", .double(mean)),
        ("std_return", .double(std)),
        ("min", .double(lo)),
        ("max", .double(hi)),
        ("returns", .array(returns.map(JSON.double))),
      ] + (cut > 0 ? [("episodes_cut", .int(Int64(cut))), ("max_episode_steps", .int(Int64(o.maxEpisodeSteps)))] : []))
        .serialized(indent: true))
    } else {
      let mode = greedy ? "greedy" : "sampled"
      print("\(TerminalText.escaped(loaded.config.envID)) \(loaded.config.algorithm.rawValue), checkpoint at T \(loaded.checkpoint.globalSteps), \(returns.count) episodes (\(mode), seed \(o.seed))")
      print("return: \(RunCommand.fmt(mean, 2)) ± \(RunCommand.fmt(std, 2)) (min \(RunCommand.fmt(lo, 2)), max \(RunCommand.fmt(hi, 2)))")
      if cut > 0 {
        print("cut: \(cut) of \(returns.count) episodes reached \(o.maxEpisodeSteps) steps without ending and were stopped there (--max-episode-steps)")
      }
    }
    return 0
  }
}
