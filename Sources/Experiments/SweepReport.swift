// SweepReport.swift — report.md: what was run, the threshold, a table per
// configuration (mean ± std over seeds), the paper's Table 2 (time to the
// threshold and speedup over workers) and the figures.

import Plot

struct SweepReport {
  let command: String
  let env: String
  let threshold: Double?
  /// Where the threshold came from: "--target-return", "CartPole-v1's solved threshold".
  let thresholdSource: String
  let stopAtTarget: Bool
  let columns: [String]
  let configs: [SweepConfig]
  /// Grid runs not (yet) finished.
  let missing: [String]
  let figures: [(file: String, caption: String)]

  var markdown: String {
    let varying = SweepResults.varying(configs, columns: columns)
    let fixed = columns.filter { !varying.contains($0) }
    let runs = configs.reduce(0) { $0 + $1.rows.count }
    var md = "# Sweep: \(env)\n\n"
    md += "Command:\n\n```\n\(command)\n```\n\n"
    md += "\(runs) finished run\(runs == 1 ? "" : "s") in \(configs.count) configuration\(configs.count == 1 ? "" : "s")"
    md += missing.isEmpty ? ".\n" : "; \(missing.count) of the grid not finished: " + missing.map { "`\($0)`" }.joined(separator: ", ") + ".\n"
    if let first = configs.first, !fixed.isEmpty {
      md += "Same in every run: " + fixed.map { "\($0)=\(first.value($0))" }.joined(separator: ", ") + ".\n"
    }
    md += "\n"
    if let t = threshold {
      md += "Threshold: **\(NumberText.compact(t))** (\(thresholdSource)). Steps and seconds to the threshold are the first "
      md += "point where the mean return of the last 100 scored episodes (training episodes for a3c and a2c, greedy "
      md += "test episodes for qn, q1 and sarsa1) reached it, read from each run's metrics.csv. "
      md += stopAtTarget ? "Runs stopped there (--stop-at-target).\n\n"
        : "Runs trained for all of --t-max, so the final means compare equal budgets.\n\n"
    } else {
      md += "No threshold (none given and the environment has no solved threshold): no time-to-threshold columns.\n\n"
    }
    md += configTable(varying)
    md += table2(varying)
    if !figures.isEmpty {
      md += "## Figures\n\n"
      for f in figures { md += "\(f.caption)\n\n![\(f.caption)](\(f.file))\n\n" }
    }
    return md
  }

  func configTable(_ varying: [String]) -> String {
    let t = threshold.map { NumberText.compact($0) } ?? ""
    var head = varying + ["seeds", "steps/s"]
    if threshold != nil { head += ["reached \(t)", "steps to \(t)", "seconds to \(t)"] }
    head += ["final last-100 mean", "staleness mean", "staleness p99"]
    let audited = configs.contains { $0.rows.contains { $0.lostFraction != nil } }
    if audited { head.append("lost-update fraction") }
    let distributed = configs.contains { $0.rows.contains { $0.distributed != nil } }
    if distributed { head += ["remote updates per sync", "sync ms"] }
    var md = "## Results by configuration\n\nMean ± standard deviation over seeds"
    md += threshold == nil ? ".\n\n" : " (times to the threshold over the seeds that reached it).\n\n"
    md += "| " + head.joined(separator: " | ") + " |\n"
    md += "|" + head.indices.map { $0 < varying.count ? "---|" : "---:|" }.joined() + "\n"
    for c in configs {
      var cells = varying.map(c.value) + ["\(c.rows.count)", Stats(c.rows.map(\.stepsPerSecond)).text(0, grouped: true)]
      if threshold != nil {
        let reached = c.rows.filter { $0.crossing != nil }.count
        cells += ["\(reached)/\(c.rows.count)", Stats(c.rows.map { $0.crossing?.steps }).text(0, grouped: true),
                  Stats(c.rows.map { $0.crossing?.seconds }).text(2)]
      }
      cells += [Stats(c.rows.map(\.finalMean)).text(1), Stats(c.rows.map(\.stalenessMean)).text(2),
                Stats(c.rows.map(\.stalenessP99)).text(1)]
      if audited { cells.append(Stats(c.rows.map(\.lostFraction)).text(4)) }
      if distributed { cells += [Stats(c.rows.map(\.acrossNodesMean)).text(1), Stats(c.rows.map(\.syncMilliseconds)).text(2)] }
      md += "| " + cells.joined(separator: " | ") + " |\n"
    }
    return md + "\n"
  }

  /// Mnih et al.'s Table 2: for each configuration but the worker count,
  /// seconds to the threshold at each count and the speedup over the fewest.
  func table2(_ varying: [String]) -> String {
    guard let t = threshold, varying.contains("procs") else { return "" }
    let procs = Set(configs.compactMap { Int($0.value("procs")) }).sorted()
    let others = varying.filter { $0 != "procs" }
    var lines: [(label: String, configs: [SweepConfig])] = []
    for c in configs {
      let label = c.label(others)
      if let i = lines.firstIndex(where: { $0.label == label }) { lines[i].configs.append(c) } else { lines.append((label, [c])) }
    }
    var md = "## Speedup against workers (the paper's Table 2)\n\n"
    md += "Seconds until the last-100 mean reached \(NumberText.compact(t)) (mean over the seeds that reached it; "
    md += "seeds reaching it in brackets) and the speedup over \(procs.first ?? 1) worker\(procs.first == 1 ? "" : "s").\n\n"
    md += "| configuration | " + procs.map { "\($0) worker\($0 == 1 ? "" : "s")" }.joined(separator: " | ") + " |\n"
    md += "|---|" + procs.map { _ in "---:|" }.joined() + "\n"
    for line in lines {
      let speed = SweepFigures.speedups(line.configs)
      let cells = procs.map { p -> String in
        guard let c = line.configs.first(where: { Int($0.value("procs")) == p }) else { return "" }
        let reached = c.rows.filter { $0.crossing != nil }.count
        guard let s = speed.first(where: { $0.procs == p }) else { return "– (0/\(c.rows.count))" }
        return "\(NumberText.fixed(s.seconds, 2)) s, \(NumberText.fixed(s.speedup, 2))× (\(reached)/\(c.rows.count))"
      }
      md += "| \(line.label) | " + cells.joined(separator: " | ") + " |\n"
    }
    return md + "\n"
  }
}
