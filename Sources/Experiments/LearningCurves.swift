// LearningCurves.swift — runs grouped into configurations (directories that
// differ only by seed) and drawn as learning curves: the last-100 mean of
// the scored episodes against steps or seconds, the mean over seeds as a
// line and their min–max as a band.

import Plot

/// Runs of one configuration (they differ only by seed).
public struct RunGroup {
  var label: String
  var runs: [RunRecord]
}

public enum LearningCurves {
  /// The x axis of a learning curve.
  public enum XAxis: String, CaseIterable, Sendable {
    case steps, seconds

    var label: String { self == .steps ? "T (env steps)" : "wall time (seconds)" }
    func value(_ p: RunRecord.Point) -> Double { self == .steps ? p.steps : p.seconds }
    func end(_ r: RunRecord) -> Double { self == .steps ? r.endSteps : r.endSeconds }
  }

  /// Points on each curve: enough for a smooth line, few enough for a small file.
  static let resolution = 240

  /// Groups `runs` by configuration, in first-seen order, each labelled by
  /// the settings that differ between the groups ("procs=2, delay=1ms").
  public static func group(_ runs: [RunRecord]) -> [RunGroup] {
    var keys: [String] = []
    var byKey: [String: [RunRecord]] = [:]
    for r in runs {
      let k = r.configurationKey
      if byKey[k] == nil { keys.append(k) }
      byKey[k, default: []].append(r)
    }
    let configs = keys.map { byKey[$0]!.first!.config }
    // Settings that follow from others (env_spec from env, an object) or
    // belong to one process are never a label.
    let fields = (configs.first?.objectPairs ?? []).map(\.0).filter { key in
      !["seed", "segment", "resumed_at_step", "env_spec", "python", "log_every"].contains(key)
        && Set(configs.map { $0[key]?.serialized() ?? "" }).count > 1
        && configs.allSatisfy { $0[key]?.objectPairs == nil }
    }
    return keys.map { k in
      let runs = byKey[k]!
      let c = runs[0].config
      var label = fields.isEmpty
        ? "\(c["algo"]?.text ?? "?"), \(c["procs"]?.text ?? "?") worker" + (c["procs"]?.doubleValue == 1 ? "" : "s")
        : fields.map { "\($0.replacingUnderscores)=\(c[$0]?.text ?? "-")" }.joined(separator: ", ")
      if runs.count > 1 { label += " (\(runs.count) seeds)" }
      return RunGroup(label: label, runs: runs)
    }
  }

  /// The group's mean curve and min–max band, on a common grid from 0 to
  /// the longest run's end; a run counts at x from its first scored episode
  /// on, holding its last value after its end (a run stopped at its target,
  /// or a few steps short of another's T_max, stays in the mean: the line
  /// does not jump where runs end).
  static func series(_ g: RunGroup, x: XAxis) -> LinePlot.Series {
    let end = g.runs.map(x.end).max() ?? 0
    var points: [(x: Double, y: Double)] = []
    var band: [(x: Double, low: Double, high: Double)] = []
    var cursors = [Int](repeating: 0, count: g.runs.count)
    guard end > 0 else { return LinePlot.Series(name: g.label, points: []) }
    for i in 0...resolution {
      let at = end * Double(i) / Double(resolution)
      var values: [Double] = []
      for (ri, r) in g.runs.enumerated() {
        while cursors[ri] < r.points.count, x.value(r.points[cursors[ri]]) <= at { cursors[ri] += 1 }
        guard cursors[ri] > 0 else { continue }
        values.append(r.points[cursors[ri] - 1].mean100)
      }
      guard !values.isEmpty else { continue }
      points.append((at, values.reduce(0, +) / Double(values.count)))
      band.append((at, values.min()!, values.max()!))
    }
    return LinePlot.Series(name: g.label, points: points, band: g.runs.count > 1 ? band : [])
  }

  /// Whether a run's last-100 mean (of 100 scored episodes) reached `threshold`.
  static func reached(_ r: RunRecord, _ threshold: Double) -> Bool {
    r.points.contains { $0.count >= 100 && $0.mean100 >= threshold }
  }

  /// The threshold every run shares (its env's solved threshold, else its
  /// --target-return), or nil.
  public static func sharedThreshold(_ runs: [RunRecord]) -> Double? {
    let t = runs.map { $0.config["env_spec"]?["reward_threshold"]?.doubleValue ?? $0.config["target_return"]?.doubleValue }
    guard let first = t.first, let value = first, t.allSatisfy({ $0 == value }) else { return nil }
    return value
  }

  /// A learning-curve chart of `groups`; with a threshold, its line and how
  /// many seeds of each configuration reached it.
  public static func plot(_ groups: [RunGroup], x: XAxis, title: String, threshold: Double? = nil) -> LinePlot {
    let seeds = groups.map(\.runs.count).max() ?? 1
    var lines = groups.map { g -> LinePlot.Series in
      var s = series(g, x: x)
      if let threshold, !g.runs.isEmpty {
        let k = g.runs.filter { reached($0, threshold) }.count
        s.note = g.runs.count == 1 ? (k == 1 ? "reached \(NumberText.compact(threshold))" : "did not reach \(NumberText.compact(threshold))")
          : "\(k) of \(g.runs.count) seeds reached \(NumberText.compact(threshold))"
      }
      return s
    }
    if let threshold {
      let end = groups.flatMap(\.runs).map(x.end).max() ?? 0
      if end > 0 {
        lines.append(LinePlot.Series(name: "threshold \(NumberText.compact(threshold))", points: [(0, threshold), (end, threshold)],
                                     color: "#999", dash: "5 4", isGuide: true))
      }
    }
    var p = LinePlot(
      title: title,
      subtitle: "mean return of the last 100 scored episodes" + (seeds > 1 ? "; line: mean over seeds, band: min–max" : ""),
      xLabel: x.label, yLabel: "return", series: lines)
    p.xIncludesZero = true
    p.emptyNote = "no scored episodes yet"
    return p
  }

  /// "CartPole-v1" or "CartPole-v1, Acrobot-v1".
  public static func envNames(_ runs: [RunRecord]) -> String {
    var seen: [String] = []
    for r in runs { let e = r.config["env"]?.text ?? "?"; if !seen.contains(e) { seen.append(e) } }
    return seen.joined(separator: ", ")
  }
}

extension String {
  var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
