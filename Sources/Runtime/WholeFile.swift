// WholeFile.swift — reading a whole file with plain POSIX calls (no
// Foundation), for checkpoints, their config.json and `replay --state @file`.

import Glibc
import HogwildSegment

/// The bytes of the file at `path` (at most 1 GiB), or the errno of the
/// failed open/read.
public func readWholeFile(_ path: String) throws(Errno) -> [UInt8] {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { throw Errno(errno) }
  defer { close(fd) }
  var out: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
    if n < 0 {
      if errno == EINTR { continue }
      throw Errno(errno)
    }
    if n == 0 { return out }
    out += buffer[0..<n]
    if out.count > 1 << 30 { throw Errno(EFBIG) }
  }
}
