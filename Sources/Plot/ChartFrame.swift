// ChartFrame.swift — what every chart has around its data: the title, the
// plot area, axes with ticks and grid lines, axis labels and a legend to the
// right of the plot area (outside it, so it can never hide data).

/// One legend line: a coloured line sample or a filled box, and its name.
public struct LegendEntry: Sendable {
  public var name: String
  public var color: String
  public var dash: String?
  public var box: Bool
  /// Smaller lines under the name (e.g. "identical to …", "2 of 3 seeds reached 475"),
  /// separated by newlines.
  public var note: String?

  public init(name: String, color: String, dash: String? = nil, box: Bool = false, note: String? = nil) {
    self.name = name
    self.color = color
    self.dash = dash
    self.box = box
    self.note = note
  }
}

/// A tick on the x axis: its data position and label.
public struct AxisTick: Sendable {
  public var position: Double
  public var label: String
  public init(_ position: Double, _ label: String) {
    self.position = position
    self.label = label
  }
}

extension NiceTicks {
  /// The ticks as axis ticks with their labels.
  var axisTicks: [AxisTick] { values.map { AxisTick($0, label($0)) } }
}

/// The layout and furniture of one chart.
struct ChartFrame {
  static let fontSize = 12.0
  /// Width of one character of 12 px sans-serif text, roughly (for layout only).
  static let charWidth = 6.8
  static let maxLegendChars = 42

  let width: Double
  let height: Double
  let title: String
  let subtitle: String?
  let legend: [LegendEntry]
  let left: Double
  let right: Double
  let top: Double
  let bottom: Double
  /// Whether x labels are rotated (they would overlap side by side).
  let rotateXLabels: Bool

  init(width: Double, height: Double, title: String, subtitle: String?, legend: [LegendEntry],
       yTickLabels: [String], xTickLabels: [String], xSlots: Int) {
    self.width = width
    self.height = height
    self.title = title
    self.subtitle = subtitle
    self.legend = legend
    let yLabelChars = Double(yTickLabels.map(\.count).max() ?? 1)
    left = 44 + yLabelChars * Self.charWidth
    let noteChars = { (e: LegendEntry) in (e.note ?? "").split(separator: "\n").map(\.count).max() ?? 0 }
    let legendChars = Double(min(Self.maxLegendChars, legend.map { max($0.name.count, Int(Double(noteChars($0)) * 0.85)) }.max() ?? 0))
    let legendWidth = legend.isEmpty ? 0 : 40 + legendChars * Self.charWidth
    right = width - 20 - legendWidth
    top = subtitle == nil ? 46 : 62
    let slot = (right - left) / Double(max(1, xSlots))
    let widest = Double(xTickLabels.map(\.count).max() ?? 0) * Self.charWidth
    rotateXLabels = widest > slot * 0.9
    bottom = height - (rotateXLabels ? 44 + min(80, widest * 0.6) : 52)
  }

  var plotWidth: Double { right - left }
  var plotHeight: Double { bottom - top }

  /// Title, grid, axes, ticks and axis labels.
  func drawAxes(into doc: inout SVGDocument, xTicks: [AxisTick], xScale: LinearScale, yTicks: [AxisTick],
                yScale: (Double) -> Double, xLabel: String, yLabel: String) {
    doc.text(title, x: left + plotWidth / 2, y: 24, size: 15, anchor: .middle, bold: true)
    if let subtitle { doc.text(subtitle, x: left + plotWidth / 2, y: 42, size: 11, anchor: .middle, fill: "#555") }
    doc.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "#fafafa", stroke: "#ccc")
    for t in yTicks {
      let y = yScale(t.position)
      doc.line(x1: left, y1: y, x2: right, y2: y, stroke: "#e3e3e3")
      doc.line(x1: left - 4, y1: y, x2: left, y2: y, stroke: "#444")
      doc.text(t.label, x: left - 7, y: y + 4, size: Self.fontSize, anchor: .end)
    }
    for t in xTicks {
      let x = xScale(t.position)
      doc.line(x1: x, y1: bottom, x2: x, y2: bottom + 4, stroke: "#444")
      if rotateXLabels {
        doc.text(t.label, x: x, y: bottom + 14, size: Self.fontSize, anchor: .end, rotate: -35)
      } else {
        doc.text(t.label, x: x, y: bottom + 18, size: Self.fontSize, anchor: .middle)
      }
    }
    doc.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#444")
    doc.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#444")
    doc.text(xLabel, x: left + plotWidth / 2, y: height - 12, size: 13, anchor: .middle)
    let yMid = top + plotHeight / 2
    doc.text(yLabel, x: 16, y: yMid, size: 13, anchor: .middle, rotate: -90)
  }

  /// The legend, top-aligned to the right of the plot area.
  func drawLegend(into doc: inout SVGDocument) {
    guard !legend.isEmpty else { return }
    let x = right + 16
    var y = top + 10
    for e in legend {
      let notes = (e.note ?? "").split(separator: "\n").map(String.init)
      defer { y += 20 + 14 * Double(notes.count) }
      if e.box {
        doc.rect(x: x, y: y - 6, width: 18, height: 12, fill: e.color)
      } else {
        doc.line(x1: x, y1: y, x2: x + 18, y2: y, stroke: e.color, width: 3, dash: e.dash)
      }
      var name = e.name
      if name.count > Self.maxLegendChars { name = String(name.prefix(Self.maxLegendChars - 1)) + "…" }
      doc.text(name, x: x + 24, y: y + 4, size: Self.fontSize)
      for (i, line) in notes.enumerated() {
        var note = line
        let limit = Int(Double(Self.maxLegendChars) / 0.85)
        if note.count > limit { note = String(note.prefix(limit - 1)) + "…" }
        doc.text(note, x: x + 24, y: y + 17 + 14 * Double(i), size: 10, fill: "#666")
      }
    }
  }

  /// A centred message over the plot area (e.g. "no run reached 475").
  func drawNote(_ note: String, into doc: inout SVGDocument) {
    doc.text(note, x: left + plotWidth / 2, y: top + plotHeight / 2, size: 13, anchor: .middle, fill: "#777")
  }
}
