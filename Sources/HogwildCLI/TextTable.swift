// TextTable.swift — left/right-aligned columns for terminal output.

struct TextTable {
  var header: [String]
  var rows: [[String]] = []
  /// Columns whose values are numbers, aligned right.
  var numeric: Set<Int>

  init(_ header: [String], numeric: Set<Int> = []) {
    self.header = header
    self.numeric = numeric
  }

  /// Adds a row; cells are escaped for the terminal (they may come from a
  /// segment or a file name).
  mutating func add(_ row: [String]) { rows.append(row.map(TerminalText.escaped)) }

  func render(indent: String = "  ") -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
    return all.map { row in
      indent + row.indices.map { c in
        let pad = String(repeating: " ", count: widths[c] - row[c].count)
        return numeric.contains(c) ? pad + row[c] : row[c] + pad
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }
}
