// SweepPlan.swift — a sweep's grid: which runs, their directory names and
// their `run` command lines, and the settings every run shares (kept in
// sweep.json so a continued sweep can check it is the same experiment).

import Formats

/// A setting a sweep can vary, as its runs and results need it: its key (in
/// run directory names and results columns), the `run` flag that sets it,
/// where config.json keeps it, and the stable spelling of a value (so 1ms
/// and 1000us name one directory).
public struct SweepAxis: Sendable {
  public let key: String
  public let flag: String
  public let configKey: String
  public let canonical: @Sendable (String) -> String
  public init(key: String, flag: String, configKey: String, canonical: @escaping @Sendable (String) -> String) {
    self.key = key
    self.flag = flag
    self.configKey = configKey
    self.canonical = canonical
  }
}

/// One run of a sweep.
public struct SweepRun {
  /// (dimension key, canonical value) in table order.
  let values: [(key: String, value: String)]
  let seed: UInt64
  /// The directory name: "algo=a3c,procs=2,delay=1ms,update=hogwild,seed=1".
  public var name: String { (values.map { "\($0.key)=\($0.value)" } + ["seed=\(seed)"]).joined(separator: ",") }
}

/// The grid and the shared settings of a sweep.
public struct SweepPlan {
  /// Every setting this build can sweep, in the order of run directory
  /// names (results read the ones a run's name leaves out from its config).
  public let axes: [SweepAxis]
  /// The dimensions in run names (their key, e.g. "procs", and the `run`
  /// flag that sets them) with their values, in table order.
  public let dimensions: [(key: String, flag: String, values: [String])]
  public let seeds: [UInt64]
  /// `run` flags every run gets, in the order given (a repeated flag: the last wins).
  public let shared: [(flag: String, value: String)]
  public let out: String
  /// The threshold for steps/seconds-to-threshold, nil: none.
  public let threshold: Double?
  /// Whether runs stop at the threshold (--stop-at-target) instead of training for all of --t-max.
  public let stopAtTarget: Bool
  /// sweep --mpirun: the mpirun path and its options; every run is then
  /// `mpirun OPTIONS hogwild-rl run --distributed …` (empty: runs on one machine).
  public let launcher: [String]

  public init(axes: [SweepAxis], dimensions: [(key: String, flag: String, values: [String])], seeds: [UInt64],
              shared: [(flag: String, value: String)], out: String, threshold: Double?, stopAtTarget: Bool,
              launcher: [String] = []) {
    self.launcher = launcher
    self.axes = axes
    self.dimensions = dimensions
    self.seeds = seeds
    self.shared = shared
    self.out = out
    self.threshold = threshold
    self.stopAtTarget = stopAtTarget
  }

  /// Every run, the first dimension varying slowest and the seed fastest.
  public var runs: [SweepRun] {
    var combos: [[(key: String, value: String)]] = [[]]
    for d in dimensions {
      combos = combos.flatMap { c in d.values.map { c + [(d.key, $0)] } }
    }
    return combos.flatMap { c in seeds.map { SweepRun(values: c, seed: $0) } }
  }

  /// `hogwild-rl run …` arguments (without "run") for `r`.
  public func arguments(_ r: SweepRun) -> [String] {
    var args: [String] = []
    for (d, v) in zip(dimensions, r.values) { args += [d.flag, v.value] }
    args += ["--seed", "\(r.seed)"]
    for s in shared { args += s.value.isEmpty ? [s.flag] : [s.flag, s.value] }
    let target = stopAtTarget ? threshold.map { "\($0)" } ?? "none" : "none"
    args += ["--target-return", target, "--out", directory(r)]
    if !launcher.isEmpty { args.append("--distributed") }
    return args
  }

  public func directory(_ r: SweepRun) -> String { out + "/" + r.name }

  /// What must match between sweeps sharing an --out: the shared run flags
  /// (as given, last value of each) and whether runs stop at the threshold.
  public var settings: JSON {
    var last: [String: String] = [:]
    for s in shared { last[s.flag] = s.value }
    var pairs = last.keys.sorted().map { ($0, JSON.string(last[$0]!)) }
    if stopAtTarget { pairs.append(("--stop-at-target", .number(threshold))) }
    // The launcher's options shape every run (ranks, transport): part of the experiment.
    if !launcher.isEmpty { pairs.append(("--mpirun", .string(launcher.dropFirst().joined(separator: " ")))) }
    return .object(pairs)
  }

  /// The first difference between two `settings` objects, as one phrase.
  public static func difference(_ old: JSON, _ new: JSON) -> String? {
    let a = old.objectPairs ?? [], b = new.objectPairs ?? []
    for (k, v) in a {
      guard let w = new[k] else { return "\(k) \(v.text) there, not given here" }
      if w != v { return "\(k) \(v.text) there, \(w.text) here" }
    }
    for (k, w) in b where old[k] == nil { return "\(k) not given there, \(w.text) here" }
    return nil
  }
}
