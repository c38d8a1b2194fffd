// Format.swift — numbers for the table (no Foundation).

/// `x` rounded to `decimals` places, with thousands separators: 1,234,567.89.
func formatNumber(_ x: Double, decimals: Int) -> String {
  guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "inf" : "-inf") }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let scaled = (abs(x) * scale).rounded()
  guard scaled < 9e18 else { return "\(x)" }
  let units = UInt64(scaled)
  let whole = units / UInt64(scale)
  let fraction = units % UInt64(scale)
  var digits = String(whole)
  var grouped = ""
  while digits.count > 3 {
    grouped = "," + digits.suffix(3) + grouped
    digits.removeLast(3)
  }
  grouped = digits + grouped
  if decimals > 0 {
    let f = String(fraction)
    grouped += "." + String(repeating: "0", count: decimals - f.count) + f
  }
  return (x < 0 && units != 0 ? "-" : "") + grouped
}

/// Decimals that show about three significant digits of `x`.
func autoDecimals(_ x: Double) -> Int {
  let a = abs(x)
  if !a.isFinite || a >= 100 { return 0 }
  if a >= 10 { return 1 }
  if a >= 1 { return 2 }
  return 3
}

func padLeft(_ s: String, _ width: Int) -> String {
  s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

func padRight(_ s: String, _ width: Int) -> String {
  s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}
