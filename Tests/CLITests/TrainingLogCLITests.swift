// TrainingLogCLITests.swift — what `run` writes beside metrics.csv: train.csv
// rows with sane values (discrete and continuous A3C), the --tensorboard
// event file (whole records with valid checksums, one point per CSV row),
// a resume adding to it, and sweep passing both flags on.

import Formats
import Foundation
import Glibc
import Runtime
import Testing

@Suite(.serialized) struct TrainingLogCLITests {
  static let header = "T,wall_seconds,steps_per_second,updates_per_second,gradients,policy_loss,value_loss,entropy,"
    + "grad_norm,clipped_fraction,learning_rate,epsilon,td_error,staleness_mean,staleness_p99"

  /// train.csv as named cells per row, after checking the header.
  func trainRows(_ dir: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: dir + "/train.csv", encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == Self.header)
    let names = Self.header.split(separator: ",").map(String.init)
    return lines.dropFirst().map { line in
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      #expect(cells.count == names.count, "row \(line)")
      return Dictionary(uniqueKeysWithValues: zip(names, cells))
    }
  }

  /// The data of every record of an event file, checking the framing and
  /// both checksums of each.
  func records(_ path: String) throws -> [[UInt8]] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) } }
    var out: [[UInt8]] = []
    var i = 0
    while i < bytes.count {
      guard i + 12 <= bytes.count else { Issue.record("truncated header at \(i)"); break }
      let length = Int((0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) })
      #expect(u32(i + 8) == CRC32C.masked(bytes[i..<(i + 8)]), "length checksum at \(i)")
      guard i + 12 + length + 4 <= bytes.count else { Issue.record("truncated record at \(i)"); break }
      let data = Array(bytes[(i + 12)..<(i + 12 + length)])
      #expect(u32(i + 12 + length) == CRC32C.masked(data), "data checksum at \(i)")
      out.append(data)
      i += 12 + length + 4
    }
    return out
  }

  func eventFiles(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("events.out.tfevents.") }.sorted()
  }

  func number(_ s: String?) -> Double? { s.flatMap(Double.init) }

  @Test func trainCSVAndTheEventFileHaveAPointPerRow() throws {
    let s = try Scratch()
    let out = s.path("run")
    let r = try Harness.run(["run", "--procs", "2", "--t-max", "300k", "--target-return", "none", "--seed", "3",
                             "--log-every", "20ms", "--tensorboard", "--quiet", "--out", out], in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let summary = try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
    let wall = Harness.double(summary["wall_seconds"]) ?? 0
    let steps = Harness.int(summary["steps"]) ?? 0
    let updates = Harness.int(summary["updates"]) ?? 0
    let rows = try trainRows(out)
    // One row per 20 ms interval (each at least 20 ms, polled every 5 ms) and a last one.
    #expect(rows.count >= max(2, Int(wall / 0.05)), "\(rows.count) rows in \(wall) s")
    let ts = rows.compactMap { number($0["T"]) }
    #expect(ts.count == rows.count)
    #expect(zip(ts, ts.dropFirst()).allSatisfy { $0 <= $1 }, "T not monotone")
    #expect(ts.last.map { Int($0) } == steps)
    let walls = rows.compactMap { number($0["wall_seconds"]) }
    #expect(zip(walls, walls.dropFirst()).allSatisfy { $0 <= $1 })
    var gradients = 0
    var withGradients = 0
    for row in rows {
      let g = Int(row["gradients"] ?? "") ?? -1
      #expect(g >= 0)
      gradients += g
      #expect(row["epsilon"] == "")
      #expect((number(row["learning_rate"]) ?? 0) > 0)
      #expect((number(row["staleness_mean"]) ?? -1) >= 0)
      #expect((number(row["staleness_p99"]) ?? -1) >= 0)
      guard g > 0 else { continue }
      withGradients += 1
      #expect(number(row["policy_loss"])?.isFinite == true, "\(row)")
      #expect((number(row["value_loss"]) ?? -1) >= 0)
      // CartPole has two actions: 0 ≤ H ≤ ln 2.
      let h = number(row["entropy"]) ?? -1
      #expect(h >= 0 && h <= 0.6932, "entropy \(h)")
      #expect((number(row["grad_norm"]) ?? 0) > 0)
      let c = number(row["clipped_fraction"]) ?? -1
      #expect(c >= 0 && c <= 1)
      #expect((number(row["td_error"]) ?? -1) >= 0)
    }
    #expect(withGradients >= rows.count / 2)
    // Every applied gradient is in one row (a worker killed at shutdown may miss one).
    #expect(gradients <= updates && gradients >= updates - 2, "\(gradients) gradients, \(updates) updates")

    let files = try eventFiles(out)
    #expect(files.count == 1)
    let events = try records(out + "/" + (files.first ?? ""))
    let episodes = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8).split(separator: "\n").count - 1
    #expect(episodes > 0)
    // The file version, two points per episode, 10 per row with gradients
    // (SPS, 3 losses, td_error, grad_norm, clipped_fraction, lr, 2 staleness)
    // and 4 per row without.
    #expect(events.count == 1 + 2 * episodes + 10 * withGradients + 4 * (rows.count - withGradients))
    #expect(events.first.map { String(decoding: $0, as: UTF8.self).contains("brain.Event:2") } == true)
  }

  @Test func continuousA3CRecordsStatistics() throws {
    let s = try Scratch()
    let out = s.path("run")
    // --no-tuned: the tuned linear schedule reaches a learning rate of 0 at T_max.
    let r = try Harness.run(["run", "--env", "Pendulum-v1", "--procs", "2", "--t-max", "100k", "--seed", "2",
                             "--log-every", "20ms", "--no-tuned", "--quiet", "--out", out], in: s.url, timeout: 120)
    #expect(r.exitCode == 0, "\(r)")
    let rows = try trainRows(out).filter { (Int($0["gradients"] ?? "") ?? 0) > 0 }
    #expect(!rows.isEmpty)
    for row in rows {
      for k in ["policy_loss", "entropy", "td_error", "grad_norm"] {
        #expect(number(row[k])?.isFinite == true, "\(k) in \(row)")
      }
      #expect((number(row["value_loss"]) ?? -1) >= 0)
      #expect((number(row["grad_norm"]) ?? 0) > 0)
      let c = number(row["clipped_fraction"]) ?? -1
      #expect(c >= 0 && c <= 1)
      #expect((number(row["learning_rate"]) ?? 0) > 0)
    }
    // σ² starts near softplus(0): the joint entropy of one dimension, ½(log(2π·0.69) + 1) ≈ 1.23.
    let first = number(rows.first?["entropy"]) ?? 0
    #expect(first > 0.8 && first < 1.6, "first entropy \(first)")
  }

  @Test func resumeAddsToTheEventFiles() throws {
    let s = try Scratch()
    let out = s.path("run")
    let first = try Harness.run(["run", "--procs", "1", "--t-max", "20k", "--tensorboard", "--quiet", "--out", out],
                                in: s.url, timeout: 60)
    #expect(first.exitCode == 0, "\(first)")
    let before = try eventFiles(out).flatMap { try records(out + "/" + $0) }
    let r = try Harness.run(["run", "--resume", out, "--t-max", "40k", "--log-every", "50ms", "--quiet"], in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    let config = try Harness.json(at: URL(fileURLWithPath: out + "/config.json"))
    #expect(config["tensorboard"] as? Bool == true)
    #expect(config["log_every"] as? String == "50ms")
    // A new file per session (or the same one appended within one second):
    // either way a second file-version record and more points.
    let after = try eventFiles(out).flatMap { try records(out + "/" + $0) }
    let versions = after.filter { String(decoding: $0, as: UTF8.self).contains("brain.Event:2") }.count
    #expect(versions == 2)
    #expect(after.count > before.count + 2)
  }

  @Test func sweepPassesTensorboardAndLogEveryOn() throws {
    let s = try Scratch()
    let r = try Harness.run(["sweep", "--out", s.path("sw"), "--procs", "1,2", "--t-max", "10k", "--tensorboard",
                             "--log-every", "500ms", "--dry-run"], in: s.url, timeout: 30)
    #expect(r.exitCode == 0, "\(r)")
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 2)
    for l in lines { #expect(l.contains(" --tensorboard") && l.contains(" --log-every 500ms"), "\(l)") }
  }
}
