// CLI.swift — the entry point: dispatches to a subcommand and owns the exit
// status conventions (0 ok, 1 runtime failure, 64 bad input).

import HogwildSegment
import HogwildSys
import Runtime

/// `hogwild-rl`'s command line.
public enum CLI {
  public static let version = "0.1.0"

  /// Every subcommand, once: its name, its line in the overview, its entry point.
  static let subcommands: [(name: String, summary: String, main: @Sendable ([String]) -> Int32)] = [
    ("run", "Train an agent (default: CartPole-v1, A3C, one worker per CPU).", RunCommand.main),
    ("eval", "Run a checkpoint's policy for N episodes and report the returns.", EvalCommand.main),
    ("export", "Write a checkpoint's network as safetensors or npz (tensors + architecture).", ExportCommand.main),
    ("dump", "Inspect a live or kept shared segment, or list them (--list).", DumpCommand.main),
    ("clean", "Remove segments left behind by a supervisor that died.", CleanCommand.main),
    ("envs", "List the environments: spaces, time limit, solved threshold.", EnvsCommand.main),
    ("replay", "Step an environment from a given internal state; print every step as JSON.", ReplayCommand.main),
    ("sweep", "Run a grid of configurations (algorithms, workers, delays, …) and report on them.", SweepCommand.main),
    ("plot", "Draw learning curves of runs (or of a sweep) as an SVG.", PlotCommand.main),
  ]

  static var overview: String {
    let width = subcommands.map(\.name.count).max()! + 2
    let list = subcommands.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + $0.summary }
    return ([
      "OVERVIEW: hogwild-rl — asynchronous RL (A3C) with forked workers writing lock-free into one",
      "POSIX shared-memory parameter segment (Hogwild!).",
      "",
      "USAGE: hogwild-rl <subcommand> [options]",
      "",
      "SUBCOMMANDS:",
    ] + list + [
      "",
      "  See 'hogwild-rl <subcommand> --help' for each subcommand's options.",
    ]).joined(separator: "\n")
  }

  /// Runs the command line `args` (without the program name); returns the
  /// process exit status. Whatever the command, a closed stdout or stderr and
  /// a file size limit are failed writes, not death; and no process it
  /// started or adopted outlives it (it is a child subreaper: what an
  /// environment or a probe leaves behind is re-parented here and ended).
  public static func main(_ args: [String]) -> Int32 {
    CurrentProcess.ignoreOutputSignals()
    ChildSubreaper.become()
    let status = dispatch(args)
    ChildSubreaper.endAdopted()
    return status
  }

  static func dispatch(_ args: [String]) -> Int32 {
    guard let sub = args.first else {
      print(overview)
      return 0
    }
    let rest = Array(args.dropFirst())
    if let command = subcommands.first(where: { $0.name == sub }) { return command.main(rest) }
    switch sub {
    case "-h", "--help", "help":
      print(overview)
      return 0
    case "--version":
      print("hogwild-rl \(version)")
      return 0
    default:
      let names = subcommands.map(\.name)
      let expected = names.dropLast().joined(separator: ", ") + " or " + names.last!
      let hint = NearMatch.best(sub, among: names).map { "did you mean '\($0)'? " } ?? ""
      return usageFailure("unknown subcommand '\(sub)'; \(hint)expected \(expected) (see 'hogwild-rl --help')")
    }
  }

  /// Parses `run`'s arguments into a configuration without running it (nil
  /// after --help). For tests and tools.
  public static func parseRunArguments(_ args: [String]) throws(UsageError) -> RunConfig? {
    try RunCommand.parse(args)
  }

  /// Everything `dump` prints about segment `name` — its JSON report, its
  /// text report, a `dump --watch` text frame and JSON line — or why it
  /// cannot; for tests and tools (the structure-aware segment fuzzer).
  public static func dumpOutputs(segment name: String) -> Result<[String], SegmentError> {
    do {
      let seg = try SharedSegment.attach(name: name)
      let report = SegmentReport.json(seg)
      let sample = WatchSample(seg)
      let rates = WatchRates(from: sample, to: WatchSample(seg))
      return .success([
        report.serialized(indent: true), DumpText.render(report),
        WatchFrame.text(sample, rates: rates, interval: "1s").joined(separator: "\n"),
        WatchFrame.json(sample, rates: rates, sample: 0).serialized(),
      ])
    } catch {
      return .failure(error)
    }
  }

  static func usageFailure(_ message: String) -> Int32 {
    printError("error: \(message)")
    return 64
  }

  static func printError(_ line: String) {
    StandardError.write(line + "\n")
  }
}
