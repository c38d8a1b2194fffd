// TensorBoardWriter.swift — an events.out.tfevents.* file: events are
// framed as records into memory and reach the file only at flush(), which
// the supervisor calls once per --log-every interval and at the end. A run
// killed between flushes keeps every record up to the last flush whole.

import Formats
import HogwildSys

/// Appends TensorBoard events to one event file.
public final class TensorBoardWriter {
  /// What the first event names as the writer.
  public static let writerName = "hogwild-rl"
  public let path: String
  private let file: BufferedFile
  private var pending: [UInt8] = []

  /// `events.out.tfevents.<unix seconds>.<hostname>`, the name TensorFlow's
  /// own writer gives (TensorBoard reads every file whose name holds "tfevents").
  public static func fileName(unixSeconds: Int, hostname: String) -> String {
    "events.out.tfevents.\(unixSeconds).\(hostname)"
  }

  /// This machine's host name ("localhost" if it has none).
  public static var hostname: String {
    guard let name = CurrentProcess.hostname else { return "localhost" }
    return String(name.map { $0 == "/" ? "_" : $0 })
  }

  /// Opens `path` (appending if it exists: a resume within the same second)
  /// and writes the file-version event at once.
  public init(path: String, wallTime: Double, writer: String = TensorBoardWriter.writerName) throws(OutputError) {
    self.path = path
    file = try BufferedFile(path: path, mode: .append)
    add(.fileVersion(wallTime: wallTime, writer: writer))
    flush()
  }

  deinit { flush() }

  /// Queues one event (in memory until the next flush).
  public func add(_ event: TensorBoardEvent) {
    pending.append(contentsOf: event.record)
  }

  /// Writes the queued events and flushes the file.
  public func flush() {
    guard !pending.isEmpty else { return }
    file.write(pending)
    file.flush()
    pending.removeAll(keepingCapacity: true)
  }

  /// The first failed write, while it has not been caught up (see `BufferedFile`).
  public var failure: OutputError? { file.failure }
}
