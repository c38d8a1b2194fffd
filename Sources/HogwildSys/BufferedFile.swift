// BufferedFile.swift — a stdio stream for the files a run appends to as it
// goes (metrics.csv, train.csv, the TensorBoard event file): rows are
// buffered and reach the kernel at `flush()`.

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

  public let path: String
  private let file: UnsafeMutablePointer<FILE>

  public init(path: String, mode: Mode) throws(OutputError) {
    self.path = path
    guard let f = fopen(path, mode.rawValue) else { throw OutputError(path: path, errno: .current) }
    file = f
  }

  deinit { fclose(file) }

  /// The stream's position (after `seekToEnd`, the file's size).
  public var position: Int { ftell(file) }

  public func seekToEnd() { fseek(file, 0, SEEK_END) }

  public func write(_ text: String) { fputs(text, file) }

  public func write(_ bytes: [UInt8]) {
    _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
  }

  /// Pushes buffered writes to the kernel.
  public func flush() { fflush(file) }

  /// The first line (without its newline, at most `limit` bytes); leaves the
  /// stream at the end of the file.
  public func firstLine(limit: Int = 4096) -> String {
    rewind(file)
    var line: [UInt8] = []
    while line.count < limit {
      let c = fgetc(file)
      if c == EOF || c == 0x0A { break }
      line.append(UInt8(truncatingIfNeeded: c))
    }
    fseek(file, 0, SEEK_END)
    return String(decoding: line, as: UTF8.self)
  }
}
