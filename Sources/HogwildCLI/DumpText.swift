// DumpText.swift — the text form of `dump`: header, counters,
// hyperparameters, regions, per-layer statistics, workers.

import Formats
import Glibc
import Runtime

enum DumpText {
  static func render(_ r: JSON) -> String {
    // Every value comes from the segment: escaped before it reaches a terminal.
    func s(_ k: String) -> String { TerminalText.escaped(r[k]?.text ?? "-") }
    func num(_ v: JSON?, _ digits: Int = 4) -> String {
      guard let d = v?.doubleValue else { return "-" }
      if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
      return short(d, digits)
    }
    var out: [String] = []
    out.append("segment \(s("segment"))  \(s("bytes")) bytes  layout v\(s("layout_version"))  magic \(s("magic"))")
    out.append("creator pid \(s("creator_pid")) (\(r["creator_alive"] == .bool(true) ? "alive" : "dead"))  "
               + "state \(s("state"))  age \(num(r["age_seconds"], 1)) s  nonce \(s("nonce"))")
    out.append("run     \(s("env")) \(s("algo"))  procs \(s("procs"))  seed \(s("seed"))  optimizer \(s("optimizer"))  "
               + "update \(s("update"))  activation \(s("activation"))")
    out.append("counters T \(s("T")) / T_max \(s("T_max"))  U \(s("U"))  episodes \(s("episodes_published"))")
    let hp = (r["hyperparameters"]?.objectPairs ?? []).map { TerminalText.escaped("\($0.0) \($0.1.text)") }
    out.append("hyperparameters " + hp.joined(separator: "  "))

    var regions = TextTable(["REGION", "OFFSET", "BYTES"], numeric: [1, 2])
    for g in r["regions"]?.arrayValue ?? [] {
      regions.add([g["name"]?.text ?? "", g["offset"]?.text ?? "", g["bytes"]?.text ?? ""])
    }
    out.append("\nregions\n" + regions.render())

    var layers = TextTable(["LAYER", "SHAPE", "MEAN", "STD", "MIN", "MAX", "L2", "NONFINITE"], numeric: [2, 3, 4, 5, 6, 7])
    func statRow(_ name: String, _ shape: String, _ j: JSON) -> [String] {
      [name, shape, num(j["mean"]), num(j["std"]), num(j["min"]), num(j["max"]), num(j["l2"]), j["non_finite"]?.text ?? "-"]
    }
    for l in r["layers"]?.arrayValue ?? [] {
      layers.add(statRow(l["name"]?.text ?? "", "\(l["rows"]?.text ?? "")x\(l["cols"]?.text ?? "")", l))
    }
    if let p = r["parameters"] { layers.add(statRow("θ (all)", p["count"]?.text ?? "", p)) }
    if let o = r["optimizer_statistics"], o != .null { layers.add(statRow("optimizer g", o["count"]?.text ?? "", o)) }
    out.append("\nparameters\n" + layers.render())

    if let st = r["staleness"] {
      out.append("\nstaleness  mean \(num(st["mean"], 3))  p50 \(num(st["p50"], 3))  p99 \(num(st["p99"], 3))  "
                 + "max \(st["max"]?.text ?? "-")  (\(st["count"]?.text ?? "0") updates)"
                 + (r["stale_updates"]?.doubleValue.map { $0 > 0 ? "  --stale-updates \(Int($0))" : "" } ?? ""))
    }
    if let a = r["audit"], a != .null {
      out.append("audit      lost fraction \(num(a["lost_fraction"], 6))  ‖intended‖ \(num(a["intended_norm"]))  "
                 + "‖actual‖ \(num(a["actual_norm"]))  per layer: "
                 + (a["layers"]?.arrayValue ?? []).map { "\($0["name"]?.text ?? "") \(num($0["lost_fraction"], 6))" }
                   .joined(separator: ", "))
    }
    var workers = TextTable(
      ["RANK", "PID", "ALIVE", "STATUS", "T", "EPISODES", "LAST_RETURN", "UPDATES", "STALE_P50", "STALE_P99", "HEARTBEAT", "RESTARTS", "EPSILON", "TESTS"],
      numeric: [0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    for w in r["workers"]?.arrayValue ?? [] {
      let hb = w["heartbeat_age_seconds"]?.doubleValue.map { fixed($0 * 1000, 1) + " ms" } ?? "-"
      workers.add([
        w["rank"]?.text ?? "", w["pid"]?.text ?? "", w["alive"] == .bool(true) ? "yes" : "no",
        w["status"]?.text ?? "", w["t"]?.text ?? "", w["episodes"]?.text ?? "", num(w["last_return"], 2),
        w["updates"]?.text ?? "", fixed(w["staleness_p50"]?.doubleValue ?? 0, 1), fixed(w["staleness_p99"]?.doubleValue ?? 0, 1), hb,
        w["restarts"]?.text ?? "", w["epsilon"]?.doubleValue.map { fixed($0, 3) } ?? "-",
        // Test episodes exist for the value-based methods only.
        w["epsilon"]?.doubleValue == nil ? "-" : w["test_episodes"]?.text ?? "-",
      ])
    }
    out.append("\nworkers\n" + workers.render())
    if let d = r["distributed"] { out.append(distributed(d, num)) }
    return out.joined(separator: "\n")
  }

  /// The distributed section: this node, its syncs, staleness across nodes
  /// and, on rank 0, every node's figures.
  static func distributed(_ d: JSON, _ num: (JSON?, Int) -> String) -> String {
    func s(_ k: String) -> String { d[k]?.text ?? "-" }
    let since = d["since_last_sync"], across = d["staleness_across_nodes"]
    var out = ["\ndistributed rank \(s("rank")) of \(s("nodes"))  communicator pid \(s("communicator_pid")) ("
      + (d["communicator_alive"] == .bool(true) ? "alive" : "dead") + ", \(s("phase")))  sync \(s("sync")) every "
      + "\(num(d["sync_every_ms"], 1)) ms  rmsprop \(s("sync_rmsprop"))"]
    out.append("syncs   \(s("syncs"))  last \(num(d["last_sync_ms"], 3)) ms, \(s("last_sync_bytes")) bytes  "
      + "mean \(num(d["sync_ms_mean"], 3)) ms  max \(num(d["sync_ms_max"], 3)) ms  total \(s("bytes_total")) bytes")
    out.append("since the last sync: \(since?["updates"]?.text ?? "-") local updates, \(num(since?["ms"], 1)) ms "
      + "(not yet seen by the other nodes)")
    out.append("across nodes: the last sync merged \(across?["remote_updates_last"]?.text ?? "-") remote updates; "
      + "per sync \(num(across?["remote_updates_per_sync"], 1)) remote, \(num(across?["local_updates_per_sync"], 1)) local, "
      + "every \(num(across?["interval_ms"], 1)) ms")
    out.append("episodes forwarded \(s("episodes_forwarded"))  lost \(s("episodes_lost"))  stop requested "
      + "\(s("stop_requested"))  agreed \(s("stop_agreed"))" + (d["error"].map { $0 == .null ? "" : "  error: \($0.text)" } ?? ""))
    if let nodes = d["per_node"]?.arrayValue, !nodes.isEmpty {
      var t = TextTable(["NODE", "PROCS", "STEPS", "UPDATES", "EPISODES", "SYNCS", "SYNC_MS", "STALE_IN", "REMOTE/SYNC"],
                        numeric: [0, 1, 2, 3, 4, 5, 6, 7, 8])
      for n in nodes {
        guard n["reported"] != .bool(false) else {
          t.add([n["rank"]?.text ?? "", "-", "-", "-", "-", "-", "-", "-", "-"])
          continue
        }
        t.add([n["rank"]?.text ?? "", n["procs"]?.text ?? "", n["steps"]?.text ?? "", n["updates"]?.text ?? "",
               n["episodes"]?.text ?? "", n["syncs"]?.text ?? "", num(n["sync_ms_mean"], 3),
               num(n["staleness_within_node"]?["mean"], 2),
               num(n["staleness_across_nodes"]?["remote_updates_per_sync"], 1)])
      }
      out.append("nodes (as their last sync reported)\n" + t.render())
    }
    return out.joined(separator: "\n")
  }

  /// A number for a table: fixed-point with up to `digits` decimals in
  /// [0.001, 1e6), otherwise scientific with three significant digits.
  static func short(_ d: Double, _ digits: Int) -> String {
    guard d.isFinite else { return "\(d)" }
    if d == 0 { return "0" }
    let mag = abs(d)
    if mag >= 1e6 || mag < 1e-3 {
      var e = Int((Glibc.log10(mag)).rounded(.down))
      var m = d / Glibc.pow(10, Double(e))
      m = (m * 100).rounded() / 100
      if abs(m) >= 10 { m /= 10; e += 1 }
      return fixed(m, 2) + (e < 0 ? "e-" : "e+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
    }
    return fixed(d, digits)
  }

  /// Fixed-point with exactly `digits` decimals; beyond 1e15 (or not
  /// finite) as `short` has it: every number here comes from a segment.
  static func fixed(_ d: Double, _ digits: Int) -> String {
    guard d.isFinite, abs(d) < 1e15 else { return d.isFinite ? short(d, digits) : "\(d)" }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    let r = (abs(d) * p).rounded()
    let whole = UInt64(r / p)
    var frac = String(UInt64(r) - whole * UInt64(p))
    while frac.count < digits { frac = "0" + frac }
    return (d < 0 && r > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + frac : "")
  }
}
