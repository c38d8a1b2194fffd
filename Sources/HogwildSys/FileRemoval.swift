// FileRemoval.swift — removing one file (not a directory).

import Glibc

extension FileSystem {
  /// Removes the file at `path`; a file that is not there is no error.
  public static func remove(_ path: String) throws(Errno) {
    guard unlink(path) == 0 || Glibc.errno == ENOENT else { throw .current }
  }
}
