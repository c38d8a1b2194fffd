// StalenessSummary.swift — combines the workers' log2 staleness histograms
// into the figures summary.json and `dump` report.

import Formats
import HogwildSegment

/// Mean, median, 99th percentile and maximum staleness.
public struct StalenessSummary: Equatable, Sendable {
  public var count: UInt64
  public var mean: Double
  public var p50: Double
  public var p99: Double
  public var max: UInt64
  /// The log2 histogram itself (bucket 0: staleness 0; bucket b ≥ 1:
  /// 2^(b−1) … 2^b − 1), so `sweep` and `plot` can draw it.
  public var histogram: [UInt64]

  /// - Parameters:
  ///   - histogram: log2 buckets (see `WorkerSlot.bucket(of:)`), summed over workers.
  ///   - sum: exact sum of all staleness values; `max`: exact maximum.
  public init(histogram: [UInt64], sum: UInt64, max: UInt64) {
    self.histogram = histogram
    // Saturating: the buckets come from a segment, whose numbers may be anything.
    count = histogram.reduce(0) { total, n in
      let (sum, overflow) = total.addingReportingOverflow(n)
      return overflow ? .max : sum
    }
    mean = count > 0 ? Double(sum) / Double(count) : 0
    self.max = max
    // Every value equal to the maximum (as with --stale-updates K): exact.
    let (total, overflow) = max.multipliedReportingOverflow(by: count)
    let allMax = count > 0 && !overflow && total == sum
    p50 = allMax ? Double(max) : Self.quantile(0.50, histogram, count: count, max: max)
    p99 = allMax ? Double(max) : Self.quantile(0.99, histogram, count: count, max: max)
  }

  /// The q-quantile, interpolated linearly inside its bucket and capped at
  /// the exact maximum. Exact for staleness 0 and 1; approximate above.
  static func quantile(_ q: Double, _ h: [UInt64], count: UInt64, max: UInt64) -> Double {
    guard count > 0 else { return 0 }
    let rank = q * Double(count)
    var seen = 0.0
    for (b, n) in h.enumerated() where n > 0 {
      let next = seen + Double(n)
      if rank <= next {
        if b == 0 { return 0 }
        let lo = Double(UInt64(1) << (b - 1))
        let hi = b == h.count - 1 ? Double(max) : Double((UInt64(1) << b) - 1)
        let frac = (rank - seen) / Double(n)
        return Swift.min(Double(max), lo + frac * (Swift.max(hi, lo) - lo))
      }
      seen = next
    }
    return Double(max)
  }

  /// Aggregates the slots of a segment.
  public init(slots: [WorkerSlot]) {
    var hist = [UInt64](repeating: 0, count: WorkerSlot.stalenessBuckets)
    var sum: UInt64 = 0, mx: UInt64 = 0
    for s in slots {
      for (i, v) in s.stalenessHistogram.enumerated() { hist[i] &+= v }
      sum &+= s.stalenessSum
      mx = Swift.max(mx, s.stalenessMax)
    }
    self.init(histogram: hist, sum: sum, max: mx)
  }

  public var json: JSON {
    .object([("mean", .double(mean)), ("p50", .double(p50)), ("p99", .double(p99)),
             ("max", .uint(max)), ("count", .uint(count)),
             ("histogram", .array(histogram.map(JSON.uint)))])
  }
}
