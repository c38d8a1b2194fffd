// SVGDocument.swift — a minimal SVG writer: shapes and text appended in
// order, attribute values escaped, coordinates printed compactly. Charts
// draw into one; panels are placed into another with `place`.

/// Horizontal text alignment.
public enum TextAnchor: String, Sendable {
  case start, middle, end
}

/// An SVG image being drawn; `text` is the finished document.
public struct SVGDocument: Sendable {
  public var width: Double
  public var height: Double
  /// The drawn elements, one per line, in painting order.
  public private(set) var elements: [String] = []

  public init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// Escapes text for element content and attribute values.
  public static func escape(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      // XML 1.0 forbids most control characters even as references.
      case let c where c.value < 0x20 && c != "\n" && c != "\t": out += " "
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

  static func n(_ v: Double) -> String { NumberText.compact(v) }

  /// Appends `<name attributes…/>` (or with content), values escaped.
  public mutating func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) {
    var s = "<" + name
    for (k, v) in attributes { s += " \(k)=\"\(Self.escape(v))\"" }
    if let content { s += ">" + Self.escape(content) + "</\(name)>" } else { s += "/>" }
    elements.append(s)
  }

  public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                            stroke: String? = nil, opacity: Double? = nil) {
    var a = [("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(0, width))),
             ("height", Self.n(max(0, height))), ("fill", fill)]
    if let stroke { a.append(("stroke", stroke)) }
    if let opacity { a.append(("fill-opacity", Self.n(opacity))) }
    element("rect", a)
  }

  public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                            width: Double = 1, dash: String? = nil) {
    var a = [("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2)),
             ("stroke", stroke), ("stroke-width", Self.n(width))]
    if let dash { a.append(("stroke-dasharray", dash)) }
    element("line", a)
  }

  /// An open line through `points` (nothing for fewer than two).
  public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2,
                                dash: String? = nil) {
    guard points.count >= 2 else { return }
    var a = [("points", Self.pointList(points)), ("fill", "none"), ("stroke", stroke),
             ("stroke-width", Self.n(width)), ("stroke-linejoin", "round")]
    if let dash { a.append(("stroke-dasharray", dash)) }
    element("polyline", a)
  }

  /// A filled closed shape (a band between two lines).
  public mutating func polygon(_ points: [(x: Double, y: Double)], fill: String, opacity: Double) {
    guard points.count >= 3 else { return }
    element("polygon", [("points", Self.pointList(points)), ("fill", fill), ("fill-opacity", Self.n(opacity)),
                        ("stroke", "none")])
  }

  public mutating func circle(cx: Double, cy: Double, r: Double, fill: String) {
    element("circle", [("cx", Self.n(cx)), ("cy", Self.n(cy)), ("r", Self.n(r)), ("fill", fill)])
  }

  /// Text at (x, y) (the baseline), optionally rotated about that point.
  public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: TextAnchor = .start,
                            bold: Bool = false, fill: String = "#222", rotate: Double? = nil) {
    var a = [("x", Self.n(x)), ("y", Self.n(y)), ("font-size", Self.n(size)), ("text-anchor", anchor.rawValue),
             ("fill", fill)]
    if bold { a.append(("font-weight", "bold")) }
    if let rotate { a.append(("transform", "rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))")) }
    element("text", a, content: s)
  }

  /// Draws `other` with its origin at (dx, dy).
  public mutating func place(_ other: SVGDocument, dx: Double, dy: Double) {
    elements.append("<g transform=\"translate(\(Self.n(dx)) \(Self.n(dy)))\">")
    elements += other.elements
    elements.append("</g>")
  }

  /// `panels` in a grid of `columns` columns (row height: the tallest panel of the row).
  public static func grid(_ panels: [SVGDocument], columns: Int) -> SVGDocument {
    guard panels.count > 1 else { return panels.first ?? SVGDocument(width: 1, height: 1) }
    let cols = max(1, min(columns, panels.count))
    let colWidth = panels.map(\.width).max() ?? 0
    var rows: [[SVGDocument]] = []
    for (i, p) in panels.enumerated() {
      if i % cols == 0 { rows.append([]) }
      rows[rows.count - 1].append(p)
    }
    let heights = rows.map { $0.map(\.height).max() ?? 0 }
    var doc = SVGDocument(width: colWidth * Double(cols), height: heights.reduce(0, +))
    var y = 0.0
    for (r, row) in rows.enumerated() {
      for (c, p) in row.enumerated() { doc.place(p, dx: Double(c) * colWidth, dy: y) }
      y += heights[r]
    }
    return doc
  }

  static func pointList(_ points: [(x: Double, y: Double)]) -> String {
    points.map { n($0.x) + "," + n($0.y) }.joined(separator: " ")
  }

  /// The whole document: XML declaration, white background, elements.
  public var text: String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\""
    out += " viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
    out += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    for e in elements { out += e + "\n" }
    return out + "</svg>\n"
  }
}
