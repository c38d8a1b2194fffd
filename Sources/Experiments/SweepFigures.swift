// SweepFigures.swift — the sweep's SVG figures: learning curves per
// configuration, time to the threshold against delay, staleness histograms
// per delay, and speedup against workers (the paper's Table 2 as a chart).
// A figure with more than ten lines is split into panels of one SVG, by the
// first dimensions that vary.

import Algorithms
import HogwildLink
import Plot

enum SweepFigures {
  static let maxLines = 10

  /// One panel: its subtitle (the values fixed in it) and its lines, each a
  /// label and the configurations on that line.
  struct Panel {
    var title: String?
    var lines: [(label: String, configs: [SweepConfig])]
  }

  /// Splits `configs` into panels of at most `maxLines` lines; configurations
  /// that differ only in `along` (the x axis) share a line.
  static func panels(_ configs: [SweepConfig], varying: [String], along: String?) -> [Panel] {
    var lineKeys = varying.filter { $0 != along }
    var facetKeys: [String] = []
    func distinct(_ keys: [String]) -> Int { Set(configs.map { c in keys.map(c.value) }).count }
    // Workers and delay are what a study compares, so they stay on the
    // lines longest; the algorithm and update mode split panels first.
    let facetOrder = ["algo", "update", "optimizer", "n-steps", "stale-updates", "delay", "procs"]
    let peelable = { (keys: [String]) in
      keys.sorted { (facetOrder.firstIndex(of: $0) ?? -1) < (facetOrder.firstIndex(of: $1) ?? -1) }
    }
    while lineKeys.count > 1 && distinct(lineKeys) > maxLines, let next = peelable(lineKeys).first {
      facetKeys.append(next)
      lineKeys.removeAll { $0 == next }
    }
    var panels: [Panel] = []
    var panelIndex: [[String]: Int] = [:]
    for c in configs {
      let f = facetKeys.map(c.value)
      if panelIndex[f] == nil {
        panelIndex[f] = panels.count
        panels.append(Panel(title: facetKeys.isEmpty ? nil : c.label(facetKeys), lines: []))
      }
      let label = c.label(lineKeys)
      let p = panelIndex[f]!
      if let li = panels[p].lines.firstIndex(where: { $0.label == label }) {
        panels[p].lines[li].configs.append(c)
      } else {
        panels[p].lines.append((label, [c]))
      }
    }
    return panels
  }

  static func grid(_ docs: [SVGDocument]) -> SVGDocument { SVGDocument.grid(docs, columns: 2) }

  static func subtitle(_ base: String, _ panel: Panel) -> String {
    panel.title.map { "\($0) — \(base)" } ?? base
  }

  /// Learning curves: the last-100 mean against T, one line per configuration.
  static func returns(_ configs: [SweepConfig], varying: [String], env: String, threshold: Double? = nil) -> SVGDocument {
    grid(panels(configs, varying: varying, along: nil).map { panel in
      let groups = panel.lines.map { line in
        RunGroup(label: line.label, runs: line.configs.flatMap { $0.rows.map(\.record) })
      }
      var plot = LearningCurves.plot(groups, x: .steps, title: "\(env): return against steps", threshold: threshold)
      plot.subtitle = subtitle(plot.subtitle ?? "", panel)
      return plot.render()
    })
  }

  /// Seconds to the threshold against the delay (its mean, in ms): the mean
  /// over the seeds that reached it, and their min–max.
  static func timeToThreshold(_ configs: [SweepConfig], varying: [String], env: String,
                              threshold: Double) -> SVGDocument {
    let delays = Set(configs.map { delayMilliseconds($0.value("delay")) }).sorted()
    return grid(panels(configs, varying: varying, along: "delay").map { panel in
      let series = panel.lines.map { line -> LinePlot.Series in
        var pts: [(x: Double, y: Double)] = []
        var band: [(x: Double, low: Double, high: Double)] = []
        var labels: [String] = []
        var reached = 0, runs = 0
        for c in line.configs.sorted(by: { delayMilliseconds($0.value("delay")) < delayMilliseconds($1.value("delay")) }) {
          let s = Stats(c.rows.map { $0.crossing?.seconds })
          let x = delayMilliseconds(c.value("delay"))
          reached += s.count
          runs += c.rows.count
          // A delay no seed reached the threshold at is a gap, not a point the line passes through.
          guard let m = s.mean else {
            pts.append((x, .nan))
            labels.append("")
            continue
          }
          pts.append((x, m))
          band.append((x, s.min!, s.max!))
          labels.append(s.count < c.rows.count ? "\(s.count)/\(c.rows.count)" : "")
        }
        return LinePlot.Series(name: line.label, points: pts, band: band.count > 1 ? band : [], markers: true,
                               note: reached > 0 ? "reached in \(reached) of \(runs) runs" : nil, pointLabels: labels)
      }
      var plot = LinePlot(
        title: "\(env): time to reach \(NumberText.compact(threshold))",
        subtitle: subtitle("seconds until the last-100 mean reached \(NumberText.compact(threshold)); mean of the seeds that did (k/n: k of n did)", panel),
        xLabel: "delay (ms, mean)", yLabel: "seconds to threshold", series: series)
      plot.xTicksAt = delays
      plot.yIncludesZero = true
      plot.emptyNote = "no run reached \(NumberText.compact(threshold))"
      plot.emptySeriesNote = "no seed reached \(NumberText.compact(threshold))"
      return plot.render()
    })
  }

  /// Staleness histograms, one panel per delay (more when a delay has more
  /// than ten configurations): the share of updates in each log2 bucket,
  /// summed over seeds, one bar per configuration.
  static func staleness(_ configs: [SweepConfig], varying: [String], env: String) -> SVGDocument? {
    let histograms = configs.map { c -> [Double] in
      var sum: [Double] = []
      for r in c.rows { if let h = r.stalenessHistogram { add(h, to: &sum) } }
      return sum
    }
    guard histograms.contains(where: { !$0.isEmpty }) else { return nil }
    let last = histograms.map { h in h.lastIndex(where: { $0 > 0 }) ?? 0 }.max() ?? 0
    let categories = (0...max(1, last)).map(Histogram.log2BucketLabel)
    var delays: [String] = []
    for c in configs where !delays.contains(c.value("delay")) { delays.append(c.value("delay")) }
    delays.sort { delayMilliseconds($0) < delayMilliseconds($1) }
    var charts: [SVGDocument] = []
    for delay in delays {
      let atDelay = configs.filter { $0.value("delay") == delay }
      for panel in panels(atDelay, varying: varying, along: "delay") {
        let series = panel.lines.map { line -> BarChart.Series in
          var h: [Double] = []
          for r in line.configs.flatMap(\.rows) { if let rh = r.stalenessHistogram { add(rh, to: &h) } }
          let total = h.reduce(0, +)
          let values = categories.indices.map { b -> Double? in total > 0 ? 100 * (b < h.count ? h[b] : 0) / total : nil }
          return BarChart.Series(name: line.label, values: values)
        }
        var chart = BarChart(
          title: "\(env): staleness at delay \(delay)",
          subtitle: subtitle("staleness = U − U_read: updates applied by others between reading θ and applying the gradient", panel),
          xLabel: "staleness (updates, log2 buckets)", yLabel: "% of updates (log scale)", categories: categories,
          series: series)
        // The tail (a few updates hundreds of updates late) matters and would
        // be invisible on a linear axis.
        chart.logScale = true
        charts.append(chart.render())
      }
    }
    return grid(charts)
  }

  /// The second level of a distributed run (sweep --mpirun): per
  /// configuration, the share of syncs in each log2 bucket of the other
  /// nodes' updates they merged — updates this node's workers had not seen.
  static func stalenessAcrossNodes(_ configs: [SweepConfig], varying: [String], env: String) -> SVGDocument? {
    let sums = configs.map { c -> [Double] in
      var sum: [Double] = []
      for r in c.rows { if let h = r.acrossNodesHistogram { add(h, to: &sum) } }
      return sum
    }
    guard sums.contains(where: { !$0.isEmpty }) else { return nil }
    let last = sums.map { h in h.lastIndex(where: { $0 > 0 }) ?? 0 }.max() ?? 0
    let categories = (0...max(1, last)).map(Histogram.log2BucketLabel)
    return grid(panels(configs, varying: varying, along: nil).map { panel in
      let series = panel.lines.map { line -> BarChart.Series in
        var h: [Double] = []
        for r in line.configs.flatMap(\.rows) { if let rh = r.acrossNodesHistogram { add(rh, to: &h) } }
        let total = h.reduce(0, +)
        return BarChart.Series(name: line.label, values: categories.indices.map { b in
          total > 0 ? 100 * (b < h.count ? h[b] : 0) / total : nil
        })
      }
      var chart = BarChart(
        title: "\(env): staleness across nodes",
        subtitle: subtitle("updates the other nodes applied since the previous sync, merged by each sync (unseen here until then)", panel),
        xLabel: "remote updates per sync (log2 buckets)", yLabel: "% of syncs (log scale)", categories: categories,
        series: series)
      chart.logScale = true
      return chart.render()
    })
  }

  static func add(_ h: [Double], to sum: inout [Double]) {
    if sum.count < h.count { sum += [Double](repeating: 0, count: h.count - sum.count) }
    for (i, v) in h.enumerated() { sum[i] += v }
  }

  /// Speedup against workers: seconds to the threshold with the fewest
  /// workers ÷ with N (means over the seeds that reached it), and the ideal.
  static func speedup(_ configs: [SweepConfig], varying: [String], env: String,
                      threshold: Double) -> SVGDocument {
    let procs = Set(configs.compactMap { Int($0.value("procs")) }).sorted()
    let base = procs.first ?? 1
    return grid(panels(configs, varying: varying, along: "procs").map { panel in
      var series = panel.lines.map { line -> LinePlot.Series in
        let known = Dictionary(speedups(line.configs).map { ($0.procs, $0.speedup) }, uniquingKeysWith: { a, _ in a })
        // Worker counts without a time to the threshold are gaps in the line.
        let pts = procs.map { (x: Double($0), y: known[$0] ?? .nan) }
        return LinePlot.Series(name: line.label, points: pts, markers: true)
      }
      let ideal = procs.map { (x: Double($0), y: Double($0) / Double(base)) }
      series.append(LinePlot.Series(name: "ideal (linear)", points: ideal, color: "#999", dash: "5 4", isGuide: true))
      var plot = LinePlot(
        title: "\(env): speedup against workers",
        subtitle: subtitle("time to \(NumberText.compact(threshold)) with \(base) worker\(base == 1 ? "" : "s") ÷ with N (mean over seeds that reached it)", panel),
        xLabel: "worker processes", yLabel: "speedup (×)", series: series)
      plot.xTicksAt = procs.map(Double.init)
      plot.yIncludesZero = true
      plot.emptyNote = "no run reached \(NumberText.compact(threshold))"
      plot.emptySeriesNote = "no seed reached \(NumberText.compact(threshold)) with the fewest workers"
      return plot.render()
    })
  }

  /// (procs, mean seconds to threshold, speedup over the fewest procs) for
  /// configurations that differ only in procs; entries without a time are left out.
  static func speedups(_ configs: [SweepConfig]) -> [(procs: Int, seconds: Double, speedup: Double)] {
    let timed = configs.compactMap { c -> (Int, Double)? in
      guard let p = Int(c.value("procs")), let m = Stats(c.rows.map { $0.crossing?.seconds }).mean, m > 0 else { return nil }
      return (p, m)
    }.sorted { $0.0 < $1.0 }
    let fewest = configs.compactMap { Int($0.value("procs")) }.min()
    guard let base = timed.first(where: { $0.0 == fewest }) else { return [] }
    return timed.map { ($0.0, $0.1, base.1 / $0.1) }
  }

  static func delayMilliseconds(_ text: String) -> Double {
    (Delay.parse(text)?.meanNanoseconds ?? 0) / 1e6
  }
}
