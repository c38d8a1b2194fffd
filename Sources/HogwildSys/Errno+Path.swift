// Errno+Path.swift — whether a failed open or write was the user's path
// (bad input, exit 64) or the system's doing (a runtime failure, exit 1).

import Glibc

extension Errno {
  /// The path names nothing that can be used: missing, not a directory, a
  /// directory, no permission, too long, a loop of links, a read-only file
  /// system. What a user typed, not what went wrong while using it.
  public var isBadPath: Bool {
    [ENOENT, ENOTDIR, EISDIR, EACCES, ENAMETOOLONG, ELOOP, EROFS, EPERM].contains(rawValue)
  }
}
