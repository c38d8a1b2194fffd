// WatchFrame.swift — what `dump --watch` prints for one sample: a text frame
// (counters, rates, staleness, a sparkline of recent returns, the worker
// table) or one line of JSON.

import Formats
import Runtime

enum WatchFrame {
  /// The text frame: plain lines, no terminal codes (`DumpWatch` adds them
  /// on a terminal).
  static func text(_ s: WatchSample, rates: WatchRates?, interval: String) -> [String] {
    let r = s.report
    func str(_ k: String) -> String { TerminalText.escaped(r[k]?.text ?? "-") }
    func short(_ d: Double?, _ digits: Int = 1) -> String { d.map { DumpText.short($0, digits) } ?? "-" }
    var out: [String] = []
    let alive = r["creator_alive"] == .bool(true) ? "alive" : "gone"
    out.append("hogwild-rl dump --watch \(interval)  \(str("segment"))  creator \(str("creator_pid")) (\(alive))")
    out.append("run       \(str("env")) \(str("algo"))  procs \(str("procs"))  state \(s.state)  "
               + "age \(short(r["age_seconds"]?.doubleValue)) s")
    let tMax = r["T_max"]?.doubleValue ?? 0
    let progress = tMax > 0 ? "  (" + DumpText.fixed(Double(s.globalSteps) / tMax * 100, 1) + "%)" : ""
    out.append("counters  T \(s.globalSteps) / \(str("T_max"))\(progress)  U \(s.globalUpdates)  "
               + "episodes \(str("episodes_published"))")
    out.append("rates     " + (rates.map {
      "steps/s \(rate($0.stepsPerSecond))  updates/s \(rate($0.updatesPerSecond))  "
        + "(over \(DumpText.fixed($0.seconds, 2)) s)"
    } ?? "steps/s -  updates/s -  (from the next frame)"))
    if let st = r["staleness"] {
      out.append("staleness mean \(short(st["mean"]?.doubleValue, 2))  p50 \(short(st["p50"]?.doubleValue))  "
                 + "p99 \(short(st["p99"]?.doubleValue))  max \(st["max"]?.text ?? "-")")
    }
    let kind = s.recentKind == .test ? "test" : "train"
    out.append("returns   \(kind), last \(s.recentReturns.count): "
               + (s.recentReturns.isEmpty ? "(no episodes yet)" : Sparkline.render(s.recentReturns))
               + "  last \(short(s.recentReturns.last, 1))  mean100 \(short(s.meanReturn100, 1))")
    out.append("")
    out += workerTable(r["workers"]?.arrayValue ?? [], rates: rates).render(indent: "").split(separator: "\n").map(String.init)
    return out
  }

  /// The per-worker table; ε and test episodes only for value-based runs.
  static func workerTable(_ workers: [JSON], rates: WatchRates?) -> TextTable {
    let valueBased = workers.contains { $0["epsilon"]?.doubleValue != nil }
    var header = ["RANK", "PID", "STATUS", "HEARTBEAT", "T", "STEPS/S", "EPISODES", "LAST_RETURN",
                  "STALE_P50", "STALE_P99", "RESTARTS"]
    if valueBased { header += ["EPSILON", "TESTS"] }
    var t = TextTable(header, numeric: Set(0..<header.count).subtracting([2]))
    for (i, w) in workers.enumerated() {
      let hb = w["heartbeat_age_seconds"]?.doubleValue.map { DumpText.fixed($0 * 1000, 0) + " ms" } ?? "-"
      let perWorker = rates?.workerStepsPerSecond
      var row = [
        w["rank"]?.text ?? "", w["pid"]?.text ?? "", w["status"]?.text ?? "", hb, w["t"]?.text ?? "",
        perWorker.flatMap { $0.indices.contains(i) ? rate($0[i]) : nil } ?? "-",
        w["episodes"]?.text ?? "", w["last_return"]?.doubleValue.map { DumpText.short($0, 1) } ?? "-",
        DumpText.fixed(w["staleness_p50"]?.doubleValue ?? 0, 1), DumpText.fixed(w["staleness_p99"]?.doubleValue ?? 0, 1),
        w["restarts"]?.text ?? "",
      ]
      if valueBased {
        row += [w["epsilon"]?.doubleValue.map { DumpText.fixed($0, 3) } ?? "-", w["test_episodes"]?.text ?? "-"]
      }
      t.add(row)
    }
    return t
  }

  /// One JSON line: dump's report with a `watch` object appended.
  static func json(_ s: WatchSample, rates: WatchRates?, sample index: Int) -> JSON {
    let watch: JSON = .object([
      ("sample", .int(Int64(index))),
      ("T", .uint(s.globalSteps)),
      ("U", .uint(s.globalUpdates)),
      ("seconds_since_previous", rates.map { .double($0.seconds) } ?? .null),
      ("steps_per_second", rates.map { .double($0.stepsPerSecond) } ?? .null),
      ("updates_per_second", rates.map { .double($0.updatesPerSecond) } ?? .null),
      ("worker_steps_per_second", rates.map { .array($0.workerStepsPerSecond.map(JSON.double)) } ?? .null),
      ("recent_kind", .string(s.recentKind == .test ? "test" : "train")),
      ("recent_returns", .array(s.recentReturns.map(JSON.double))),
      ("mean_return_100", JSON.number(s.meanReturn100)),
    ])
    return .object((s.report.objectPairs ?? []) + [("watch", watch)])
  }

  /// A rate in short form: 950, 12.3k, 1.23M.
  static func rate(_ v: Double) -> String {
    if v >= 1e6 { return DumpText.fixed(v / 1e6, 2) + "M" }
    if v >= 1e4 { return DumpText.fixed(v / 1e3, 1) + "k" }
    return DumpText.fixed(v, 0)
  }
}
