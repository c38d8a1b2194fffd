// ColorCycle.swift — series colours: the Tableau 10 palette, which stays
// distinguishable for most colour-blind readers; after ten series the
// colours repeat with a dash pattern.

/// The colour (and, past the palette, dash pattern) of series i.
public enum ColorCycle {
  public static let palette = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  ]

  public static func color(_ i: Int) -> String { palette[((i % palette.count) + palette.count) % palette.count] }

  /// nil for the first round of colours, then dashes.
  public static func dash(_ i: Int) -> String? {
    switch i / palette.count {
    case 0: nil
    case 1: "6 3"
    default: "2 3"
    }
  }
}
