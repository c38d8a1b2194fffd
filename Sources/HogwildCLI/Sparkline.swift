// Sparkline.swift — a row of block characters (▁…█) for `dump --watch`'s
// recent returns.

/// Draws values as eight-level block characters.
enum Sparkline {
  static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// One character per value, scaled between the finite values' minimum
  /// and maximum (so the shape is visible whatever the reward scale). A
  /// flat series draws at the middle level; a non-finite value is a space.
  static func render(_ values: [Double]) -> String {
    let finite = values.filter(\.isFinite)
    guard let lo = finite.min(), let hi = finite.max() else {
      return String(repeating: " ", count: values.count)
    }
    return String(values.map { v -> Character in
      guard v.isFinite else { return " " }
      guard hi > lo else { return levels[levels.count / 2 - 1] }
      // hi − lo may overflow to infinity (returns of ±1e308): scale in two steps.
      let x = (v / 2 - lo / 2) / (hi / 2 - lo / 2) * Double(levels.count - 1)
      guard x.isFinite else { return levels[levels.count / 2 - 1] }
      let i = Int(min(max(x.rounded(), 0), Double(levels.count - 1)))
      return levels[i]
    })
  }
}
