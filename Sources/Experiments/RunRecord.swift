// RunRecord.swift — one finished (or stopped) run read back from its
// directory for `plot` and `sweep`: config.json, summary.json and the
// scored episodes of metrics.csv, with the last-100 mean after each.

import Formats
import HogwildSys
import Runtime

/// Why a run directory cannot be read: `usage` (not a run directory: exit
/// 64) or `unreadable` (a file that exists but cannot be read or parsed: exit 1).
public enum RunRecordError: Error, CustomStringConvertible {
  case usage(String)
  case unreadable(String)

  public var description: String {
    switch self {
    case .usage(let m), .unreadable(let m): m
    }
  }

  public var exitCode: Int32 {
    switch self {
    case .usage: 64
    case .unreadable: 1
    }
  }
}

/// A run's outputs, as `plot` and `sweep` need them.
public struct RunRecord {
  /// One scored episode and the mean of the last 100 (fewer at the start) up to it.
  public struct Point {
    var steps: Double
    var seconds: Double
    var mean100: Double
    /// Scored episodes so far (the mean counts for a threshold only from 100 on).
    var count: Int
  }

  public let directory: String
  public let config: JSON
  /// nil while the run has not written one (still running, or SIGKILLed).
  public let summary: JSON?
  public let points: [Point]

  /// The run's end, on each x axis (summary.json's totals; else the last episode).
  var endSteps: Double { summary?["steps"]?.doubleValue ?? points.last?.steps ?? 0 }
  var endSeconds: Double { summary?["wall_seconds"]?.doubleValue ?? points.last?.seconds ?? 0 }

  /// summary.json's exit_reason ("" without a summary).
  var exitReason: String { summary?["exit_reason"]?.stringValue ?? "" }
  /// Whether the run ended as planned (t_max or target_reached).
  public var isFinished: Bool { exitReason == "t_max" || exitReason == "target_reached" }

  /// The config without what differs between seeds of one configuration.
  var configurationKey: String {
    let ignored: Set<String> = ["seed", "segment", "resumed_at_step"]
    return JSON.object((config.objectPairs ?? []).filter { !ignored.contains($0.0) }).serialized()
  }

  /// The first point where a full last-100 window reached `threshold`:
  /// the rule of the supervisor's target check and of scripts/tables.sh.
  func firstCrossing(_ threshold: Double) -> Point? {
    points.first { $0.count >= 100 && $0.mean100 >= threshold }
  }

  public static func isRunDirectory(_ dir: String) -> Bool {
    FileSystem.exists(dir + "/config.json") && FileSystem.exists(dir + "/metrics.csv")
  }

  /// Reads `dir`; a directory without config.json and metrics.csv is a usage error.
  /// The run in `dir`, or every run directly inside it (a sweep folder).
  public static func loadRuns(_ dir: String) throws(RunRecordError) -> [RunRecord] {
    if isRunDirectory(dir) || !FileSystem.isDirectory(dir) { return [try load(dir)] }
    let inside = FileSystem.entries(dir).map { dir + "/" + $0 }.filter(isRunDirectory)
    guard !inside.isEmpty else {
      throw .usage("\(dir): not a run directory (no config.json and metrics.csv) and holds none")
    }
    var out: [RunRecord] = []
    for d in inside { out.append(try load(d)) }
    return out
  }

  public static func load(_ dir: String) throws(RunRecordError) -> RunRecord {
    guard FileSystem.isDirectory(dir) else { throw .usage("\(dir): no such directory") }
    guard isRunDirectory(dir) else {
      throw .usage("\(dir): not a run directory (no config.json and metrics.csv)")
    }
    let configText = try text(dir + "/config.json")
    let config: JSON
    do { config = try JSON.parse(configText) } catch { throw .unreadable("\(dir)/config.json: \(error)") }
    var scoresTests = false
    if let c = try? RunConfig(configText: configText) { scoresTests = c.scoresTestEpisodes }
    var summary: JSON?
    if FileSystem.exists(dir + "/summary.json") {
      do { summary = try JSON.parse(try text(dir + "/summary.json")) } catch let e as JSON.ParseError {
        throw .unreadable("\(dir)/summary.json: \(e)")
      } catch { throw error as! RunRecordError }
    }
    let points = try scoredPoints(text(dir + "/metrics.csv"), kind: scoresTests ? "test" : "train",
                                  path: dir + "/metrics.csv")
    return RunRecord(directory: dir, config: config, summary: summary, points: points)
  }

  /// The scored episodes of metrics.csv (columns T, wall_seconds, worker,
  /// episode, return, length[, kind]; without a kind column every row is a
  /// training episode) and the running last-100 mean.
  static func scoredPoints(_ csv: String, kind: String, path: String) throws(RunRecordError) -> [Point] {
    var lines = csv.split(separator: "\n", omittingEmptySubsequences: true)
    guard let header = lines.first else { return [] }
    let columns = header.split(separator: ",").map(String.init)
    guard let tc = columns.firstIndex(of: "T"), let wc = columns.firstIndex(of: "wall_seconds"),
      let rc = columns.firstIndex(of: "return")
    else { throw .unreadable("\(path): not a metrics.csv (header '\(header)')") }
    let kc = columns.firstIndex(of: "kind")
    lines.removeFirst()
    var window = [Double](repeating: 0, count: 100)
    var sum = 0.0, n = 0
    var out: [Point] = []
    out.reserveCapacity(lines.count)
    for line in lines {
      let f = line.split(separator: ",", omittingEmptySubsequences: false)
      guard f.count > max(tc, wc, rc) else { continue }  // a row cut short by SIGKILL
      if let kc { guard kc < f.count, f[kc] == kind else { continue } } else if kind != "train" { continue }
      guard let t = Double(f[tc]), let w = Double(f[wc]), let r = Double(f[rc]) else { continue }
      if n >= 100 { sum -= window[n % 100] }
      window[n % 100] = r
      sum += r
      n += 1
      out.append(Point(steps: t, seconds: w, mean100: sum / Double(min(n, 100)), count: n))
    }
    return out
  }

  static func text(_ path: String) throws(RunRecordError) -> String {
    do { return String(decoding: try readWholeFile(path), as: UTF8.self) } catch {
      throw .unreadable("\(path): \(error)")
    }
  }
}
