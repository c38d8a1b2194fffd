// WholeFile.swift — reading and writing a whole file with plain POSIX calls
// (no Foundation): checkpoints, config.json, run records, `replay --state @file`.

import Glibc

/// The bytes of the regular file at `path` (at most 1 GiB), or the errno of
/// the failed open/read. Anything else (a FIFO would block the read forever)
/// is refused with `.notRegularFile` before a byte is read.
public func readWholeFile(_ path: String) throws(Errno) -> [UInt8] {
  let fd = try retryOnInterrupt { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
  defer { close(fd) }
  var st = stat()
  guard fstat(fd, &st) == 0 else { throw .current }
  guard st.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile }
  var out: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = try retryOnInterrupt { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) } }
    if n == 0 { return out }
    out += buffer[0..<n]
    if out.count > 1 << 30 { throw .fileTooLarge }
  }
}

/// Writes all of `bytes` to the open descriptor `fd`, EINTR retried.
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
  var written = 0
  while written < bytes.count {
    written += try retryOnInterrupt {
      bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
    }
  }
}

/// Replaces the file at `path` with `bytes` (not atomically: see
/// `OutputFiles.writeAtomically` for files a reader may see half-written).
public func writeWholeFile(_ path: String, _ bytes: [UInt8]) throws(Errno) {
  let fd = try retryOnInterrupt { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0o644) }
  defer { close(fd) }
  try writeAll(fd, bytes)
}
