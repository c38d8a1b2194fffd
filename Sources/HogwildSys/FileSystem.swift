// FileSystem.swift — the file-system questions the commands ask (exists, a
// directory, a regular or executable file, list a directory) and removing
// what they made.

import Glibc

public enum FileSystem {
  public static func exists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0
  }

  public static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
  }

  public static func isRegularFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
  }

  /// A regular file this process may execute.
  public static func isExecutableFile(_ path: String) -> Bool {
    isRegularFile(path) && access(path, X_OK) == 0
  }

  /// Why the file at `path` is not fit to be loaded or run as code that
  /// came from someone else's file (a checkpoint names it): not a regular
  /// file, owned by neither this user nor root, or writable by group or
  /// others. nil if it is fit — or absent (loading it will then say so).
  public static func codeTrustProblem(_ path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    if st.st_mode & S_IFMT != S_IFREG { return "not a regular file" }
    if st.st_uid != geteuid(), st.st_uid != 0 { return "owned by uid \(st.st_uid), neither this user nor root" }
    if st.st_mode & 0o022 != 0 { return "writable by group or others (mode \(String(st.st_mode & 0o7777, radix: 8)))" }
    return nil
  }

  /// Whether this process may read `path`.
  public static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

  /// The names in `dir` (without . and ..), sorted; empty if unreadable.
  public static func entries(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
      let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Removes a directory of files (a run directory: no subdirectories):
  /// its files, then itself. True if it is gone.
  @discardableResult
  public static func removeDirectoryOfFiles(_ dir: String) -> Bool {
    for name in entries(dir) { unlink(dir + "/" + name) }
    return rmdir(dir) == 0 || !exists(dir)
  }

  /// rm -rf `path` (directories, regular files; symlinks are unlinked, not followed).
  public static func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      for name in entries(path) { removeTree(path + "/" + name) }
      rmdir(path)
    } else {
      unlink(path)
    }
  }

  /// A new private directory /tmp/<prefix>.XXXXXX, or nil.
  public static func makeTemporaryDirectory(prefix: String) -> String? {
    var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { buf in
      mkdtemp(buf.baseAddress!).map { String(cString: $0) }
    }
  }
}
