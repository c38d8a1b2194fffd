// SegmentReaderCLITests.swift — examples/read_segment.py and
// examples/read_segment.c read a segment without Swift: against a kept
// segment they print exactly what `dump --json` reports (and the same bytes
// as each other); against a live run, values between two dumps; a missing
// segment or another layout version is refused with one line and exit 1.
// Each test needs its tool (python3, cc) on PATH and is skipped otherwise.

import Foundation
import Glibc
import Testing

/// A program found on PATH, or nil.
func toolOnPath(_ name: String) -> String? {
  for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
    let path = "\(dir)/\(name)"
    if access(path, X_OK) == 0 { return path }
  }
  return nil
}

/// What a reader printed, parsed.
struct ReaderOutput {
  var fields: [String: String] = [:]
  /// Per rank: key → value ("pid", "status", "t", "episodes", …).
  var workers: [[String: String]] = []
  var theta: [Float] = []
  /// (name, "RxC", offset, count).
  var layers: [(String, String, Int, Int)] = []

  init(_ text: String) {
    for line in text.split(separator: "\n") {
      let w = line.split(separator: " ").map(String.init)
      guard w.count >= 2 else { continue }
      if w[0] == "worker" {
        var d: [String: String] = [:]
        for i in stride(from: 2, to: w.count - 1, by: 2) { d[w[i]] = w[i + 1] }
        workers.append(d)
      } else if w[0].hasPrefix("theta[") {
        theta.append(Float(w[1]) ?? .nan)
      } else if w[0] == "layer", w.count == 7 {
        layers.append((w[1], w[2], Int(w[4]) ?? -1, Int(w[6]) ?? -1))
      } else {
        fields[w[0]] = w[1...].joined(separator: " ")
      }
    }
  }

  func int(_ key: String) -> Int? { fields[key].flatMap { Int($0) } }
}

@Suite(.serialized) struct SegmentReaderCLITests: LiveSegmentTests {
  static let python = toolOnPath("python3")
  static let cc = toolOnPath("cc")
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  enum Reader: CustomStringConvertible {
    case python, c
    var description: String { self == .python ? "read_segment.py" : "read_segment.c" }
  }

  /// Runs a program; returns (exit status, stdout, stderr).
  func run(_ argv: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }

  /// The command line that runs `reader` (compiling the C one into `s`).
  func command(_ reader: Reader, in s: Scratch) throws -> [String] {
    switch reader {
    case .python:
      return [try #require(Self.python), Self.root.appendingPathComponent("examples/read_segment.py").path]
    case .c:
      let binary = s.path("read_segment")
      if !FileManager.default.fileExists(atPath: binary) {
        let built = try run([try #require(Self.cc), "-std=c11", "-Wall", "-Wextra", "-Werror",
                             "-I", Self.root.appendingPathComponent("include").path,
                             Self.root.appendingPathComponent("examples/read_segment.c").path, "-o", binary])
        #expect(built.status == 0, "cc failed: \(built.err)")
      }
      return [binary]
    }
  }

  /// A finished run's segment, kept in /dev/shm (removed by the caller).
  func keptSegment(_ tag: String, in s: Scratch) throws -> String {
    let segment = Harness.uniqueSegment(tag)
    let r = try Harness.run(
      ["run", "--procs", "2", "--t-max", "100k", "--target-return", "none", "--quiet", "--keep-segment",
       "--segment", segment, "--out", s.path("kept")], in: s.url, timeout: 30)
    #expect(r.exitCode == 0, "\(r)")
    return segment
  }

  func workers(_ dump: [String: Any]) -> [[String: Any]] { dump["workers"] as? [[String: Any]] ?? [] }

  /// Every value the reader prints equals dump's.
  func expectSameAsDump(_ r: ReaderOutput, _ d: [String: Any], _ reader: Reader) {
    #expect(r.fields["segment"] == d["segment"] as? String, "\(reader)")
    for (key, dumpKey) in [("layout_version", "layout_version"), ("procs", "procs"), ("T", "T"), ("U", "U"),
                           ("T_max", "T_max"), ("episodes_published", "episodes_published")] {
      #expect(r.int(key) != nil && r.int(key) == Harness.int(d[dumpKey]), "\(reader): \(key)")
    }
    for key in ["env", "algo", "state"] { #expect(r.fields[key] == d[key] as? String, "\(reader): \(key)") }
    let ws = workers(d)
    #expect(r.workers.count == ws.count, "\(reader): workers")
    for (mine, theirs) in zip(r.workers, ws) {
      for key in ["pid", "t", "episodes", "updates", "restarts", "test_episodes", "train_grads"] {
        #expect(mine[key].flatMap { Int($0) } == Harness.int(theirs[key]), "\(reader): worker \(key)")
      }
      #expect(mine["status"] == theirs["status"] as? String)
      #expect(mine["last_return"].flatMap { Double($0) } == Harness.double(theirs["last_return"]))
    }
    let params = d["parameters"] as? [String: Any] ?? [:]
    #expect(r.int("params_count") == Harness.int(params["count"]))
    let first = (params["first"] as? [Any] ?? []).compactMap { Harness.double($0).map(Float.init) }
    #expect(first.count == 8 && r.theta == first, "\(reader): θ \(r.theta) vs dump \(first)")
    let layers = d["layers"] as? [[String: Any]] ?? []
    #expect(r.layers.count == layers.count)
    for (mine, theirs) in zip(r.layers, layers) {
      #expect(mine.0 == theirs["name"] as? String)
      #expect(mine.1 == "\(Harness.int(theirs["rows"]) ?? -1)x\(Harness.int(theirs["cols"]) ?? -1)")
      #expect(mine.2 == Harness.int(theirs["offset"]) && mine.3 == Harness.int(theirs["count"]))
    }
  }

  /// Kept segment: equal to dump; refusals; live run: between two dumps.
  func check(_ reader: Reader) throws {
    let s = try Scratch()
    let cmd = try command(reader, in: s)
    let kept = try keptSegment("reader", in: s)
    defer { Harness.removeSegment(kept) }
    let out = try run(cmd + [kept])
    #expect(out.status == 0, "\(reader): \(out.err)")
    expectSameAsDump(ReaderOutput(out.out), try dumpJSON(kept, in: s), reader)

    // A copy claiming the next layout version, and a name that does not exist.
    let other = Harness.uniqueSegment("nextlayout")
    defer { Harness.removeSegment(other) }
    var bytes = try Data(contentsOf: URL(fileURLWithPath: Harness.shm + kept))
    bytes[8] += 1  // hw_header.layout_version (little-endian uint32 at offset 8)
    try bytes.write(to: URL(fileURLWithPath: Harness.shm + other))
    let refused = try run(cmd + [other])
    #expect(refused.status == 1 && refused.out.isEmpty, "\(reader): \(refused)")
    #expect(refused.err.hasPrefix("error: ") && refused.err.contains("layout version \(bytes[8])"), "\(reader): \(refused.err)")
    let missing = try run(cmd + ["/hogwild-rl-clitest.missing"])
    #expect(missing.status == 1 && missing.err.hasPrefix("error: "), "\(reader): \(missing)")

    // A live run: every counter lies between a dump before and one after.
    let live = Harness.uniqueSegment("readerlive")
    defer { Harness.removeSegment(live) }
    let p = try Harness.start(
      ["run", "--procs", "2", "--t-max", "500M", "--quiet", "--segment", live, "--out", s.path("live")], in: s.url)
    defer { p.killIfRunning() }
    let before = try waitForLiveSegment(live, procs: 2, in: s)
    let during = try run(cmd + [live])
    let after = try dumpJSON(live, in: s)
    #expect(during.status == 0, "\(reader): \(during.err)")
    let r = ReaderOutput(during.out)
    for key in ["T", "U"] {
      let v = r.int(key) ?? -1
      #expect(v >= (Harness.int(before[key]) ?? .max) && v <= (Harness.int(after[key]) ?? -1), "\(reader): live \(key)")
    }
    #expect(r.fields["state"] == "running" && r.int("procs") == 2)
    for (rank, w) in r.workers.enumerated() {
      let t = w["t"].flatMap { Int($0) } ?? -1
      #expect(t >= (Harness.int(workers(before)[rank]["t"]) ?? .max) && t <= (Harness.int(workers(after)[rank]["t"]) ?? -1))
      #expect(w["pid"].flatMap { Int($0) } == Harness.int(workers(after)[rank]["pid"]))
    }
    #expect(r.theta.count == 8 && r.theta.allSatisfy(\.isFinite))
    p.send(SIGINT)
    #expect(p.wait(timeout: 15).exitCode == 130)
  }

  @Test(.enabled(if: SegmentReaderCLITests.python != nil, "python3 is not on PATH"))
  func pythonReaderMatchesDump() throws { try check(.python) }

  @Test(.enabled(if: SegmentReaderCLITests.cc != nil, "cc is not on PATH"))
  func cReaderMatchesDump() throws { try check(.c) }

  @Test(.enabled(if: SegmentReaderCLITests.python != nil && SegmentReaderCLITests.cc != nil, "needs both python3 and cc on PATH"))
  func bothReadersPrintTheSameBytes() throws {
    let s = try Scratch()
    let kept = try keptSegment("readers", in: s)
    defer { Harness.removeSegment(kept) }
    let py = try run(try command(.python, in: s) + [kept, "20"])
    let c = try run(try command(.c, in: s) + [kept, "20"])
    #expect(py.status == 0 && c.status == 0)
    #expect(py.out == c.out && !py.out.isEmpty, "python:\n\(py.out)\nc:\n\(c.out)")
  }
}
