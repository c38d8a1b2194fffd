// NiceTicks.swift — axis ticks at round numbers (1, 2 or 5 times a power of
// ten) covering a data range, and their labels (k / M suffixes for large
// values, as many decimals as the step needs).

import Glibc

/// Round tick positions covering `[lower, upper]`.
public struct NiceTicks: Equatable, Sendable {
  /// The tick values, ascending, from `lower` to `upper` in steps of `step`.
  public let values: [Double]
  public let step: Double
  public var lower: Double { values.first ?? 0 }
  public var upper: Double { values.last ?? 1 }

  /// Ticks for data from `low` to `high`, at most about `maxCount` of them.
  /// An empty or degenerate range is widened (a single value v gives ticks
  /// around v; non-finite bounds give 0…1).
  public init(from low: Double, to high: Double, maxCount: Int = 6) {
    var lo = Swift.min(low, high), hi = Swift.max(low, high)
    if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
    if hi - lo < 1e-12 * Swift.max(1, abs(lo)) {
      let pad = lo == 0 ? 1 : abs(lo) * 0.1
      lo -= pad; hi += pad
    }
    let range = Self.nice(hi - lo, round: false)
    let step = Self.nice(range / Double(Swift.max(1, maxCount - 1)), round: true)
    let first = (lo / step).rounded(.down) * step
    let last = (hi / step).rounded(.up) * step
    var values: [Double] = []
    var i = 0.0
    // Rounded to the step's decimals, so 3 × 0.2 is 0.6, not 0.6000000000000001.
    let unit = pow(10, Swift.max(0, -(log10(step)).rounded(.down)))
    while true {
      var v = ((first + i * step) * unit).rounded() / unit
      if abs(v) < step * 1e-9 { v = 0 }
      values.append(v)
      if v >= last - step * 1e-9 || values.count > 1000 { break }
      i += 1
    }
    self.values = values
    self.step = step
  }

  /// A "nice" number near x: 1, 2, 5 or 10 times a power of ten (Heckbert's
  /// Graphics Gems rule; `round` picks the nearest, else the next above).
  static func nice(_ x: Double, round: Bool) -> Double {
    guard x > 0, x.isFinite else { return 1 }
    let exponent = (log10(x)).rounded(.down)
    let power = pow(10, exponent)
    let f = x / power
    let nf: Double
    if round {
      nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
    } else {
      nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
    }
    return nf * power
  }

  /// The label of tick `v`: "0", "2.5", "100k", "1.5M"; the suffix is the
  /// same for every tick of the axis, and no label has more decimals than
  /// the step needs.
  public func label(_ v: Double) -> String {
    let magnitude = Swift.max(abs(lower), abs(upper))
    let (scale, suffix) = magnitude >= 1e6 ? (1e6, "M") : magnitude >= 1e4 ? (1e3, "k") : (1.0, "")
    let scaledStep = step / scale
    let decimals = scaledStep >= 1 ? 0 : Int((-log10(scaledStep) - 1e-9).rounded(.up))
    return NumberText.compact(v / scale, decimals: decimals) + (v == 0 ? "" : suffix)
  }
}
