// FileSystem.swift — the few file-system questions `plot` and `sweep` ask
// (exists, is a directory, list, remove a run directory), with plain POSIX
// calls as the rest of the project.

import Glibc

func fileExists(_ path: String) -> Bool {
  var st = stat()
  return stat(path, &st) == 0
}

func isDirectory(_ path: String) -> Bool {
  var st = stat()
  return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
}

/// The names in `dir` (without . and ..), sorted; empty if unreadable.
func directoryEntries(_ dir: String) -> [String] {
  guard let d = opendir(dir) else { return [] }
  defer { closedir(d) }
  var names: [String] = []
  while let e = readdir(d) {
    let name = withUnsafePointer(to: e.pointee.d_name) { p in
      p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
    if name != "." && name != ".." { names.append(name) }
  }
  return names.sorted()
}

/// Removes a run directory: its files, then the directory (a run writes
/// no subdirectories). True if it is gone.
@discardableResult
func removeRunDirectory(_ dir: String) -> Bool {
  for name in directoryEntries(dir) { unlink(dir + "/" + name) }
  return rmdir(dir) == 0 || !fileExists(dir)
}

/// `path` without trailing slashes ("/" stays "/").
func trimmedPath(_ path: String) -> String {
  var p = path
  while p.count > 1, p.hasSuffix("/") { p.removeLast() }
  return p
}
