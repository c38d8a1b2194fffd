import Formats
import Foundation
import Glibc
import Runtime
import Testing

/// Faults around a run: a supervisor killed outright, orphans and `clean`,
/// a θ that turns non-finite.
@Suite(.serialized) struct ReliabilityCLITests {
  func waitForSegment(_ name: String, procs: Int, in s: Scratch) throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline {
      if Harness.segmentExists(name) {
        let d = try Harness.run(["dump", "--json", name], in: s.url, timeout: 10)
        if d.exitCode == 0, let j = try? Harness.json(d.stdout) as? [String: Any],
          (Harness.int(j["T"]) ?? 0) > 0, let ws = j["workers"] as? [[String: Any]], ws.count == procs,
          ws.allSatisfy({ (Harness.int($0["pid"]) ?? 0) > 0 })
        {
          return j
        }
      }
      usleep(50_000)
    }
    Issue.record("segment \(name) did not become live")
    throw CancellationError()
  }

  func pids(_ report: [String: Any]) -> [Int32] {
    ((report["workers"] as? [[String: Any]]) ?? []).compactMap { Harness.int($0["pid"]).map(Int32.init) }
  }

  /// Running or stopped, as opposed to gone or a zombie (exited, waiting to
  /// be reaped by whoever inherited it).
  func isRunning(_ pid: Int32) -> Bool {
    Harness.processTable().contains { $0.pid == pid && $0.state != "Z" && $0.state != "X" }
  }

  @Test func workersExitWhenTheSupervisorIsKilledAndCleanRemovesTheOrphan() throws {
    let s = try Scratch()
    let orphan = Harness.uniqueSegment("orphan")
    let live = Harness.uniqueSegment("live")
    defer { Harness.removeSegment(orphan); Harness.removeSegment(live) }
    let victim = try Harness.start(
      ["run", "--procs", "3", "--t-max", "500M", "--quiet", "--segment", orphan, "--out", s.path("a")], in: s.url)
    defer { victim.killIfRunning() }
    let workers = pids(try waitForSegment(orphan, procs: 3, in: s))
    victim.send(SIGKILL)
    _ = victim.wait(timeout: 10)
    let killedAt = Date()
    func present(_ pid: Int32) -> Bool { Harness.processTable().contains { $0.pid == pid } }
    while workers.contains(where: present), Date().timeIntervalSince(killedAt) < 1.0 { usleep(20_000) }
    // Not even zombies: each worker's reaper kills and reaps it at once.
    #expect(!workers.contains(where: present), "workers still present 1 s after the supervisor died")

    // A live run next to the orphan: clean must leave it alone.
    let other = try Harness.start(
      ["run", "--procs", "1", "--t-max", "500M", "--quiet", "--segment", live, "--out", s.path("b")], in: s.url)
    defer { other.killIfRunning() }
    _ = try waitForSegment(live, procs: 1, in: s)

    let list = try Harness.run(["dump", "--list", "--json"], in: s.url)
    let entries = try #require(try Harness.json(list.stdout) as? [[String: Any]])
    let o = try #require(entries.first { $0["segment"] as? String == orphan })
    #expect(o["orphan"] as? Bool == true)
    let l = try #require(entries.first { $0["segment"] as? String == live })
    #expect(l["orphan"] as? Bool == false)

    // Without NAME, clean selects every orphan and no live segment (shown
    // with --dry-run: removing every orphan here would also remove other
    // tests' kept segments, which run alongside).
    let dry = try Harness.run(["clean", "--dry-run"], in: s.url)
    #expect(dry.exitCode == 0, "\(dry)")
    #expect(dry.stdout.contains("would remove \(orphan) "))
    #expect(!dry.stdout.contains(live))
    #expect(Harness.segmentExists(orphan))
    // A live segment named is refused (exit 1) and left; the orphan goes.
    let refused = try Harness.run(["clean", live], in: s.url)
    #expect(refused.exitCode == 1 && refused.stderr.contains("not an orphan"), "\(refused)")
    let clean = try Harness.run(["clean", String(orphan.dropFirst()), live], in: s.url)
    #expect(clean.exitCode == 1, "\(clean)")
    #expect(clean.stdout.contains("removed \(orphan) "))
    #expect(!Harness.segmentExists(orphan))
    #expect(Harness.segmentExists(live))
    let bad = try Harness.run(["clean", "a/b"], in: s.url)
    #expect(bad.exitCode == 64 && bad.stderr.split(separator: "\n").count == 1, "\(bad)")
    other.send(SIGINT)
    #expect(other.wait(timeout: 15).exitCode == 130)
    #expect(!Harness.segmentExists(live))
  }

  @Test func aNonFiniteThetaStopsTheRunNamingTheLayer() throws {
    let s = try Scratch()
    let out = s.path("nan")
    let segment = Harness.uniqueSegment("nan")
    defer { Harness.removeSegment(segment) }
    let p = try Harness.start(
      ["run", "--procs", "2", "--t-max", "500M", "--quiet", "--segment", segment, "--out", out], in: s.url)
    defer { p.killIfRunning() }
    let report = try waitForSegment(segment, procs: 2, in: s)
    let regions = try #require(report["regions"] as? [[String: Any]])
    let offset = try #require(Harness.int(regions.first { $0["name"] as? String == "parameters" }?["offset"]))
    let layer = try #require((report["layers"] as? [[String: Any]])?.first)
    let count = try #require(Harness.int(layer["count"]))
    // Poison the first layer's weights in the live segment.
    let fd = shm_open(segment, O_RDWR, 0)
    try #require(fd >= 0)
    let size = offset + 4 * count
    let base = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
    close(fd)
    let floats = (base + offset).assumingMemoryBound(to: Float.self)
    for i in 0..<count { floats[i] = .nan }
    munmap(base, size)

    let r = p.wait(timeout: 20)
    #expect(r.exitCode == 1, "\(r)")
    #expect(r.stderr.contains("non-finite") && r.stderr.contains(layer["name"] as? String ?? "?"), "\(r.stderr)")
    let summary = try Harness.json(at: URL(fileURLWithPath: out + "/summary.json"))
    #expect(summary["exit_reason"] as? String == "error")
    // Whatever checkpoint exists holds the last finite θ, never the poisoned one.
    if let data = FileManager.default.contents(atPath: out + "/checkpoint.bin") {
      let checkpoint = try Checkpoint(decoding: [UInt8](data))
      let allFinite = checkpoint.parameters.allSatisfy { $0.isFinite }
      #expect(allFinite)
    }
    #expect(!Harness.segmentExists(segment))
  }
}
