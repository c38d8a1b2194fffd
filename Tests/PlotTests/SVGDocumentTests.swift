// SVGDocumentTests.swift — the writer's output is well-formed XML with the
// expected structure, whatever text the labels hold.

import Foundation
import Plot
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Counts elements while checking that `text` parses as XML.
final class ElementCounter: NSObject, XMLParserDelegate {
  var counts: [String: Int] = [:]
  var texts: [String] = []
  private var current = ""

  func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
              qualifiedName: String?, attributes: [String: String] = [:]) {
    counts[name, default: 0] += 1
    current = ""
  }
  func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == "text" { texts.append(current) }
  }

  static func parse(_ text: String) -> ElementCounter? {
    let c = ElementCounter()
    let p = XMLParser(data: Data(text.utf8))
    p.delegate = c
    return p.parse() ? c : nil
  }
}

@Suite struct SVGDocumentTests {
  @Test func escapesMarkupInText() {
    #expect(SVGDocument.escape("a<b & \"c\" > 'd'") == "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;")
    var doc = SVGDocument(width: 10, height: 10)
    doc.text("<script>&", x: 1, y: 2)
    let parsed = try! #require(ElementCounter.parse(doc.text))
    #expect(parsed.texts == ["<script>&"])
  }

  @Test func linePlotIsWellFormedWithAxesLegendAndBand() throws {
    var plot = LinePlot(title: "Returns <&> \"quoted\"", subtitle: "sub", xLabel: "T (env steps)", yLabel: "return",
                        series: [
                          .init(name: "procs=1 & <2>", points: [(0, 10), (1000, 50), (2000, 200)],
                                band: [(0, 5, 15), (1000, 40, 60), (2000, 180, 220)]),
                          .init(name: "ideal", points: [(0, 0), (2000, 500)], dash: "4 2", isGuide: true),
                        ])
    plot.xIncludesZero = true
    let svg = plot.render().text
    #expect(svg.hasPrefix("<?xml"))
    let parsed = try #require(ElementCounter.parse(svg), "not well-formed:\n\(svg)")
    #expect(parsed.counts["svg"] == 1)
    #expect(parsed.counts["polyline"] == 2)
    #expect(parsed.counts["polygon"] == 1)
    #expect(parsed.texts.contains("Returns <&> \"quoted\""))
    #expect(parsed.texts.contains("procs=1 & <2>"))
    #expect(parsed.texts.contains("2000") && parsed.texts.contains("500"))
    #expect(parsed.texts.contains("T (env steps)"))
    #expect(!parsed.texts.contains("no data"))
  }

  @Test func emptyPlotsSayso() throws {
    var plot = LinePlot(title: "t", xLabel: "x", yLabel: "y",
                        series: [.init(name: "ideal", points: [(1, 1), (2, 2)], isGuide: true)])
    plot.emptyNote = "no run reached 475"
    let parsed = try #require(ElementCounter.parse(plot.render().text))
    #expect(parsed.texts.contains("no run reached 475"))
  }

  @Test func barChartDrawsOneBarPerValue() throws {
    let chart = BarChart(title: "staleness", xLabel: "bucket", yLabel: "%", categories: ["0", "1", "2–3"],
                         series: [.init(name: "a", values: [80, 20, nil]), .init(name: "b", values: [10, 60, 30])])
    let parsed = try #require(ElementCounter.parse(chart.render().text))
    // Background, plot area, five bars, two legend boxes.
    #expect(parsed.counts["rect"] == 2 + 5 + 2)
    #expect(parsed.texts.contains("2–3"))
  }

  @Test func gridPlacesPanelsSideBySideAndBelow() throws {
    let panel = SVGDocument(width: 100, height: 50)
    let g = SVGDocument.grid([panel, panel, panel], columns: 2)
    #expect(g.width == 200 && g.height == 100)
    let parsed = try #require(ElementCounter.parse(g.text))
    #expect(parsed.counts["g"] == 3)
    #expect(g.text.contains("translate(100 0)") && g.text.contains("translate(0 50)"))
  }

  @Test func coordinatesAreCompact() {
    var doc = SVGDocument(width: 10, height: 10)
    doc.line(x1: 1.0, y1: 2.50, x2: 3.333333, y2: 4, stroke: "#000")
    #expect(doc.elements.last == "<line x1=\"1\" y1=\"2.5\" x2=\"3.33\" y2=\"4\" stroke=\"#000\" stroke-width=\"1\"/>")
  }
}
