// LinePlot.swift — lines against a numeric x axis, each optionally with a
// shaded band (a min–max range across seeds) and point markers.

/// A line chart: series of (x, y) points with optional bands.
public struct LinePlot: Sendable {
  /// One line, its band and its legend entry.
  public struct Series: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// The shaded range, drawn under the line.
    public var band: [(x: Double, low: Double, high: Double)]
    public var markers: Bool
    /// nil: the next colour of `ColorCycle`.
    public var color: String?
    public var dash: String?
    /// Whether the series appears in the legend.
    public var inLegend: Bool
    /// A guide (e.g. ideal speedup) rather than data: with only guides the
    /// chart shows `emptyNote`.
    public var isGuide: Bool

    public init(name: String, points: [(x: Double, y: Double)],
                band: [(x: Double, low: Double, high: Double)] = [], markers: Bool = false,
                color: String? = nil, dash: String? = nil, inLegend: Bool = true, isGuide: Bool = false) {
      self.name = name
      self.points = points
      self.band = band
      self.markers = markers
      self.color = color
      self.dash = dash
      self.inLegend = inLegend
      self.isGuide = isGuide
    }
  }

  public var title: String
  public var subtitle: String?
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public var width = 820.0
  public var height = 440.0
  /// Ticks at these x values (labelled with their round form) instead of
  /// automatic ones, e.g. at 1, 2, 4, 8 and 16 workers.
  public var xTicksAt: [Double]?
  /// Whether the y axis starts at (or includes) 0.
  public var yIncludesZero = false
  public var xIncludesZero = false
  /// Shown in the plot area when no series has a point.
  public var emptyNote = "no data"

  public init(title: String, subtitle: String? = nil, xLabel: String, yLabel: String, series: [Series]) {
    self.title = title
    self.subtitle = subtitle
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
  }

  public func render() -> SVGDocument {
    let xs = series.flatMap { $0.points.map(\.x) + $0.band.map(\.x) } + (xTicksAt ?? [])
    let ys = series.flatMap { s in s.points.map(\.y) + s.band.flatMap { [$0.low, $0.high] } }
    let empty = series.allSatisfy { $0.isGuide || $0.points.isEmpty }
    let xTicks = NiceTicks(from: min(xs.min() ?? 0, xIncludesZero ? 0 : .infinity), to: xs.max() ?? 1)
    let yTicks = NiceTicks(from: min(ys.min() ?? 0, yIncludesZero ? 0 : .infinity), to: ys.max() ?? 1)
    // The x axis ends at the data (a learning curve stops at T_max, not at
    // the next round number); the y axis at round numbers.
    let dataHighX = xs.max() ?? 1
    let xAxisTicks = xTicksAt.map { at in at.map { AxisTick($0, NumberText.compact($0, decimals: 3)) } }
      ?? xTicks.values.filter { $0 <= dataHighX + xTicks.step * 1e-9 || xs.isEmpty }.map { AxisTick($0, xTicks.label($0)) }
    let colored = series.enumerated().map { (i, s) -> Series in
      var s = s
      if s.color == nil { s.color = ColorCycle.color(i); s.dash = s.dash ?? ColorCycle.dash(i) }
      return s
    }
    let legend = colored.filter(\.inLegend).map { LegendEntry(name: $0.name, color: $0.color!, dash: $0.dash) }
    let frame = ChartFrame(width: width, height: height, title: title, subtitle: subtitle, legend: legend,
                           yTickLabels: yTicks.values.map(yTicks.label), xTickLabels: xAxisTicks.map(\.label),
                           xSlots: xAxisTicks.count)
    let lowX = xTicksAt == nil ? xTicks.lower : (xs.min() ?? 0)
    let highX = xs.isEmpty || dataHighX <= lowX ? xTicks.upper : dataHighX
    // Explicit ticks sit inside a small margin so end markers are not cut in half.
    let pad = xTicksAt == nil ? 0 : (highX - lowX) * 0.04
    let xScale = LinearScale(domain: (lowX - pad, highX + pad), range: (frame.left, frame.right))
    // A few pixels of headroom, so a line at the top tick (a return of 500)
    // is not drawn on the frame.
    let yScale = LinearScale(domain: (yTicks.lower, yTicks.upper), range: (frame.bottom, frame.top + 6))
    var doc = SVGDocument(width: width, height: height)
    frame.drawAxes(into: &doc, xTicks: xAxisTicks, xScale: xScale, yTicks: yTicks.axisTicks, yScale: yScale.callAsFunction,
                   xLabel: xLabel, yLabel: yLabel)
    for s in colored where s.band.count >= 2 {
      let upper = s.band.map { (x: xScale($0.x), y: yScale($0.high)) }
      let lower = s.band.reversed().map { (x: xScale($0.x), y: yScale($0.low)) }
      doc.polygon(upper + lower, fill: s.color!, opacity: 0.18)
    }
    for s in colored {
      let pts = s.points.map { (x: xScale($0.x), y: yScale($0.y)) }
      doc.polyline(pts, stroke: s.color!, width: 2, dash: s.dash)
      if s.markers || pts.count == 1 {
        for p in pts { doc.circle(cx: p.x, cy: p.y, r: 3.5, fill: s.color!) }
      }
    }
    if empty { frame.drawNote(emptyNote, into: &doc) }
    frame.drawLegend(into: &doc)
    return doc
  }
}
