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

  @inlinable
  public mutating func randint(_ low: Int, _ high: Int) -> Int {
    // The standard library's bounded draw is unbiased (Lemire's method) and allocation-free.
    Int.random(in: low..<high, using: &self)
  }
}
