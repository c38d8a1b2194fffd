// NumberText.swift — numbers as short text without Foundation: SVG
// coordinates (at most two decimals, no trailing zeros) and table cells
// (a fixed number of decimals, optionally with thousands separators).

/// Formatting numbers for SVG attributes, tick labels and tables.
public enum NumberText {
  /// At most `decimals` decimals, trailing zeros and a trailing point
  /// dropped: 12.5, 3, -0.25. Non-finite values print as 0 (an SVG
  /// attribute cannot hold NaN).
  public static func compact(_ v: Double, decimals: Int = 2) -> String {
    guard v.isFinite else { return "0" }
    var s = fixed(v, decimals)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
  }

  /// Exactly `decimals` decimals, rounded half away from zero: 1.50, -0.07.
  public static func fixed(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
    let d = max(0, min(decimals, 12))
    var scale = 1.0
    for _ in 0..<d { scale *= 10 }
    let scaled = (abs(v) * scale).rounded()
    guard scaled < 9e18 else { return "\(v)" }
    let n = UInt64(scaled)
    let unit = UInt64(scale)
    var s = String(n / unit)
    if d > 0 {
      let frac = String(n % unit)
      s += "." + String(repeating: "0", count: d - frac.count) + frac
    }
    return (v < 0 && n != 0 ? "-" : "") + s
  }

  /// An integer with thousands separators: 1,234,567.
  public static func grouped(_ v: Double) -> String {
    guard v.isFinite else { return fixed(v, 0) }
    let digits = Array(String(UInt64(abs(v).rounded())))
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return (v < 0 && v.rounded() != 0 ? "-" : "") + out
  }
}
