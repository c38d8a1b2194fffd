// CLI.swift — the entry point: dispatches to a subcommand and owns the exit
// status conventions (0 ok, 1 runtime failure, 64 bad input).

import HogwildSys
import Runtime

/// `hogwild-rl`'s command line.
public enum CLI {
  public static let version = "0.1.0"

  static let overview = """
    OVERVIEW: hogwild-rl — asynchronous RL (A3C) with forked workers writing lock-free into one
    POSIX shared-memory parameter segment (Hogwild!).

    USAGE: hogwild-rl <subcommand> [options]

    SUBCOMMANDS:
      run     Train an agent (default: CartPole-v1, A3C, one worker per CPU).
      eval    Run a checkpoint's policy for N episodes and report the returns.
      export  Write a checkpoint's network as safetensors or npz (tensors + architecture).
      dump    Inspect a live or kept shared segment, or list them (--list).
      clean   Remove segments left behind by a supervisor that died.
      envs    List the environments: spaces, time limit, solved threshold.
      replay  Step an environment from a given internal state; print every step as JSON.
      sweep   Run a grid of configurations (algorithms, workers, delays, …) and report on them.
      plot    Draw learning curves of runs (or of a sweep) as an SVG.

      See 'hogwild-rl <subcommand> --help' for each subcommand's options.
    """

  /// Runs the command line `args` (without the program name); returns the
  /// process exit status.
  public static func main(_ args: [String]) -> Int32 {
    guard let sub = args.first else {
      print(overview)
      return 0
    }
    let rest = Array(args.dropFirst())
    switch sub {
    case "run": return RunCommand.main(rest)
    case "eval": return EvalCommand.main(rest)
    case "export": return ExportCommand.main(rest)
    case "dump": return DumpCommand.main(rest)
    case "clean": return CleanCommand.main(rest)
    case "envs": return EnvsCommand.main(rest)
    case "replay": return ReplayCommand.main(rest)
    case "sweep": return SweepCommand.main(rest)
    case "plot": return PlotCommand.main(rest)
    case "-h", "--help", "help":
      print(overview)
      return 0
    case "--version":
      print("hogwild-rl \(version)")
      return 0
    default:
      return usageFailure("unknown subcommand '\(sub)'; expected run, eval, export, dump, clean, envs, replay, sweep or plot (see 'hogwild-rl --help')")
    }
  }

  /// Parses `run`'s arguments into a configuration without running it (nil
  /// after --help). For tests and tools.
  public static func parseRunArguments(_ args: [String]) throws(UsageError) -> RunConfig? {
    try RunCommand.parse(args)
  }

  static func usageFailure(_ message: String) -> Int32 {
    printError("error: \(message)")
    return 64
  }

  static func printError(_ line: String) {
    StandardError.write(line + "\n")
  }
}
