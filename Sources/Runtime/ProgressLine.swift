// ProgressLine.swift — the once-a-second status line on stderr: one line
// rewritten in place on a terminal, plain lines otherwise (logs, CI).

import HogwildSys

struct ProgressLine {
  let enabled: Bool
  let isTerminal = StandardError.isTerminal
  var lastSteps: UInt64 = 0
  var lastTime: Double = 0
  var printed = false

  init(enabled: Bool) { self.enabled = enabled }

  /// - Parameters:
  ///   - mean100: the scored last-100 mean.
  ///   - trainMean100, testEpisodes: given when the run is scored on greedy
  ///     test episodes; then mean100 is theirs, shown as `mean100(test)`.
  mutating func report(seconds: Double, steps: UInt64, updates: UInt64, episodes: UInt64,
                       mean100: Double?, trainMean100: Double? = nil, testEpisodes: UInt64? = nil,
                       staleness: Double, restarts: Int) {
    guard enabled else { return }
    let dt = seconds - lastTime
    let rate = dt > 0 && steps >= lastSteps ? Double(steps - lastSteps) / dt : 0
    lastSteps = steps
    lastTime = seconds
    var line = "[\(Self.fixed(seconds, 1))s] T \(Self.grouped(steps))  \(Self.grouped(rate)) steps/s"
    line += "  episodes \(Self.grouped(episodes))"
    if let tests = testEpisodes {
      line += "  tests \(Self.grouped(tests))"
      line += "  mean100(test) " + (mean100.map { Self.fixed($0, 1) } ?? "-")
      line += "  train100 " + (trainMean100.map { Self.fixed($0, 1) } ?? "-")
    } else {
      line += "  mean100 " + (mean100.map { Self.fixed($0, 1) } ?? "-")
    }
    line += "  U \(Self.grouped(updates))  staleness \(Self.fixed(staleness, 2))"
    if restarts > 0 { line += "  restarts \(restarts)" }
    if isTerminal {
      StandardError.write("\r\u{1B}[K" + line)
    } else {
      StandardError.write(line + "\n")
    }
    printed = true
  }

  /// Ends an in-place line so later output starts on a fresh line.
  mutating func finish() {
    if enabled, isTerminal, printed { StandardError.write("\n") }
    printed = false
  }

  /// A rate rounded to a whole number, grouped; huge or non-finite as is.
  static func grouped(_ v: Double) -> String {
    guard v.isFinite, v >= 0, v < 1e15 else { return "\(v)" }
    return grouped(UInt64(v.rounded()))
  }

  static func grouped(_ n: UInt64) -> String {
    let s = String(n)
    var out = ""
    for (i, c) in s.enumerated() {
      if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return out
  }

  /// `v` with `digits` decimals; any Double, finite or not (a mean of
  /// returns comes from an environment: 1e300 is possible). Beyond 1e15 it
  /// is Swift's shortest form (1e+300).
  static func fixed(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite, abs(v) < 1e15 else { return "\(v)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (abs(v) * scale).rounded()
    let whole = UInt64(r / scale)
    let frac = UInt64(r) - whole * UInt64(scale)
    var fracText = String(frac)
    while fracText.count < digits { fracText = "0" + fracText }
    return (v < 0 && r > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fracText : "")
  }
}
