// SweepResults.swift — the finished runs of a sweep folder as rows (one per
// run) and configurations (rows that differ only by seed), with the figures
// each row contributes; results.csv.

import Algorithms
import Formats
import HogwildSys
import Plot
import Runtime

/// One finished run of a sweep, measured.
struct SweepRow {
  let record: RunRecord
  /// The run directory's name.
  let name: String
  /// Dimension key → value, for every column.
  let values: [String: String]
  let seed: String
  let crossing: RunRecord.Point?

  var summary: JSON? { record.summary }
  var stepsPerSecond: Double? { summary?["steps_per_second"]?.doubleValue }
  var finalMean: Double? { summary?["mean_return_100"]?.doubleValue }
  /// A distributed run's summary.json says what happened across nodes.
  var distributed: JSON? { summary?["distributed"] }
  /// Within a node: every node's workers for a distributed run, else the run's.
  var withinNode: JSON? { distributed?["staleness_within_node"] ?? summary?["staleness"] }
  var stalenessMean: Double? { withinNode?["mean"]?.doubleValue }
  var stalenessP99: Double? { withinNode?["p99"]?.doubleValue }
  var stalenessHistogram: [Double]? { withinNode?["histogram"]?.arrayValue?.compactMap(\.doubleValue) }
  /// Across nodes: the other nodes' updates a sync merged, on average over nodes and syncs.
  var acrossNodesMean: Double? { distributed?["staleness_across_nodes"]?["remote_updates_per_sync"]?.doubleValue }
  /// Syncs per log2 bucket of the remote updates they merged, summed over nodes.
  var acrossNodesHistogram: [Double]? {
    guard let nodes = distributed?["per_node"]?.arrayValue else { return nil }
    var sum: [Double] = []
    for n in nodes {
      guard let h = n["staleness_across_nodes"]?["histogram"]?.arrayValue?.compactMap(\.doubleValue) else { continue }
      if sum.count < h.count { sum += [Double](repeating: 0, count: h.count - sum.count) }
      for (i, v) in h.enumerated() { sum[i] += v }
    }
    return sum.isEmpty ? nil : sum
  }
  var syncMilliseconds: Double? { distributed?["sync_ms_mean"]?.doubleValue }
  /// summary.json's audit.lost_fraction (runs with --audit).
  var lostFraction: Double? { summary?["audit"]?["lost_fraction"]?.doubleValue }
}

/// Rows of one configuration.
struct SweepConfig {
  /// (key, value) of every column, in column order.
  let values: [(key: String, value: String)]
  let rows: [SweepRow]

  func value(_ key: String) -> String { values.first { $0.key == key }?.value ?? "" }
  /// "procs=2, delay=1ms" over `keys`.
  func label(_ keys: [String]) -> String {
    keys.isEmpty ? "all runs" : keys.map { "\($0)=\(value($0))" }.joined(separator: ", ")
  }
}

/// mean, std (over n − 1), min and max of some numbers.
struct Stats {
  let values: [Double]
  init(_ values: [Double?]) { self.values = values.compactMap { $0 }.filter(\.isFinite) }
  var count: Int { values.count }
  var mean: Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
  var std: Double? {
    guard let m = mean, values.count > 1 else { return nil }
    return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
  }
  var min: Double? { values.min() }
  var max: Double? { values.max() }

  /// "12.3 ± 0.4", "12.3" for one value, "–" for none.
  func text(_ decimals: Int, grouped: Bool = false) -> String {
    guard let m = mean else { return "–" }
    let f = { (v: Double) in grouped ? NumberText.grouped(v) : NumberText.fixed(v, decimals) }
    return f(m) + (std.map { " ± " + f($0) } ?? "")
  }
}

enum SweepResults {
  /// The keys of the run-name parts of `name` ("algo=a3c,…,seed=1"), or nil
  /// if it is not a sweep run's name.
  static func parseName(_ name: String, axes: [SweepAxis]) -> [(key: String, value: String)]? {
    let known = Set(axes.map(\.key) + ["seed"])
    var out: [(key: String, value: String)] = []
    for part in name.split(separator: ",") {
      guard let eq = part.firstIndex(of: "=") else { return nil }
      let k = String(part[..<eq])
      guard known.contains(k) else { return nil }
      out.append((k, String(part[part.index(after: eq)...])))
    }
    return out.last?.key == "seed" ? out : nil
  }

  /// Every finished run directly in `out` whose name is a sweep run's, in
  /// name order. Records of finished runs are cached in `cache` (they no
  /// longer change). `columns` gets the dimension keys present in any name,
  /// added to those it holds, in table order.
  static func rows(in out: String, axes: [SweepAxis], columns: inout [String], threshold: Double?,
                   cache: inout [String: RunRecord]) -> [SweepRow] {
    var found: [(name: String, parts: [(key: String, value: String)], record: RunRecord)] = []
    for name in FileSystem.entries(out) {
      guard let parts = parseName(name, axes: axes) else { continue }
      let dir = out + "/" + name
      let record: RunRecord
      if let cached = cache[dir] {
        record = cached
      } else {
        guard let r = try? RunRecord.load(dir), r.isFinished else { continue }
        cache[dir] = r
        record = r
      }
      found.append((name, parts, record))
    }
    let inNames = Set(found.flatMap { $0.parts.map(\.key) })
    columns = axes.map(\.key).filter { columns.contains($0) || inNames.contains($0) }
    return found.map { f in
      var values: [String: String] = [:]
      for key in columns {
        if let v = f.parts.first(where: { $0.key == key })?.value {
          values[key] = v
        } else if let d = axes.first(where: { $0.key == key }), let c = f.record.config.at(path: d.configKey), c != .null {
          values[key] = d.canonical(c.text)
        } else {
          values[key] = ""
        }
      }
      let seed = f.parts.last!.value
      return SweepRow(record: f.record, name: f.name, values: values, seed: seed,
                      crossing: threshold.flatMap(f.record.firstCrossing))
    }
  }

  /// Rows grouped into configurations, in the order of their first row.
  static func configs(_ rows: [SweepRow], columns: [String]) -> [SweepConfig] {
    var order: [String] = []
    var byKey: [String: [SweepRow]] = [:]
    for r in rows {
      let k = columns.map { r.values[$0] ?? "" }.joined(separator: "\u{1}")
      if byKey[k] == nil { order.append(k) }
      byKey[k, default: []].append(r)
    }
    return order.map { k in
      let rs = byKey[k]!
      return SweepConfig(values: columns.map { ($0, rs[0].values[$0] ?? "") }, rows: rs)
    }
  }

  /// The columns whose value differs between configurations.
  static func varying(_ configs: [SweepConfig], columns: [String]) -> [String] {
    columns.filter { c in Set(configs.map { $0.value(c) }).count > 1 }
  }

  static let csvHeader = [
    "seed", "steps_per_second", "steps_to_threshold", "seconds_to_threshold", "final_mean_return_100",
    "staleness_mean", "staleness_p99", "lost_update_fraction", "exit_reason", "run_dir",
  ]

  /// The columns a sweep of distributed runs adds (sweep --mpirun): the
  /// second level of staleness and the cost of a sync.
  static let distributedHeader = ["staleness_across_nodes", "sync_ms"]

  /// results.csv: one row per run.
  static func csv(_ rows: [SweepRow], columns: [String]) -> String {
    func num(_ v: Double?, _ decimals: Int = 6) -> String { v.map { NumberText.compact($0, decimals: decimals) } ?? "" }
    let distributed = rows.contains { $0.distributed != nil }
    var out = (columns.map { $0.replacingHyphens } + csvHeader + (distributed ? distributedHeader : []))
      .joined(separator: ",") + "\n"
    for r in rows {
      let fields = columns.map { r.values[$0] ?? "" } + [
        r.seed, num(r.stepsPerSecond, 0), num(r.crossing?.steps, 0), num(r.crossing?.seconds, 3),
        num(r.finalMean, 2), num(r.stalenessMean, 4), num(r.stalenessP99, 2), num(r.lostFraction, 6),
        r.record.exitReason, r.name,
      ] + (distributed ? [num(r.acrossNodesMean, 2), num(r.syncMilliseconds, 3)] : [])
      out += fields.map(csvField).joined(separator: ",") + "\n"
    }
    return out
  }

  /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
  static func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingQuotes + "\""
  }
}

extension JSON {
  /// The value at a dotted path of object keys ("distributed.sync_every").
  func at(path: String) -> JSON? {
    var node: JSON? = self
    for key in path.split(separator: ".") { node = node?[String(key)] }
    return node
  }
}

extension String {
  var replacingHyphens: String { String(map { $0 == "-" ? "_" : $0 }) }
  fileprivate var replacingQuotes: String { split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") }
}
