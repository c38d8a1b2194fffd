// SweepRunner.swift — running a sweep's grid: each run, one after another,
// as a child `hogwild-rl run` in its own directory (finished runs skipped, an
// unfinished one started again), the outputs rewritten after every run, and
// a stop signal passed on to the run in progress.

import Formats
import HogwildSys
import Plot

public enum SweepRunner {
  /// Runs what is left of `plan`; `command` (the sweep's command line) and
  /// `thresholdSource` go into sweep.json and report.md. Returns the exit
  /// status: 0; 1 if a run failed or an output could not be written; 128 +
  /// the signal after a stop signal.
  public static func run(_ plan: SweepPlan, command: String, thresholdSource: String) -> Int32 {
    let runs = plan.runs
    var sweep = SweepState(plan: plan, command: command, thresholdSource: thresholdSource)
    do {
      try OutputFiles.makeDirectory(plan.out)
      let record = JSON.object([("command", .string(command)), ("settings", plan.settings),
                                ("grid", .array(runs.map { .string($0.name) }))])
      try OutputFiles.writeAtomically(plan.out + "/sweep.json", text: record.serialized(indent: true) + "\n")
    } catch {
      printError("error: \(error)")
      return 1
    }
    StopSignals.install()
    defer { StopSignals.reset() }
    var failed: [String] = []
    var stopped: Int32 = 0
    for (i, r) in runs.enumerated() {
      if let s = StopSignals.received { stopped = s; break }
      let tag = "sweep: [\(i + 1)/\(runs.count)] \(r.name)"
      let dir = plan.directory(r)
      if let done = try? RunRecord.load(dir), done.isFinished {
        printError("\(tag): finished before, skipped")
        continue
      }
      if FileSystem.exists(dir) && !FileSystem.removeDirectoryOfFiles(dir) {
        printError("\(tag): error: could not remove the unfinished run's directory")
        failed.append(r.name)
        continue
      }
      do { try OutputFiles.makeDirectory(dir) } catch {
        printError("\(tag): error: \(error)")
        failed.append(r.name)
        continue
      }
      printError("\(tag): running")
      let outcome = Result { () throws(Errno) -> ExitStatus in
        try ChildRun.run(["run"] + plan.arguments(r), logPath: dir + "/run.log", launcher: plan.launcher)
      }
      if let signal = StopSignals.received, case .success(.exited(128 + signal)) = outcome {
        printError("\(tag): stopped by signal \(signal); its outputs are in \(dir) (it runs again next time)")
        stopped = signal
        break
      }
      switch outcome {
      case .success(.exited(0)):
        printError("\(tag): " + ((try? RunRecord.load(dir)).map(describe) ?? "done"))
      case .success(.exited(let code)):
        printError("\(tag): failed with exit status \(code); see \(dir)/run.log")
        failed.append(r.name)
      case .success(.signaled(let s)):
        printError("\(tag): killed by signal \(s); see \(dir)/run.log")
        failed.append(r.name)
      case .failure(let e):
        printError("\(tag): could not start \(ChildRun.executable): \(e)")
        failed.append(r.name)
      }
      if StopSignals.received == nil, !sweep.writeOutputs(runs: runs) { failed.append("outputs") }
    }
    let wrote = sweep.writeOutputs(runs: runs)
    if wrote { print(sweep.outputList.joined(separator: "\n")) }
    if stopped != 0 {
      printError("sweep: stopped; run the same command again to continue")
      return 128 + stopped
    }
    if !failed.isEmpty {
      printError("sweep: \(failed.count) run\(failed.count == 1 ? "" : "s") failed: " + failed.joined(separator: " "))
      return 1
    }
    return wrote ? 0 : 1
  }

  static func describe(_ r: RunRecord) -> String {
    let s = r.summary
    var line = r.exitReason + ", " + NumberText.grouped(r.endSteps) + " steps in " + NumberText.fixed(r.endSeconds, 2) + " s"
    if let m = s?["mean_return_100"]?.doubleValue { line += ", last-100 mean " + NumberText.fixed(m, 1) }
    return line
  }

  static func printError(_ line: String) { StandardError.write(line + "\n") }
}
