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
    /// The legend's second line; "no data" for a data series without
    /// points, "identical to …" for one that repeats an earlier one.
    public var note: String?
    /// Text drawn above each point (e.g. "1/3" seeds), "" for none.
    public var pointLabels: [String]

    public init(name: String, points: [(x: Double, y: Double)],
                band: [(x: Double, low: Double, high: Double)] = [], markers: Bool = false,
                color: String? = nil, dash: String? = nil, inLegend: Bool = true, isGuide: Bool = false,
                note: String? = nil, pointLabels: [String] = []) {
      self.name = name
      self.points = points
      self.band = band
      self.markers = markers
      self.color = color
      self.dash = dash
      self.inLegend = inLegend
      self.isGuide = isGuide
      self.note = note
      self.pointLabels = pointLabels
    }

    /// Whether two series draw the same line (and band).
    func drawsSameAs(_ o: Series) -> Bool {
      guard points.count == o.points.count, band.count == o.band.count, !points.isEmpty else { return false }
      func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
      return zip(points, o.points).allSatisfy { same($0.x, $1.x) && same($0.y, $1.y) }
        && zip(band, o.band).allSatisfy { same($0.x, $1.x) && same($0.low, $1.low) && same($0.high, $1.high) }
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
  /// The legend note of a data series without points.
  public var emptySeriesNote = "no data"

  public init(title: String, subtitle: String? = nil, xLabel: String, yLabel: String, series: [Series]) {
    self.title = title
    self.subtitle = subtitle
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
  }

  public func render() -> SVGDocument {
    // A point whose y is NaN is a gap: the line breaks there.
    let xs = series.flatMap { $0.points.filter { $0.y.isFinite }.map(\.x) + $0.band.map(\.x) } + (xTicksAt ?? [])
    let ys = series.flatMap { s in s.points.map(\.y) + s.band.flatMap { [$0.low, $0.high] } }.filter(\.isFinite)
    let empty = series.allSatisfy { $0.isGuide || !$0.points.contains { $0.y.isFinite } }
    let xTicks = NiceTicks(from: min(xs.min() ?? 0, xIncludesZero ? 0 : .infinity), to: xs.max() ?? 1)
    let yTicks = NiceTicks(from: min(ys.min() ?? 0, yIncludesZero ? 0 : .infinity), to: ys.max() ?? 1)
    // The x axis ends at the data (a learning curve stops at T_max, not at
    // the next round number); the y axis at round numbers.
    let dataHighX = xs.max() ?? 1
    let xAxisTicks = xTicksAt.map { at in at.map { AxisTick($0, NumberText.compact($0, decimals: 3)) } }
      ?? xTicks.values.filter { $0 <= dataHighX + xTicks.step * 1e-9 || xs.isEmpty }.map { AxisTick($0, xTicks.label($0)) }
    var colored = series.enumerated().map { (i, s) -> Series in
      var s = s
      if s.color == nil { s.color = ColorCycle.color(i); s.dash = s.dash ?? ColorCycle.dash(i) }
      return s
    }
    // A line drawn exactly over an earlier one would hide it: it is dashed,
    // so both colours show, and the legend says so; an empty one says so too.
    for i in colored.indices where !colored[i].isGuide {
      var notes: [String] = []
      if !colored[i].points.contains(where: { $0.y.isFinite }) {
        notes.append(emptySeriesNote)
      } else if let twin = colored[..<i].first(where: { !$0.isGuide && $0.drawsSameAs(colored[i]) }) {
        notes.append("identical to " + twin.name)
        colored[i].dash = colored[i].dash ?? "7 5"
      }
      if let n = colored[i].note { notes.append(n) }
      colored[i].note = notes.isEmpty ? nil : notes.joined(separator: "\n")
    }
    let legend = colored.filter(\.inLegend).map { LegendEntry(name: $0.name, color: $0.color!, dash: $0.dash, note: $0.note) }
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
      // Runs of finite points, each its own line: no line across a gap.
      var runs: [[(x: Double, y: Double)]] = [[]]
      for p in s.points {
        if p.y.isFinite { runs[runs.count - 1].append((x: xScale(p.x), y: yScale(p.y))) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
      }
      for pts in runs where !pts.isEmpty {
        doc.polyline(pts, stroke: s.color!, width: 2, dash: s.dash)
        if s.markers || pts.count == 1 {
          for p in pts { doc.circle(cx: p.x, cy: p.y, r: 3.5, fill: s.color!) }
        }
      }
      for (p, label) in zip(s.points, s.pointLabels) where !label.isEmpty && p.y.isFinite {
        doc.text(label, x: xScale(p.x), y: yScale(p.y) - 8, size: 10, anchor: .middle, fill: s.color!)
      }
    }
    if empty { frame.drawNote(emptyNote, into: &doc) }
    frame.drawLegend(into: &doc)
    return doc
  }
}
