// MinAtarRandomSource.swift — the random draws MinAtar's games make.
//
// MinAtar draws from a numpy.random.RandomState, whose stream a Swift port cannot
// reproduce. The games therefore ask this protocol for draws with the same
// distributions, in the reference's order, one value per call (NumPy's vector
// draws such as `randint(1, 6, 8)` become 8 calls, element by element). Training
// uses `Xoshiro256`; tests substitute a source that replays draws recorded from
// the real package, so everything else can be compared exactly.

/// A source of the two kinds of draws MinAtar makes.
public protocol MinAtarRandomSource {
  /// NumPy `rand()`: a double uniform in [0, 1).
  mutating func rand() -> Double
  /// NumPy `randint(low, high)`: an integer uniform in `low..<high` (`high > low`).
  mutating func randint(_ low: Int, _ high: Int) -> Int
}

extension Xoshiro256: MinAtarRandomSource {
  @inlinable
  public mutating func rand() -> Double { nextUnitDouble() }

  /// Lemire's unbiased bounded draw (multiply, reject the short low tail), written
  /// out so that a seed gives the same games whatever the standard library does.
  @inlinable
  public mutating func randint(_ low: Int, _ high: Int) -> Int {
    precondition(high > low, "randint needs high > low")
    let range = UInt64(high - low)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      let threshold = (0 &- range) % range
      while product.low < threshold { product = next().multipliedFullWidth(by: range) }
    }
    return low + Int(product.high)
  }
}
