// BufferedFile.swift — the files a run appends to as it goes (metrics.csv,
// train.csv, the TensorBoard event file): whole records are buffered and
// reach the kernel at `flush()`, all or nothing.
//
// A disk that fills up must not leave half a row: a flush whose write fails
// or falls short truncates the file back to where the last good flush ended,
// keeps the records and tries them again at the next flush (up to a bound),
// and remembers the failure so the run can name the file at its end.

import Glibc

public final class BufferedFile {
  public enum Mode: String, Sendable {
    /// Created or emptied.
    case truncate = "w"
    /// Created or appended to; starts positioned at the end.
    case append = "a"
    /// As `append`, and readable too (for `firstLine`).
    case appendReadable = "a+"
  }

  /// Records kept for a retry after failed flushes, at most (then new ones
  /// are dropped and counted).
  public static let retainedBytesLimit = 16 << 20

  public let path: String
  private let fd: Int32
  private var pending: [UInt8] = []
  /// The file's size after the last complete flush.
  private var committed: Int
  /// The first failed flush (nil while every flush succeeded or after a
  /// later one caught up).
  public private(set) var failure: OutputError?
  /// Records dropped because failed flushes had retained too much.
  public private(set) var droppedRecords = 0

  /// The sink a distributed run's ranks above 0 write their rows to (rank 0
  /// writes every node's): accepted, never opened, everything dropped.
  public static let discardPath = "/dev/null"

  public init(path: String, mode: Mode) throws(OutputError) {
    self.path = path
    if path == Self.discardPath {
      fd = -1
      committed = 0
      return
    }
    var flags = O_CLOEXEC | O_CREAT
    switch mode {
    case .truncate: flags |= O_WRONLY | O_TRUNC
    case .append: flags |= O_WRONLY | O_APPEND
    case .appendReadable: flags |= O_RDWR | O_APPEND
    }
    let fd = open(path, flags, 0o644)
    guard fd >= 0 else { throw OutputError(path: path, errno: .current) }
    var st = stat()
    guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
      close(fd)
      throw OutputError(path: path, errno: .notRegularFile)
    }
    self.fd = fd
    committed = Int(st.st_size)
  }

  deinit {
    flush()
    if fd >= 0 { close(fd) }
  }

  /// The file's size including records not yet flushed.
  public var position: Int { committed + pending.count }

  /// Kept for callers that position a stdio stream: appends always go to the end.
  public func seekToEnd() {}

  /// Adds one whole record (a row, an event).
  public func write(_ text: String) { write(Array(text.utf8)) }

  public func write(_ bytes: [UInt8]) {
    if failure != nil, pending.count + bytes.count > Self.retainedBytesLimit {
      droppedRecords += 1
      return
    }
    pending += bytes
  }

  /// Writes every pending record, or none of them: on a failed or short
  /// write the file is truncated back and the records kept for next time.
  public func flush() {
    guard !pending.isEmpty else { return }
    guard fd >= 0 else {
      pending.removeAll(keepingCapacity: true)
      return
    }
    do {
      try writeAll(fd, pending)
      committed += pending.count
      pending.removeAll(keepingCapacity: true)
      failure = nil
    } catch {
      _ = ftruncate(fd, off_t(committed))
      if failure == nil { failure = OutputError(path: path, errno: error) }
    }
  }

  /// The first line (without its newline, at most `limit` bytes).
  public func firstLine(limit: Int = 4096) -> String {
    guard fd >= 0 else { return "" }
    var line = [UInt8](repeating: 0, count: limit)
    let n = line.withUnsafeMutableBytes { pread(fd, $0.baseAddress, limit, 0) }
    guard n > 0 else { return "" }
    return String(decoding: line[0..<n].prefix { $0 != 0x0A }, as: UTF8.self)
  }
}
