// SweepOutputs.swift — what a sweep writes into its folder from the
// finished runs there: results.csv, report.md and the figures.

import HogwildSys
import Plot
import Runtime

/// A running sweep's outputs; keeps the finished runs it has read.
struct SweepState {
  let plan: SweepPlan
  let command: String
  let thresholdSource: String
  var cache: [String: RunRecord] = [:]
  /// The files written last time.
  var outputList: [String] = []

  init(plan: SweepPlan, command: String, thresholdSource: String) {
    self.plan = plan
    self.command = command
    self.thresholdSource = thresholdSource
  }

  /// Rewrites results.csv, report.md and the figures; false (after one
  /// error line) if a file could not be written.
  mutating func writeOutputs(runs: [SweepRun]) -> Bool {
    var columns = plan.dimensions.map(\.key)
    // The grid's order (as the values were listed), then runs of earlier grids by name.
    let position = Dictionary(uniqueKeysWithValues: runs.enumerated().map { ($0.element.name, $0.offset) })
    let rows = SweepResults.rows(in: plan.out, axes: plan.axes, columns: &columns, threshold: plan.threshold, cache: &cache)
      .enumerated().sorted { (position[$0.element.name] ?? runs.count + $0.offset) < (position[$1.element.name] ?? runs.count + $1.offset) }
      .map(\.element)
    let configs = SweepResults.configs(rows, columns: columns)
    let varying = SweepResults.varying(configs, columns: columns)
    let env = plan.shared.last { $0.flag == "--env" }?.value ?? RunConfig().envID
    var figures: [(file: String, caption: String, svg: SVGDocument)] = []
    if !configs.isEmpty {
      figures.append(("returns.svg", "Learning curves: last-100 mean return against steps, per configuration.",
                      SweepFigures.returns(configs, varying: varying, env: env, threshold: plan.threshold)))
      if let t = plan.threshold {
        figures.append(("time_to_threshold.svg", "Seconds to reach \(NumberText.compact(t)) against the delay.",
                        SweepFigures.timeToThreshold(configs, varying: varying, env: env, threshold: t)))
      }
      if let svg = SweepFigures.staleness(configs, varying: varying, env: env) {
        figures.append(("staleness.svg", "Staleness histograms, one panel per delay.", svg))
      }
      if let svg = SweepFigures.stalenessAcrossNodes(configs, varying: varying, env: env) {
        figures.append(("staleness_across_nodes.svg",
                        "Staleness across nodes: the other nodes' updates each sync merged (distributed runs).", svg))
      }
      if let t = plan.threshold, varying.contains("procs") {
        figures.append(("speedup.svg", "Speedup against workers (time to \(NumberText.compact(t)) with the fewest workers ÷ with N).",
                        SweepFigures.speedup(configs, varying: varying, env: env, threshold: t)))
      }
    }
    let finished = Set(rows.map(\.name))
    let report = SweepReport(
      command: command, env: env, threshold: plan.threshold, thresholdSource: thresholdSource,
      stopAtTarget: plan.stopAtTarget, columns: columns, configs: configs,
      missing: runs.map(\.name).filter { !finished.contains($0) },
      figures: figures.map { ($0.file, $0.caption) })
    let files = [("results.csv", SweepResults.csv(rows, columns: columns)), ("report.md", report.markdown)]
      + figures.map { ($0.file, $0.svg.text) }
    do {
      for (name, text) in files { try OutputFiles.writeAtomically(plan.out + "/" + name, text: text) }
    } catch {
      SweepRunner.printError("error: \(error)")
      return false
    }
    outputList = files.map { plan.out + "/" + $0.0 }
    return true
  }
}
