// Report.swift — the figures of a bench run: printed as a table while they
// are measured, and written to bench.json at the end.

/// One measured quantity and its repeats.
struct Figure {
  /// Stable name in bench.json, e.g. "apply.hogwild.n16".
  let key: String
  /// What the table shows.
  let label: String
  let unit: String
  let samples: [Double]
  /// Decimals in the table; nil picks about three significant digits.
  let decimals: Int?
  var stats: Stats { Stats(samples) }
}

/// Collects figures and notes, printing each as it arrives.
final class Report {
  private(set) var figures: [Figure] = []
  private(set) var notes: [String] = []
  static let labelWidth = 44

  func printHeader() {
    let line = padRight("figure", Self.labelWidth) + padLeft("median", 14) + "  "
      + padLeft("min–max", 25) + "  unit"
    print(line)
    print(String(repeating: "-", count: line.count + 8))
  }

  func section(_ title: String) {
    print("\n== \(title)")
  }

  @discardableResult
  func add(_ key: String, _ label: String, unit: String, samples: [Double], decimals: Int? = nil) -> Figure {
    let f = Figure(key: key, label: label, unit: unit, samples: samples, decimals: decimals)
    figures.append(f)
    let s = f.stats
    let d = decimals ?? autoDecimals(s.median)
    let range = formatNumber(s.min, decimals: d) + " – " + formatNumber(s.max, decimals: d)
    print(padRight(label, Self.labelWidth) + padLeft(formatNumber(s.median, decimals: d), 14) + "  "
      + padLeft(range, 25) + "  " + unit + "  (n=\(s.count))")
    return f
  }

  /// A line of text under the current section (also kept in bench.json).
  func note(_ text: String) {
    notes.append(text)
    print("  " + text)
  }

  func figure(_ key: String) -> Figure? { figures.first { $0.key == key } }

  /// bench.json: every figure with median, min, max, unit and repeats.
  func json(machine: Machine, quick: Bool, totalSeconds: Double) -> String {
    var out = "{\n"
    out += "  \"machine\": {\"nproc\": \(machine.cpus), \"cpu\": \(jsonString(machine.model)), "
      + "\"avx2\": \(machine.avx2), \"avx512f\": \(machine.avx512)},\n"
    out += "  \"quick\": \(quick),\n"
    out += "  \"total_seconds\": \(jsonNumber(totalSeconds)),\n"
    out += "  \"figures\": {\n"
    out += figures.map { f in
      let s = f.stats
      return "    \(jsonString(f.key)): {\"label\": \(jsonString(f.label)), \"median\": \(jsonNumber(s.median)), "
        + "\"min\": \(jsonNumber(s.min)), \"max\": \(jsonNumber(s.max)), \"unit\": \(jsonString(f.unit)), "
        + "\"repeats\": \(s.count)}"
    }.joined(separator: ",\n")
    out += "\n  },\n"
    out += "  \"notes\": [" + notes.map(jsonString).joined(separator: ", ") + "]\n}\n"
    return out
  }
}

func jsonNumber(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }

func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
