// TensorBoardEventTests.swift — our event-file bytes against a file the real
// tensorboard package wrote for the same events (Fixtures/tfevents_scalars.*,
// made by scripts/make_tfevents_fixture.py), CRC-32C test vectors, and the
// per-tag step rule of TensorBoardLog.

import Formats
import Foundation
import HogwildSegment
import Runtime
import Testing

@Suite struct TensorBoardEventTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  /// The events the fixture's .txt lists, in order.
  static func fixtureEvents() throws -> [TensorBoardEvent] {
    let text = try String(contentsOf: fixtures.appendingPathComponent("tfevents_scalars.txt"), encoding: .utf8)
    var events: [TensorBoardEvent] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let f = line.split(separator: " ", maxSplits: 4).map(String.init)
      switch f[0] {
      case "first": events.append(.fileVersion(wallTime: Double(f[1])!, writer: f[2]))
      case "scalar":
        events.append(.scalar(wallTime: Double(f[1])!, step: Int64(f[2])!, tag: f[4],
                              value: Float(bitPattern: UInt32(f[3], radix: 16)!)))
      default: Issue.record("unknown fixture line \(line)")
      }
    }
    return events
  }

  @Test func bytesMatchTheTensorBoardPackagesWriter() throws {
    let expected = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("tfevents_scalars.bin")))
    let events = try Self.fixtureEvents()
    #expect(events.count == 10)
    let ours = events.flatMap(\.record)
    #expect(ours.count == expected.count)
    // Record by record, so a failure names the event.
    var offset = 0
    for (i, e) in events.enumerated() {
      let r = e.record
      let theirs = Array(expected[offset..<min(expected.count, offset + r.count)])
      #expect(r == theirs, "event \(i): \(e)")
      offset += r.count
    }
    #expect(ours == expected)
  }

  @Test func crc32cTestVectors() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8]()) == 0)
    // RFC 3720 B.4: 32 bytes of zeros, of 0xFF.
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    let c: UInt32 = 0xE306_9283
    #expect(CRC32C.masked(Array("123456789".utf8)) == ((c >> 15) | (c << 17)) &+ 0xA282_EAD8)
  }

  @Test func recordFramingCarriesLengthAndChecksums() {
    let data: [UInt8] = [1, 2, 3]
    let r = TensorBoardEvent.record(data)
    #expect(r.count == 8 + 4 + 3 + 4)
    #expect(Array(r[0..<8]) == [3, 0, 0, 0, 0, 0, 0, 0])
    let lengthCRC = r[8..<12].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    #expect(lengthCRC == CRC32C.masked(Array(r[0..<8])))
    #expect(Array(r[12..<15]) == data)
    let dataCRC = r[15..<19].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    #expect(dataCRC == CRC32C.masked(data))
  }

  @Test func stepsStrictlyIncreasePerTagAndTheFileIsFlushedWhole() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tb-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent(TensorBoardWriter.fileName(unixSeconds: 1_700_000_000, hostname: "h")).path
    #expect(path.hasSuffix("/events.out.tfevents.1700000000.h"))
    let writer = try TensorBoardWriter(path: path, wallTime: 1_700_000_000)
    let log = TensorBoardLog(writer: writer, realtimeNanoseconds: 1_700_000_000_000_000_000, monotonicNanoseconds: 0)
    // Two episodes ending in one rollout (same T), then one published late.
    for (t, ret) in [(UInt64(20), 9.0), (20, 11.0), (15, 30.0), (40, 12.0)] {
      log.episode(EpisodeRecord(globalStep: t, endNanoseconds: 1_000_000_000, worker: 0, episode: 0,
                                length: Int(ret), episodeReturn: ret))
    }
    // Queued, not yet in the file.
    let before = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(before == TensorBoardEvent.fileVersion(wallTime: 1_700_000_000, writer: TensorBoardWriter.writerName).record)
    log.flush()
    let after = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var expected = before
    for (step, ret) in [(Int64(20), Float(9)), (21, 11), (22, 30), (40, 12)] {
      expected += TensorBoardEvent.scalar(wallTime: 1_700_000_001, step: step, tag: "charts/episodic_return", value: ret).record
      expected += TensorBoardEvent.scalar(wallTime: 1_700_000_001, step: step, tag: "charts/episodic_length", value: ret).record
    }
    #expect(after == expected)
  }
}
