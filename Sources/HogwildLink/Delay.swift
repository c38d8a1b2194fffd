// Delay.swift — the wall-clock delay a worker waits between reading θ and
// writing its gradient (`--delay`), to make stragglers and stale gradients.

import BuiltInEnvs
import Glibc

/// A distribution of delays, in nanoseconds.
public enum Delay: Equatable, Sendable, CustomStringConvertible {
  case none
  case fixed(UInt64)
  /// Uniform in [low, high].
  case uniform(UInt64, UInt64)
  /// Exponential with the given mean.
  case exponential(UInt64)

  /// Parses `0`, `250us`, `2ms`, `1s`, `uniform:0-5ms`, `uniform:1ms-3ms`,
  /// `exp:2ms`. Returns nil for anything else (negative values included).
  public static func parse(_ text: String) -> Delay? {
    let t = text.trimmingWhitespace
    if t.hasPrefix("uniform:") {
      let body = t.dropFirst("uniform:".count)
      let parts = body.split(separator: "-", omittingEmptySubsequences: false)
      guard parts.count == 2 else { return nil }
      // A unit on the upper bound only ("0-5ms") applies to both bounds.
      let unit = String(parts[1].drop(while: { $0.isNumber || $0 == "." }))
      let lowText = parts[0].contains(where: \.isLetter) ? String(parts[0]) : String(parts[0]) + unit
      guard let lo = parseDuration(lowText), let hi = parseDuration(String(parts[1])), lo <= hi else { return nil }
      return hi == 0 ? Delay.none : .uniform(lo, hi)
    }
    if t.hasPrefix("exp:") {
      guard let mean = parseDuration(String(t.dropFirst(4))) else { return nil }
      return mean == 0 ? Delay.none : .exponential(mean)
    }
    guard let ns = parseDuration(t) else { return nil }
    return ns == 0 ? Delay.none : .fixed(ns)
  }

  /// Parses one non-negative duration: a number followed by ns, us, ms or s
  /// (a bare number must be 0).
  public static func parseDuration(_ text: String) -> UInt64? {
    let t = text.trimmingWhitespace
    let digits = t.prefix(while: { $0.isNumber || $0 == "." })
    let unit = t.dropFirst(digits.count)
    guard !digits.isEmpty, let value = Double(digits), value.isFinite, value >= 0 else { return nil }
    let scale: Double
    switch unit {
    case "ns": scale = 1
    case "us", "µs": scale = 1e3
    case "ms": scale = 1e6
    case "s": scale = 1e9
    case "": guard value == 0 else { return nil }; scale = 1
    default: return nil
    }
    let ns = value * scale
    guard ns <= 3.6e12 else { return nil }  // at most an hour
    return UInt64(ns.rounded())
  }

  /// Draws one delay.
  @inlinable public func sample(_ rng: inout Xoshiro256) -> UInt64 {
    switch self {
    case .none: return 0
    case .fixed(let ns): return ns
    case .uniform(let lo, let hi): return lo + UInt64(Double(hi - lo) * rng.nextUnitDouble())
    case .exponential(let mean):
      let u = 1 - rng.nextUnitDouble()  // (0, 1]
      return UInt64(-Double(mean) * Glibc.log(u))
    }
  }

  public var description: String {
    switch self {
    case .none: "0"
    case .fixed(let ns): Delay.format(ns)
    case .uniform(let lo, let hi): "uniform:\(Delay.format(lo))-\(Delay.format(hi))"
    case .exponential(let m): "exp:\(Delay.format(m))"
    }
  }

  /// Mean delay in nanoseconds.
  public var meanNanoseconds: Double {
    switch self {
    case .none: 0
    case .fixed(let ns): Double(ns)
    case .uniform(let lo, let hi): (Double(lo) + Double(hi)) / 2
    case .exponential(let m): Double(m)
    }
  }

  /// A duration in the flag syntax: 30s, 250ms, 100us, 7ns.
  public static func format(_ ns: UInt64) -> String {
    if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
    if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
    if ns % 1000 == 0 { return "\(ns / 1000)us" }
    return "\(ns)ns"
  }
}

extension String {
  var trimmingWhitespace: String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
