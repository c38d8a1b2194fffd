// ProgressLine.swift — the once-a-second status line on stderr: on a
// terminal, one line redrawn in place that starts with a progress bar (share
// of T_max, elapsed, time left); otherwise (logs, CI) a plain line per second
// with the same figures in words.

import HogwildSys

struct ProgressLine {
  let enabled: Bool
  let isTerminal = StandardError.isTerminal
  /// The run's step budget and target (nil: none), for shares and the ETA.
  let tMax: UInt64
  let target: Double?
  /// T and the run's clock when this process started (a resumed run's T and
  /// wall time do not start at 0): the ETA uses this process's own rate.
  let startSteps: UInt64
  let startSeconds: Double
  var lastSteps: UInt64 = 0
  var lastTime: Double = 0
  var printed = false

  init(enabled: Bool, tMax: UInt64 = 0, target: Double? = nil, startSteps: UInt64 = 0, startSeconds: Double = 0) {
    self.enabled = enabled
    self.tMax = tMax
    self.target = target
    self.startSteps = startSteps
    self.startSeconds = startSeconds
    lastSteps = startSteps
    lastTime = startSeconds
  }

  /// - Parameters:
  ///   - mean100: the scored last-100 mean.
  ///   - trainMean100, testEpisodes: given when the run is scored on greedy
  ///     test episodes; then mean100 is theirs, shown as `mean100(test)`.
  mutating func report(seconds: Double, steps: UInt64, updates: UInt64, episodes: UInt64,
                       mean100: Double?, trainMean100: Double? = nil, testEpisodes: UInt64? = nil,
                       staleness: Double, restarts: Int, evaluation: (last: Double, best: Double)? = nil) {
    guard enabled else { return }
    let dt = seconds - lastTime
    let rate = dt > 0 && steps >= lastSteps ? Double(steps - lastSteps) / dt : 0
    lastSteps = steps
    lastTime = seconds
    var rest = "\(Self.grouped(rate)) steps/s"
    rest += "  episodes \(Self.grouped(episodes))"
    let score = mean100.map { Self.fixed($0, 1) + targetShare($0) } ?? "-"
    if let tests = testEpisodes {
      rest += "  tests \(Self.grouped(tests))"
      rest += "  mean100(test) " + score
      rest += "  train100 " + (trainMean100.map { Self.fixed($0, 1) } ?? "-")
    } else {
      rest += "  mean100 " + score
    }
    rest += "  U \(Self.grouped(updates))  staleness \(Self.fixed(staleness, 2))"
    if restarts > 0 { rest += "  restarts \(restarts)" }
    if let e = evaluation { rest += "  eval \(Self.fixed(e.last, 1)) (best \(Self.fixed(e.best, 1)))" }
    let share = tMax > 0 ? min(Double(steps) / Double(tMax), 1) : 0
    let left = eta(seconds: seconds, steps: steps)
    if isTerminal {
      // [=====>      ]  41%  0:12 < 0:17  T 2,050,000  …, cut to the width
      // (a wrapped line could not be redrawn in place).
      let head = Self.bar(share, width: 20) + " " + Self.percent(share) + "  " + Self.clock(seconds)
        + (left.map { " < " + Self.clock($0) } ?? "")
      var line = head + "  T \(Self.grouped(steps))  " + rest
      if let columns = StandardError.terminalColumns, line.count >= columns {
        line = String(line.prefix(max(columns - 1, 0)))
      }
      StandardError.write("\r\u{1B}[K" + line)
    } else {
      var t = "T \(Self.grouped(steps))"
      if tMax > 0 {
        t += " of \(Self.grouped(tMax)) (" + Self.percent(share, padded: false) + (left.map { ", ETA " + Self.duration($0) } ?? "") + ")"
      }
      StandardError.write("[\(Self.fixed(seconds, 1))s] " + t + "  " + rest + "\n")
    }
    printed = true
  }

  /// " of 475 (87%)" for a positive target and a mean on its way to it;
  /// " of -100" otherwise (a share of a negative target means nothing).
  func targetShare(_ mean: Double) -> String {
    guard let target, target.isFinite else { return "" }
    var s = " of " + Self.compact(target)
    if target > 0, mean >= 0, mean.isFinite { s += " (" + Self.percent(min(mean / target, 9.99), padded: false) + ")" }
    return s
  }

  /// Seconds until T_max at this process's average rate so far (nil before
  /// there is one).
  func eta(seconds: Double, steps: UInt64) -> Double? {
    let elapsed = seconds - startSeconds
    guard tMax > 0, steps > startSteps, elapsed > 0.5 else { return nil }
    let remaining = steps >= tMax ? 0 : Double(tMax - steps)
    let eta = remaining * elapsed / Double(steps - startSteps)
    return eta.isFinite ? eta : nil
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

  /// "[=========>          ]" for a share in [0, 1].
  static func bar(_ share: Double, width: Int) -> String {
    let filled = Int((max(0, min(share, 1)) * Double(width)).rounded(.down))
    let full = String(repeating: "=", count: filled)
    let tip = filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : ""
    return "[" + full + tip + "]"
  }

  /// "7%", "41%", "100%"; `padded`: right-aligned in four columns (the bar's).
  static func percent(_ share: Double, padded: Bool = true) -> String {
    let p = share.isFinite ? Int((share * 100).rounded(.down)) : 0
    let s = "\(p)%"
    return padded ? String(repeating: " ", count: max(0, 4 - s.count)) + s : s
  }

  /// "0:07", "12:34", "1:02:03".
  static func clock(_ seconds: Double) -> String {
    let total = seconds.isFinite ? Int(max(0, seconds.rounded())) : 0
    let h = total / 3600, m = total / 60 % 60, s = total % 60
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
  }

  /// "12s", "3m 05s", "2h 07m".
  static func duration(_ seconds: Double) -> String {
    let total = seconds.isFinite ? Int(max(0, seconds.rounded())) : 0
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    if total < 60 { return "\(total)s" }
    if total < 3600 { return "\(total / 60)m \(two(total % 60))s" }
    return "\(total / 3600)h \(two(total / 60 % 60))m"
  }

  /// A target as written: 475, -100, 0.5.
  static func compact(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
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
