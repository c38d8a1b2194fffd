// NiceTicksTests.swift — ticks land on round numbers, cover the data, and
// are labelled compactly.

import Plot
import Testing

@Suite struct NiceTicksTests {
  @Test func unitRangeGetsTenthsOrFifths() {
    let t = NiceTicks(from: 0, to: 1)
    #expect(t.values == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(t.values.map(t.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
  }

  @Test func ticksCoverTheDataAtRoundSteps() {
    for (lo, hi) in [(0.0, 30_013.0), (-3.7, 12.2), (17.0, 499.5), (0.001, 0.0093), (1.0, 16.0)] {
      let t = NiceTicks(from: lo, to: hi)
      #expect(t.lower <= lo && t.upper >= hi, "\(lo)…\(hi): \(t.values)")
      #expect(t.values.count >= 3 && t.values.count <= 12, "\(t.values)")
      // The step is 1, 2 or 5 times a power of ten.
      var m = t.step
      while m >= 10 { m /= 10 }
      while m < 1 { m *= 10 }
      #expect([1, 2, 5].contains { abs($0 - m) < 1e-9 }, "step \(t.step)")
    }
  }

  @Test func largeValuesUseSuffixes() {
    let k = NiceTicks(from: 0, to: 500_000)
    #expect(k.values.map(k.label) == ["0", "100k", "200k", "300k", "400k", "500k"])
    let m = NiceTicks(from: 0, to: 1_500_000)
    #expect(m.values.map(m.label) == ["0", "0.5M", "1M", "1.5M"])
    #expect(m.label(0) == "0")
  }

  @Test func degenerateRangesAreWidened() {
    let one = NiceTicks(from: 5, to: 5)
    #expect(one.lower < 5 && one.upper > 5)
    let zero = NiceTicks(from: 0, to: 0)
    #expect(zero.lower <= -1 && zero.upper >= 1)
    let nan = NiceTicks(from: .nan, to: 3)
    #expect(nan.values.allSatisfy { $0.isFinite })
  }

  @Test func noFloatingPointDrift() {
    let t = NiceTicks(from: 0, to: 0.3)
    #expect(t.values.map(t.label) == ["0", "0.1", "0.2", "0.3"])
  }
}

@Suite struct NumberTextTests {
  @Test func compactDropsTrailingZeros() {
    #expect(NumberText.compact(12.5) == "12.5")
    #expect(NumberText.compact(3.0) == "3")
    #expect(NumberText.compact(-0.0001) == "0")
    #expect(NumberText.compact(2.346) == "2.35")
    #expect(NumberText.compact(.nan) == "0")
  }

  @Test func fixedAndGrouped() {
    #expect(NumberText.fixed(1.5, 2) == "1.50")
    #expect(NumberText.fixed(-0.07, 2) == "-0.07")
    #expect(NumberText.fixed(0.999, 2) == "1.00")
    #expect(NumberText.fixed(7, 0) == "7")
    #expect(NumberText.grouped(1_234_567) == "1,234,567")
    #expect(NumberText.grouped(999) == "999")
    #expect(NumberText.grouped(-12_000) == "-12,000")
  }

  @Test func scaleMapsDomainToRange() {
    let s = LinearScale(domain: (0, 10), range: (400, 0))
    #expect(s(0) == 400)
    #expect(s(10) == 0)
    #expect(s(2.5) == 300)
    let flat = LinearScale(domain: (3, 3), range: (0, 100))
    #expect(flat(3) == 50)
  }

  @Test func log2BucketLabels() {
    #expect((0..<5).map(Histogram.log2BucketLabel) == ["0", "1", "2–3", "4–7", "8–15"])
    #expect(Histogram.log2BucketLabel(31) == "2^30+")
  }
}
