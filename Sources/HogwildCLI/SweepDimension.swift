// SweepDimension.swift — the settings `sweep` can take a list of. Adding one
// is one line in `all`; a row whose run flag this build's `run` lacks is
// left out, so the table can name flags that are still on their way.

import Algorithms
import Experiments
import HogwildLink
import Runtime

/// A setting `sweep` varies: its key (in run directory names and results
/// columns), the `run` flag it sets, and where config.json keeps it.
struct SweepDimension {
  let key: String
  let flag: String
  let configKey: String
  /// The value a run gets when the sweep does not list this dimension; nil:
  /// the dimension is then left to `run`'s default and out of run names.
  let implicit: String?
  /// The stable spelling of a value (so 1ms and 1000us name one directory).
  let canonical: @Sendable (String) -> String

  init(_ key: String, _ flag: String, config configKey: String, implicit: String? = nil,
       canonical: @escaping @Sendable (String) -> String = { $0 }) {
    self.key = key
    self.flag = flag
    self.configKey = configKey
    self.implicit = implicit
    self.canonical = canonical
  }

  /// As the sweep's runs and results see it.
  var axis: SweepAxis { SweepAxis(key: key, flag: flag, configKey: configKey, canonical: canonical) }

  static func integer(_ s: String) -> String {
    (try? ValueParsers.integer("", s, Int.min...Int.max)).map(String.init) ?? s
  }

  /// Every sweepable setting, in the order of run directory names. algo,
  /// procs, delay and update always appear in names (with run's default when
  /// not listed); the others only when listed.
  static var table: [SweepDimension] {
    let d = RunConfig()
    let h = Hyperparameters()
    return [
      .init("algo", "--algo", config: "algo", implicit: d.algorithm.rawValue),
      .init("procs", "--procs", config: "procs", implicit: "\(d.procs)", canonical: integer),
      .init("delay", "--delay", config: "delay", implicit: "0", canonical: { Delay.parse($0)?.description ?? $0 }),
      .init("update", "--update", config: "update", implicit: h.updateMode.rawValue),
      .init("optimizer", "--optimizer", config: "optimizer"),
      .init("n-steps", "--n-steps", config: "n_steps", canonical: integer),
      .init("stale-updates", "--stale-updates", config: "stale_updates", canonical: integer),
      // --distributed runs (sweep --mpirun): config.json keeps these in "distributed".
      .init("sync", "--sync", config: "distributed.sync"),
      .init("sync-every", "--sync-every", config: "distributed.sync_every",
            canonical: { Delay.parseDuration($0).map(Delay.format) ?? $0 }),
    ]
  }

  /// The dimensions this build's `run` accepts.
  static var all: [SweepDimension] {
    let runFlags = Set(RunCommand.runOptions.map(\.name))
    return table.filter { runFlags.contains($0.flag) }
  }
}
