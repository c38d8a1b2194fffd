// OutputFiles.swift — the files a run writes, written so that nothing is
// lost or half-written: directories made with back-out, whole files written
// to a temporary name, fsynced and renamed into place.

import Glibc

/// A failure to write an output file.
public struct OutputError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var errno: Errno
  public init(path: String, errno: Errno) {
    self.path = path
    self.errno = errno
  }
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
      } else if Errno.current != .fileExists {
        let e = Errno.current
        backOut()
        throw OutputError(path: partial, errno: e)
      }
    }
    var st = stat()
    var failure: Errno?
    if stat(path, &st) != 0 {
      failure = .current
    } else if st.st_mode & S_IFMT != S_IFDIR {
      failure = .notDirectory
    } else if access(path, W_OK | X_OK) != 0 {
      failure = .current
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
    guard fd >= 0 else { throw OutputError(path: tmp, errno: .current) }
    func backOut(_ e: Errno) -> OutputError {
      close(fd)
      unlink(tmp)
      return OutputError(path: tmp, errno: e)
    }
    do { try writeAll(fd, bytes) } catch { throw backOut(error) }
    if fsync(fd) != 0 { throw backOut(.current) }
    close(fd)
    guard rename(tmp, path) == 0 else {
      let e = Errno.current
      unlink(tmp)
      throw OutputError(path: path, errno: e)
    }
  }

  public static func writeAtomically(_ path: String, text: String) throws(OutputError) {
    try writeAtomically(path, bytes: Array(text.utf8))
  }
}
