// BarChart.swift — grouped bars over categories (one bar per series in each
// category), with optional min–max whiskers and an optional log y axis;
// `Histogram` names log2 buckets.

import Glibc

/// A grouped bar chart.
public struct BarChart: Sendable {
  /// One bar per category (nil: no bar), with an optional whisker range.
  public struct Series: Sendable {
    public var name: String
    public var values: [Double?]
    public var ranges: [(low: Double, high: Double)?]

    public init(name: String, values: [Double?], ranges: [(low: Double, high: Double)?] = []) {
      self.name = name
      self.values = values
      self.ranges = ranges
    }
  }

  public var title: String
  public var subtitle: String?
  public var xLabel: String
  public var yLabel: String
  public var categories: [String]
  public var series: [Series]
  public var width = 820.0
  public var height = 400.0
  public var emptyNote = "no data"
  /// A log10 y axis (positive values only; zeros draw no bar), for heavy
  /// tails such as staleness histograms.
  public var logScale = false

  public init(title: String, subtitle: String? = nil, xLabel: String, yLabel: String, categories: [String],
              series: [Series]) {
    self.title = title
    self.subtitle = subtitle
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.categories = categories
    self.series = series
  }

  public func render() -> SVGDocument {
    let values = series.flatMap { s in s.values.compactMap { $0 } + s.ranges.compactMap { $0?.high } }
    let (yTicks, yScaleOf) = yAxis(values)
    let legend = series.count > 1 || !(series.first?.name.isEmpty ?? true)
      ? series.enumerated().map { LegendEntry(name: $0.element.name, color: ColorCycle.color($0.offset), box: true) }
      : []
    let ticks = categories.enumerated().map { AxisTick(Double($0.offset) + 0.5, $0.element) }
    let frame = ChartFrame(width: width, height: height, title: title, subtitle: subtitle, legend: legend,
                           yTickLabels: yTicks.map(\.label), xTickLabels: categories,
                           xSlots: categories.count)
    let xScale = LinearScale(domain: (0, Double(max(1, categories.count))), range: (frame.left, frame.right))
    let yScale = yScaleOf(frame.bottom, frame.top)
    var doc = SVGDocument(width: width, height: height)
    frame.drawAxes(into: &doc, xTicks: ticks, xScale: xScale, yTicks: yTicks, yScale: yScale,
                   xLabel: xLabel, yLabel: yLabel)
    let slot = frame.plotWidth / Double(max(1, categories.count))
    let barWidth = slot * 0.8 / Double(max(1, series.count))
    for (si, s) in series.enumerated() {
      let color = ColorCycle.color(si)
      for ci in categories.indices {
        let x = frame.left + Double(ci) * slot + slot * 0.1 + Double(si) * barWidth
        if ci < s.values.count, let v = s.values[ci], !logScale || v > 0 {
          doc.rect(x: x, y: yScale(v), width: barWidth * 0.92, height: frame.bottom - yScale(v), fill: color)
        }
        if ci < s.ranges.count, let r = s.ranges[ci] {
          let mid = x + barWidth * 0.46
          doc.line(x1: mid, y1: yScale(r.low), x2: mid, y2: yScale(r.high), stroke: "#333")
          for y in [r.low, r.high] where !logScale || y > 0 {
            doc.line(x1: mid - 3, y1: yScale(y), x2: mid + 3, y2: yScale(y), stroke: "#333")
          }
        }
      }
    }
    if values.isEmpty { frame.drawNote(emptyNote, into: &doc) }
    frame.drawLegend(into: &doc)
    return doc
  }

  /// The y ticks and, given the plot area's bottom and top, the value → pixel map.
  func yAxis(_ values: [Double]) -> ([AxisTick], (Double, Double) -> (Double) -> Double) {
    guard logScale else {
      let t = NiceTicks(from: 0, to: max(values.max() ?? 1, 1e-9), maxCount: 6)
      return (t.axisTicks, { bottom, top in LinearScale(domain: (t.lower, t.upper), range: (bottom, top)).callAsFunction })
    }
    let positive = values.filter { $0 > 0 && $0.isFinite }
    let high = (log10(positive.max() ?? 1)).rounded(.up)
    let low = min(high - 1, (log10(positive.min() ?? 1)).rounded(.down))
    let every = high - low > 8 ? 2.0 : 1.0
    let ticks = stride(from: low, through: high, by: every).map { e in
      AxisTick(pow(10, e), NumberText.compact(pow(10, e), decimals: Int(max(0, -e))))
    }
    return (ticks, { bottom, top in
      let s = LinearScale(domain: (low, high), range: (bottom, top))
      // Bars start at the bottom of the axis, which stands for `10^low`.
      return { v in v > 0 ? s(max(low, log10(v))) : bottom }
    })
  }
}

/// Log2 histogram buckets as the runtime keeps them (see `WorkerSlot.bucket(of:)`):
/// bucket 0 holds 0, bucket b ≥ 1 holds 2^(b−1) … 2^b − 1.
public enum Histogram {
  /// "0", "1", "2–3", "4–7", …
  public static func log2BucketLabel(_ b: Int) -> String {
    if b == 0 { return "0" }
    if b == 1 { return "1" }
    // Past 4 digits the powers of two read better than the numbers.
    if b > 13 { return "2^\(b - 1)+" }
    let lo = UInt64(1) << (b - 1), hi = (UInt64(1) << b) - 1
    return "\(lo)–\(hi)"
  }
}
