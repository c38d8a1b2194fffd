// LiveSegment.swift — helpers for tests that look at a run's segment while
// it trains: wait until it is live, read `dump --json`.

import Foundation
import Glibc
import Testing

/// Suites that start runs and read their segment.
protocol LiveSegmentTests {}

extension LiveSegmentTests {
  /// Waits until `dump --json NAME` shows a running segment with T > 0 and
  /// every worker's pid; returns that report.
  func waitForLiveSegment(_ name: String, procs: Int, in s: Scratch, timeout: Double = 15) throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if Harness.segmentExists(name) {
        let d = try Harness.run(["dump", "--json", name], in: s.url, timeout: 10)
        if d.exitCode == 0, let j = try? Harness.json(d.stdout) as? [String: Any],
          j["state"] as? String == "running", (Harness.int(j["T"]) ?? 0) > 0,
          let ws = j["workers"] as? [[String: Any]], ws.count == procs,
          ws.allSatisfy({ (Harness.int($0["pid"]) ?? 0) > 0 })
        {
          return j
        }
      }
      usleep(50_000)
    }
    Issue.record("segment \(name) did not become live within \(timeout) s")
    throw CancellationError()
  }

  /// `dump --json NAME` as a dictionary.
  func dumpJSON(_ segment: String, in s: Scratch) throws -> [String: Any] {
    let d = try Harness.run(["dump", "--json", segment], in: s.url, timeout: 10)
    #expect(d.exitCode == 0, "\(d)")
    return try #require(try Harness.json(d.stdout) as? [String: Any])
  }
}
