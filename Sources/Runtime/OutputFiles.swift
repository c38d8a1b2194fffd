// OutputFiles.swift — the files a run writes, written so that nothing is
// lost or half-written: whole files go to a temporary name, are fsynced and
// renamed into place; metrics.csv is appended and flushed as rows arrive.

import Glibc
import HogwildSegment

/// A failure to write an output file.
public struct OutputError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var errno: Errno
  public var description: String { "could not write \(path): \(errno)" }
}

/// Creating directories and writing whole files atomically.
public enum OutputFiles {
  /// mkdir -p. Fails if the path exists but is not a writable directory; on
  /// failure, removes the directories this call created, so a rejected
  /// `--out` leaves nothing behind.
  public static func makeDirectory(_ path: String) throws(OutputError) {
    var created: [String] = []
    func backOut() { for dir in created.reversed() { rmdir(dir) } }
    var partial = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      partial += partial.isEmpty || partial.hasSuffix("/") ? String(component) : "/" + component
      if mkdir(partial, 0o755) == 0 {
        created.append(partial)
      } else if errno != EEXIST {
        let e = Errno(errno)
        backOut()
        throw OutputError(path: partial, errno: e)
      }
    }
    var st = stat()
    var failure: Errno?
    if stat(path, &st) != 0 {
      failure = Errno(errno)
    } else if st.st_mode & S_IFMT != S_IFDIR {
      failure = Errno(ENOTDIR)
    } else if access(path, W_OK | X_OK) != 0 {
      failure = Errno(errno)
    }
    if let failure {
      backOut()
      throw OutputError(path: path, errno: failure)
    }
  }

  /// Writes `bytes` to `path` via `path.tmp`, fsync and rename.
  public static func writeAtomically(_ path: String, bytes: [UInt8]) throws(OutputError) {
    let tmp = path + ".tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OutputError(path: tmp, errno: Errno(errno)) }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
      if n < 0 {
        if errno == EINTR { continue }
        let e = Errno(errno)
        close(fd); unlink(tmp)
        throw OutputError(path: tmp, errno: e)
      }
      written += n
    }
    if fsync(fd) != 0 {
      let e = Errno(errno)
      close(fd); unlink(tmp)
      throw OutputError(path: tmp, errno: e)
    }
    close(fd)
    guard rename(tmp, path) == 0 else {
      let e = Errno(errno)
      unlink(tmp)
      throw OutputError(path: path, errno: e)
    }
  }

  public static func writeAtomically(_ path: String, text: String) throws(OutputError) {
    try writeAtomically(path, bytes: Array(text.utf8))
  }
}

/// metrics.csv: one row per finished episode, appended as episodes arrive.
/// The last column says whether the row is a training episode (`train`) or
/// a value-based method's greedy test episode (`test`).
public final class MetricsWriter {
  public static let header = "T,wall_seconds,worker,episode,return,length,kind\n"
  public let path: String
  /// False when appending to a file an older build started without the
  /// `kind` column: its rows keep that file's six columns.
  public let writesKind: Bool
  private let file: UnsafeMutablePointer<FILE>

  public init(path: String, append: Bool = false) throws(OutputError) {
    self.path = path
    guard let f = fopen(path, append ? "a+" : "w") else { throw OutputError(path: path, errno: Errno(errno)) }
    file = f
    fseek(f, 0, SEEK_END)
    if !append || ftell(f) == 0 {
      fputs(Self.header, f)
      writesKind = true
    } else {
      writesKind = Self.firstLine(of: f).hasSuffix(",kind")
    }
  }

  deinit { fclose(file) }

  /// The first line of `f` (without its newline); leaves `f` at its end.
  static func firstLine(of f: UnsafeMutablePointer<FILE>) -> String {
    rewind(f)
    var line: [UInt8] = []
    while line.count < 4096 {
      let c = fgetc(f)
      if c == EOF || c == 0x0A { break }
      line.append(UInt8(truncatingIfNeeded: c))
    }
    fseek(f, 0, SEEK_END)
    return String(decoding: line, as: UTF8.self)
  }

  public func append(_ r: EpisodeRecord, wallSeconds: Double) {
    let ret = r.episodeReturn
    // Integral returns (CartPole) print without a fraction.
    let retText = ret == ret.rounded() && abs(ret) < 1e15 ? String(Int64(ret)) : "\(ret)"
    let wall = (wallSeconds * 1000).rounded() / 1000
    let kind = writesKind ? ",\(r.kind)" : ""
    fputs("\(r.globalStep),\(wall),\(r.worker),\(r.episode),\(retText),\(r.length)\(kind)\n", file)
  }

  /// Pushes buffered rows to the kernel (once a second and at the end).
  public func flush() { fflush(file) }
}
