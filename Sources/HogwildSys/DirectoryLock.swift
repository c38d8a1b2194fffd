// DirectoryLock.swift — one writer per output directory: an exclusive flock
// on a lock file in it, held for as long as the run (and, through fork, its
// workers) lives. Two runs given the same --out would otherwise both exit 0
// with a mixed directory (one's config, the other's summary, interleaved
// metrics rows, colliding .tmp names).

import Glibc

public final class DirectoryLock {
  /// The lock file's name inside the directory.
  public static let fileName = "run.lock"

  public let path: String
  private let fd: Int32

  /// Why the lock could not be taken.
  public enum Failure: Error, Sendable {
    /// Another process holds it.
    case held(path: String)
    /// The lock file could not be opened or locked.
    case failed(OutputError)
  }

  /// Takes the lock of `directory` (creating its lock file), or fails at once.
  public init(directory: String) throws(Failure) {
    path = directory + "/" + Self.fileName
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
    guard fd >= 0 else { throw .failed(OutputError(path: path, errno: .current)) }
    var st = stat()
    guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
      close(fd)
      throw .failed(OutputError(path: path, errno: .notRegularFile))
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let e = Errno.current
      close(fd)
      if e == Errno(EWOULDBLOCK) { throw .held(path: path) }
      throw .failed(OutputError(path: path, errno: e))
    }
    self.fd = fd
  }

  deinit { close(fd) }
}
