// PlotCommand.swift — `hogwild-rl plot RUN_DIR…`: learning curves of runs
// (or of every run in a sweep folder) as one SVG.

import Experiments
import HogwildSys
import Plot
import Runtime

struct PlotOptions {
  var directories: [String] = []
  var x = LearningCurves.XAxis.steps
  var out = "plot.svg"
  var title: String?
}

enum PlotCommand {
  static var table: OptionTable<PlotOptions> {
    OptionTable<PlotOptions>(
      command: "plot",
      abstract: "Draw learning curves of runs as an SVG: the last-100 mean return against steps or seconds.",
      usage: "hogwild-rl plot RUN_DIR… [--x steps|seconds] [--out FILE.svg] [--title TEXT]",
      options: [
        .init("--x", "steps|seconds", "The x axis: T (global env steps) or wall-clock seconds.", default: "steps") { o, v throws(UsageError) in
          o.x = try ValueParsers.choice("--x", v, LearningCurves.XAxis.self)
        },
        .init("--out", "file", "The SVG file to write.", default: "plot.svg") { o, v throws(UsageError) in
          guard !v.isEmpty else { throw ValueParsers.fail("--out", "a file path", v) }
          o.out = v
        },
        .init("--title", "text", "The chart's title.", default: "the environment's name") { o, v in o.title = v },
      ],
      positional: { o, v in o.directories.append(v) },
      discussion: """
        Each RUN_DIR is a run's output directory (config.json, metrics.csv, summary.json) or a
        folder of them, such as a sweep's --out (every run inside is plotted). The curve is the mean
        return of the last 100 scored episodes (fewer at the start) after each episode: training
        episodes for a3c and a2c, greedy test episodes for qn, q1 and sarsa1 (metrics.csv's kind).
        Runs whose settings differ only by --seed are one configuration: its line is the mean over
        the seeds and the shaded band their minimum to maximum. The legend names the settings that
        differ between configurations. Exit status: 0, 64 for bad input (no directory given, a
        directory that is not a run), 1 for a file that cannot be read or parsed, or written.
        """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = PlotOptions()
    do throws(UsageError) {
      guard try table.parse(args, into: &o) else { return 0 }
      guard !o.directories.isEmpty else { throw UsageError("plot: expected at least one run directory") }
    } catch {
      return CLI.usageFailure(error.message)
    }
    var runs: [RunRecord] = []
    do throws(RunRecordError) {
      for d in o.directories { runs += try RunRecord.loadRuns(trimmedPath(d)) }
    } catch {
      if error.exitCode == 64 { return CLI.usageFailure(error.description) }
      CLI.printError("error: \(error)")
      return error.exitCode
    }
    let groups = LearningCurves.group(runs)
    let chart = LearningCurves.plot(groups, x: o.x, title: o.title ?? LearningCurves.envNames(runs),
                                    threshold: LearningCurves.sharedThreshold(runs))
    do {
      try OutputFiles.writeAtomically(o.out, text: chart.render().text)
    } catch {
      CLI.printError("error: \(error)")
      return 1
    }
    print("\(o.out): \(groups.count) configuration\(groups.count == 1 ? "" : "s"), \(runs.count) run\(runs.count == 1 ? "" : "s")")
    return 0
  }
}
