// TerminalText.swift — text from outside (a segment's env_id, a name in
// /dev/shm, a layer name) on its way to a terminal: control characters are
// shown escaped, as JSON escapes them, never sent (an escape sequence could
// retitle the window, clear the screen or worse).

enum TerminalText {
  /// `s` with every C0 control, DEL and C1 control written as \u00XX.
  static func escaped(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: isControl) else { return s }
    var out = ""
    for u in s.unicodeScalars {
      if isControl(u) {
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        out.unicodeScalars.append(u)
      }
    }
    return out
  }

  static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (0x7F...0x9F).contains(u.value) }
}
