// Files.swift — the little file handling the bench needs on top of HogwildSys.

import HogwildSys

/// The whole file as text, or nil if it cannot be read.
func readFile(_ path: String) -> String? {
  (try? readWholeFile(path)).map { String(decoding: $0, as: UTF8.self) }
}

/// Writes `text` to `path` (replacing it). Returns false on failure.
func writeFile(_ path: String, _ text: String) -> Bool {
  (try? writeWholeFile(path, Array(text.utf8))) != nil
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
  guard let exe = CurrentProcess.executablePath, let slash = exe.lastIndex(of: "/") else { return nil }
  return String(exe[..<slash]) + "/" + name
}
