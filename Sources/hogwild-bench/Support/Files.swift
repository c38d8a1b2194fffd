// Files.swift — the little file handling the bench needs (no Foundation).

import Glibc

/// The whole file, or nil if it cannot be read.
func readFile(_ path: String) -> String? {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { return nil }
  defer { close(fd) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0, errno == EINTR { continue }
    if n < 0 { return nil }
    if n == 0 { break }
    bytes += chunk[0..<n]
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// Writes `text` to `path` (replacing it). Returns false on failure.
func writeFile(_ path: String, _ text: String) -> Bool {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  let bytes = Array(text.utf8)
  var done = 0
  while done < bytes.count {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
    if n < 0, errno == EINTR { continue }
    if n <= 0 { return false }
    done += n
  }
  return true
}

/// A new private directory /tmp/<prefix>.XXXXXX.
func makeTemporaryDirectory(prefix: String) -> String? {
  var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
  return template.withUnsafeMutableBufferPointer { buf in
    mkdtemp(buf.baseAddress!).map { String(cString: $0) }
  }
}

/// rm -rf `path` (directories, regular files; symlinks are unlinked, not followed).
func removeTree(_ path: String) {
  var st = stat()
  guard lstat(path, &st) == 0 else { return }
  if (st.st_mode & S_IFMT) == S_IFDIR {
    if let dir = opendir(path) {
      var names: [String] = []
      while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
      }
      closedir(dir)
      for name in names { removeTree(path + "/" + name) }
    }
    rmdir(path)
  } else {
    unlink(path)
  }
}

/// The number after `"key":` in a flat JSON text; nil if absent or null.
func jsonField(_ text: String, _ key: String) -> Double? {
  guard let r = text.firstRange(of: "\"\(key)\":") else { return nil }
  let rest = text[r.upperBound...].drop { $0 == " " }
  let token = rest.prefix { "0123456789+-.eE".contains($0) }
  return Double(token)
}

/// `<dirname of this executable>/<name>`.
func siblingExecutable(_ name: String) -> String? {
  var buf = [CChar](repeating: 0, count: 4096)
  let n = readlink("/proc/self/exe", &buf, buf.count - 1)
  guard n > 0 else { return nil }
  let bytes = buf[0..<n].map { UInt8(bitPattern: $0) }
  let exe = String(decoding: bytes, as: UTF8.self)
  guard let slash = exe.lastIndex(of: "/") else { return nil }
  return String(exe[..<slash]) + "/" + name
}
