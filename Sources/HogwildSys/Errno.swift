// Errno.swift — a failed system call's error number, with the names and the
// strerror text, and the one EINTR retry loop every call site shares.

import Glibc

/// An errno value with its `strerror` text.
public struct Errno: Error, Equatable, Hashable, CustomStringConvertible, Sendable {
  public var rawValue: Int32
  public init(_ rawValue: Int32) { self.rawValue = rawValue }
  public init(rawValue: Int32) { self.rawValue = rawValue }

  /// The calling thread's errno right now (read it before anything else runs).
  public static var current: Errno { Errno(Glibc.errno) }

  public static let fileExists = Errno(EEXIST)
  public static let noSuchFile = Errno(ENOENT)
  public static let permissionDenied = Errno(EACCES)
  public static let noSpace = Errno(ENOSPC)
  public static let noSuchProcess = Errno(ESRCH)
  public static let invalidArgument = Errno(EINVAL)
  public static let interrupted = Errno(EINTR)
  public static let notDirectory = Errno(ENOTDIR)
  public static let fileTooLarge = Errno(EFBIG)
  public static let timedOut = Errno(ETIMEDOUT)
  public static let outOfMemory = Errno(ENOMEM)
  /// Not a system errno: a path that had to name a regular file named a
  /// FIFO, socket, device or directory (which would block or mislead a read).
  public static let notRegularFile = Errno(-1)

  public var description: String {
    self == .notRegularFile ? "not a regular file" : String(cString: strerror(rawValue))
  }
}

/// Calls `body` (a system call returning -1 and setting errno on failure)
/// again for as long as it fails with EINTR. Returns its result; throws the
/// errno of any other failure.
@inlinable
public func retryOnInterrupt<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
  while true {
    let result = body()
    if result != -1 { return result }
    let e = Glibc.errno
    if e != EINTR { throw Errno(e) }
  }
}
