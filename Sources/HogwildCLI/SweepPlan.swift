// SweepPlan.swift — a sweep's grid: which runs, their directory names and
// their `run` command lines, and the settings every run shares (kept in
// sweep.json so a continued sweep can check it is the same experiment).

import Formats
import Runtime

/// One run of a sweep.
struct SweepRun {
  /// (dimension key, canonical value) in table order.
  let values: [(key: String, value: String)]
  let seed: UInt64
  /// The directory name: "algo=a3c,procs=2,delay=1ms,update=hogwild,seed=1".
  var name: String { (values.map { "\($0.key)=\($0.value)" } + ["seed=\(seed)"]).joined(separator: ",") }
}

/// The grid and the shared settings of a sweep.
struct SweepPlan {
  /// The dimensions in run names with their values, in table order.
  let dimensions: [(dimension: SweepDimension, values: [String])]
  let seeds: [UInt64]
  /// `run` flags every run gets, in the order given (a repeated flag: the last wins).
  let shared: [(flag: String, value: String)]
  let out: String
  /// The threshold for steps/seconds-to-threshold, nil: none.
  let threshold: Double?
  /// Whether runs stop at the threshold (--stop-at-target) instead of training for all of --t-max.
  let stopAtTarget: Bool

  /// Every run, the first dimension varying slowest and the seed fastest.
  var runs: [SweepRun] {
    var combos: [[(key: String, value: String)]] = [[]]
    for (d, values) in dimensions {
      combos = combos.flatMap { c in values.map { c + [(d.key, $0)] } }
    }
    return combos.flatMap { c in seeds.map { SweepRun(values: c, seed: $0) } }
  }

  /// `hogwild-rl run …` arguments (without "run") for `r`.
  func arguments(_ r: SweepRun) -> [String] {
    var args: [String] = []
    for (d, v) in zip(dimensions.map(\.dimension), r.values) { args += [d.flag, v.value] }
    args += ["--seed", "\(r.seed)"]
    for s in shared { args += s.value.isEmpty ? [s.flag] : [s.flag, s.value] }
    let target = stopAtTarget ? threshold.map { "\($0)" } ?? "none" : "none"
    args += ["--target-return", target, "--out", directory(r)]
    return args
  }

  func directory(_ r: SweepRun) -> String { out + "/" + r.name }

  /// What must match between sweeps sharing an --out: the shared run flags
  /// (as given, last value of each) and whether runs stop at the threshold.
  var settings: JSON {
    var last: [String: String] = [:]
    for s in shared { last[s.flag] = s.value }
    var pairs = last.keys.sorted().map { ($0, JSON.string(last[$0]!)) }
    if stopAtTarget { pairs.append(("--stop-at-target", .number(threshold))) }
    return .object(pairs)
  }

  /// The first difference between two `settings` objects, as one phrase.
  static func difference(_ old: JSON, _ new: JSON) -> String? {
    let a = old.objectPairs ?? [], b = new.objectPairs ?? []
    for (k, v) in a {
      guard let w = new[k] else { return "\(k) \(v.text) there, not given here" }
      if w != v { return "\(k) \(v.text) there, \(w.text) here" }
    }
    for (k, w) in b where old[k] == nil { return "\(k) not given there, \(w.text) here" }
    return nil
  }
}
