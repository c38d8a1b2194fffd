// SweepCommand.swift — `hogwild-rl sweep`: runs a grid of configurations one
// after another, each as a child `hogwild-rl run` in its own directory, and
// writes results.csv, report.md and SVG figures from the finished runs.
// Finished runs are skipped, so an interrupted sweep continues where it stopped.

import BuiltInEnvs
import Experiments
import Formats
import HogwildSegment
import HogwildSys
import Plot
import Runtime

struct SweepOptions {
  /// Dimension key → its canonical values, as listed.
  var lists: [String: [String]] = [:]
  var seeds: [UInt64] = [1]
  var out: String?
  var shared: [(flag: String, value: String)] = []
  /// nil: the env's solved threshold; .some(nil): none.
  var target: Double??
  var stopAtTarget = false
  var dryRun = false
  /// --mpirun: the mpirun path and its options.
  var mpirun: [String] = []
}

enum SweepCommand {
  /// `run` flags a sweep sets itself (or that cannot be shared by its runs).
  static let ownFlags: Set<String> = ["--seed", "--out", "--resume", "--segment", "--keep-segment",
                                      "--target-return", "--quiet", "--distributed"]

  static var table: OptionTable<SweepOptions> {
    OptionTable<SweepOptions>(
      command: "sweep",
      abstract: "Run a grid of configurations one after another and report on them (results.csv, report.md, SVG figures).",
      usage: "hogwild-rl sweep --out DIR [--algo LIST] [--procs LIST] [--delay LIST] [--update LIST] [--seeds N|LIST] [run options]",
      options: options,
      positional: nil,
      discussion: discussion)
  }

  static let discussion = """
    Every combination of the listed values (comma-separated) is one configuration; each runs once
    per seed, one run at a time, as a child process `hogwild-rl run` (so a crash in one run cannot
    stop the sweep). Any other `run` option is passed to every run unchanged. Each run gets its own
    directory in --out named after its values in a fixed order, e.g.
    algo=a3c,procs=2,delay=1ms,update=hogwild,seed=1 (algo, procs, delay and update always appear,
    with run's default when not listed; optimizer, n-steps and stale-updates when listed), holding
    the run's outputs and its log, run.log.

    Runs train for all of --t-max (they get --target-return none), so their final means compare
    equal budgets; --target-return sets only the threshold for the steps and seconds to reach it
    (default: the environment's solved threshold, 475 for CartPole-v1; none: no threshold).
    --stop-at-target makes runs stop there instead, as the paper's Table 2 does. The threshold is
    crossed where the mean return of the last 100 scored episodes (training episodes for a3c/a2c,
    greedy test episodes for qn/q1/sarsa1) first reaches it, read from each run's metrics.csv.

    Continuing: a run whose summary.json says t_max or target_reached is finished and skipped; any
    other run directory is removed and the run started again. So Ctrl-C (SIGINT) stops the current
    run cleanly (it gets the signal and writes its outputs), the sweep exits 130, and the same
    command later runs what is left. The grid may change between invocations (only missing runs
    run); the shared run options may not: sweep.json in --out keeps them, and different ones are
    refused (exit 64).

    Outputs in --out, rewritten after every run from every finished run in the folder:
    results.csv (one row per run: the dimensions, seed, steps_per_second, steps_to_threshold,
    seconds_to_threshold, final_mean_return_100, staleness_mean, staleness_p99,
    lost_update_fraction (runs with --audit), exit_reason, run_dir); report.md (the command, the
    threshold, a table per configuration with mean ± std over seeds, and the paper's Table 2:
    seconds to the threshold and speedup over workers); returns.svg (last-100 mean against steps
    per configuration, mean over seeds with a min–max band), time_to_threshold.svg (against delay),
    staleness.svg (log2 histograms, one panel per delay) and speedup.svg (against workers, when
    procs has several values). Exit status: 0; 1 if a run failed (the others still run) or an
    output could not be written; 130/143 after SIGINT/SIGTERM; 64 for bad input, before anything runs.
    """

  static var options: [OptionSpec<SweepOptions>] {
    let runSpecs = RunCommand.runOptions
    let dims = SweepDimension.all
    var specs: [OptionSpec<SweepOptions>] = [
      .init("--out", "dir", "The sweep's folder (created if needed); required.") { o, v throws(UsageError) in
        guard !v.isEmpty else { throw ValueParsers.fail("--out", "a directory path", v) }
        o.out = trimmedPath(v)
      },
      .init("--seeds", "n|list", "Seeds: n means 1 to n; a list (1,5,9) those seeds.", default: "1") { o, v throws(UsageError) in
        if v.contains(",") {
          let list = try ValueParsers.integerList("--seeds", v, 0...Int(Int64.max))
          o.seeds = unique(list.map { UInt64($0) })
        } else {
          o.seeds = (1...UInt64(try ValueParsers.integer("--seeds", v, 1...10_000))).map { $0 }
        }
      },
    ]
    for d in dims {
      guard let runSpec = runSpecs.first(where: { $0.name == d.flag }) else { continue }
      specs.append(.init(d.flag, "list", "Values of run's \(d.flag), comma-separated. " + runSpec.help,
                         default: d.implicit ?? "run's default, not in names") { o, v throws(UsageError) in
        o.lists[d.key] = try list(v, dimension: d, spec: runSpec)
      })
    }
    specs += [
      .init("--target-return", "r|none", "The threshold for steps/seconds to threshold (runs still train for all of --t-max).", default: "the env's solved threshold") { o, v throws(UsageError) in
        if v == "none" { o.target = .some(nil); return }
        o.target = .some(try ValueParsers.real("--target-return", v, "a number or 'none'") { _ in true })
      },
      .init("--stop-at-target", nil, "Runs stop once the last-100 mean reaches the threshold (as in the paper's Table 2).") { o, _ in
        o.stopAtTarget = true
      },
      .init("--dry-run", nil, "List the runs (finished or to run) and their command lines; run nothing.") { o, _ in
        o.dryRun = true
      },
      .init("--mpirun", "options", "Run every configuration on several nodes: each run is 'mpirun OPTIONS hogwild-rl run --distributed …' (mpirun from PATH or $MPIRUN; OPTIONS split at spaces, e.g. \"-np 2 --oversubscribe --bind-to none\"). --sync and --sync-every become sweepable; results.csv and report.md add the staleness across nodes and the sync time, and staleness_across_nodes.svg its histograms.") { o, v throws(UsageError) in
        let options = v.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let mpirun = CurrentProcess.environment("MPIRUN").flatMap({ $0.isEmpty ? nil : $0 }) ?? findOnPath("mpirun") else {
          throw UsageError("--mpirun: no mpirun on PATH (apt-get install openmpi-bin libopenmpi-dev) and $MPIRUN is not set")
        }
        o.mpirun = [mpirun] + options
      },
    ]
    let dimFlags = Set(dims.map(\.flag))
    for r in runSpecs where !dimFlags.contains(r.name) && !ownFlags.contains(r.name) {
      specs.append(.init(r.name, r.valueName, "(run) " + r.help, default: r.defaultText) { o, v throws(UsageError) in
        var scratch = RunOptions()
        try r.apply(&scratch, v)  // run's own check of the value
        o.shared.append((r.name, v))
      })
    }
    return specs
  }

  /// A dimension's list: each value checked by `run`'s parser, made canonical, repeats dropped.
  static func list(_ v: String, dimension d: SweepDimension, spec: OptionSpec<RunOptions>) throws(UsageError) -> [String] {
    let parts = v.split(separator: ",", omittingEmptySubsequences: false).map { Substring($0).trimmingCharacters }
    guard !parts.isEmpty, !parts.contains(where: { $0.isEmpty }) else {
      throw ValueParsers.fail(d.flag, "a comma-separated list of values", v)
    }
    var out: [String] = []
    for p in parts {
      var scratch = RunOptions()
      try spec.apply(&scratch, p)
      out.append(d.canonical(p))
    }
    return unique(out)
  }

  static func unique<T: Equatable>(_ xs: [T]) -> [T] {
    var out: [T] = []
    for x in xs where !out.contains(x) { out.append(x) }
    return out
  }

  /// Parses and checks everything, every run's command line included; nil after --help.
  static func plan(_ args: [String]) throws(UsageError) -> (plan: SweepPlan, thresholdSource: String, dryRun: Bool)? {
    var o = SweepOptions()
    guard try table.parse(args, into: &o) else { return nil }
    guard let out = o.out else { throw UsageError("--out: required (the sweep's folder)") }
    let env = o.shared.last { $0.flag == "--env" }?.value ?? RunConfig().envID
    var dimensions: [(key: String, flag: String, values: [String])] = []
    for d in SweepDimension.all {
      if let values = o.lists[d.key] { dimensions.append((d.key, d.flag, values)) }
      else if let v = d.implicit { dimensions.append((d.key, d.flag, [v])) }
    }
    let threshold: Double?
    let source: String
    switch o.target {
    case .none:
      threshold = try RunCommand.resolveEnvironment(
        try RunCommand.parseEnvSource(env), pythonFlag: o.shared.last { $0.flag == "--python" }?.value).spec.rewardThreshold
      source = "\(env)'s solved threshold"
    case .some(let t):
      threshold = t
      source = "--target-return"
    }
    if o.stopAtTarget && threshold == nil {
      throw UsageError("--stop-at-target: there is no threshold (\(env) has none and --target-return is none or not given)")
    }
    let plan = SweepPlan(axes: SweepDimension.all.map(\.axis), dimensions: dimensions, seeds: o.seeds, shared: o.shared, out: out,
                         threshold: threshold, stopAtTarget: o.stopAtTarget, launcher: o.mpirun)
    // Each run's command line as `run` will see it (under mpirun: as rank 0 of 2).
    let launch = o.mpirun.isEmpty ? nil : MPILaunch(rank: 0, size: 2, launcher: "sweep --mpirun")
    for r in plan.runs {
      do { _ = try RunCommand.parseOptions(plan.arguments(r), launch: launch) } catch {
        throw UsageError("\(r.name): \(error.message)")
      }
    }
    return (plan, source, o.dryRun)
  }

  static func main(_ args: [String]) -> Int32 {
    let plan: SweepPlan
    let thresholdSource: String
    let dryRun: Bool
    do throws(UsageError) {
      guard let p = try Self.plan(args) else { return 0 }
      (plan, thresholdSource, dryRun) = p
      try checkPreviousSweep(plan)
    } catch {
      return CLI.usageFailure(error.message)
    }
    let command = (["hogwild-rl", "sweep"] + args).map(shellQuoted).joined(separator: " ")
    let runs = plan.runs
    if dryRun {
      for r in runs {
        let done = (try? RunRecord.load(plan.directory(r)))?.isFinished ?? false
        print((done ? "finished  " : "to run    ") + (plan.launcher + ["hogwild-rl", "run"] + plan.arguments(r)).map(shellQuoted).joined(separator: " "))
      }
      return 0
    }
    return SweepRunner.run(plan, command: command, thresholdSource: thresholdSource)
  }

  /// Refuses an --out whose sweep.json records other shared settings.
  static func checkPreviousSweep(_ plan: SweepPlan) throws(UsageError) {
    let path = plan.out + "/sweep.json"
    guard FileSystem.exists(path) else { return }
    guard let bytes = try? readWholeFile(path), let old = try? JSON.parse(String(decoding: bytes, as: UTF8.self)),
      let settings = old["settings"]
    else { throw UsageError("--out \(plan.out): its sweep.json cannot be read; use another --out or remove it") }
    if let diff = SweepPlan.difference(settings, plan.settings) {
      throw UsageError("--out \(plan.out) holds a sweep with other run options (\(diff)); use the same options or another --out")
    }
  }

  /// The first executable `name` in $PATH.
  static func findOnPath(_ name: String) -> String? {
    for dir in (CurrentProcess.environment("PATH") ?? "").split(separator: ":") where !dir.isEmpty {
      let path = "\(dir)/\(name)"
      if FileSystem.isExecutableFile(path) { return path }
    }
    return nil
  }

  /// `s` quoted for a POSIX shell when it needs to be.
  static func shellQuoted(_ s: String) -> String {
    let plain = !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0) }
    return plain ? s : "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
  }
}
