// TensorBoardWriter.swift — an events.out.tfevents.* file: events are
// framed as records into memory and reach the file only at flush(), which
// the supervisor calls once per --log-every interval and at the end. A run
// killed between flushes keeps every record up to the last flush whole.

import Glibc
import HogwildSegment

/// Appends TensorBoard events to one event file.
public final class TensorBoardWriter {
  /// What the first event names as the writer.
  public static let writerName = "hogwild-rl"
  public let path: String
  private let file: UnsafeMutablePointer<FILE>
  private var pending: [UInt8] = []

  /// `events.out.tfevents.<unix seconds>.<hostname>`, the name TensorFlow's
  /// own writer gives (TensorBoard reads every file whose name holds "tfevents").
  public static func fileName(unixSeconds: Int, hostname: String) -> String {
    "events.out.tfevents.\(unixSeconds).\(hostname)"
  }

  /// This machine's host name ("localhost" if it has none).
  public static var hostname: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return name.isEmpty ? "localhost" : String(name.map { $0 == "/" ? "_" : $0 })
  }

  /// Opens `path` (appending if it exists: a resume within the same second)
  /// and writes the file-version event at once.
  public init(path: String, wallTime: Double, writer: String = TensorBoardWriter.writerName) throws(OutputError) {
    self.path = path
    guard let f = fopen(path, "ab") else { throw OutputError(path: path, errno: Errno(errno)) }
    file = f
    add(.fileVersion(wallTime: wallTime, writer: writer))
    flush()
  }

  deinit {
    flush()
    fclose(file)
  }

  /// Queues one event (in memory until the next flush).
  public func add(_ event: TensorBoardEvent) {
    pending.append(contentsOf: event.record)
  }

  /// Writes the queued events and flushes the file.
  public func flush() {
    guard !pending.isEmpty else { return }
    _ = pending.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    fflush(file)
    pending.removeAll(keepingCapacity: true)
  }
}
