import HogwildSegment
import Testing

/// train.csv's interval means come from differencing two readings of the
/// slots' running sums.
@Suite struct TrainingSumsTests {
  func sums(_ n: UInt64, _ loss: Double, clipped: UInt64) -> TrainingSums {
    var s = TrainingSums()
    s.gradients = n
    s.policyLoss = loss
    s.valueLoss = 2 * loss
    s.entropy = 0.5 * Double(n)
    s.gradientNorm = 3 * Double(n)
    s.clipped = clipped
    s.tdError = Double(n)
    return s
  }

  @Test func intervalMeansAreTheDifferenceOverTheNewGradients() throws {
    let earlier = sums(10, 5, clipped: 2)
    let later = sums(14, 13, clipped: 3)
    let m = try #require(later.since(earlier).means)
    #expect(m.policyLoss == 2 && m.valueLoss == 4)
    #expect(m.entropy == 0.5 && m.gradientNorm == 3 && m.tdError == 1)
    #expect(m.clippedFraction == 0.25)
  }

  @Test func noGradientsMeansNoMeans() {
    #expect(sums(7, 1, clipped: 0).since(sums(7, 1, clipped: 0)).means == nil)
  }

  @Test func sumsOfSlotsAdd() {
    let total = sums(1, 1, clipped: 1) + sums(2, 2, clipped: 0)
    #expect(total.gradients == 3 && total.policyLoss == 3 && total.clipped == 1)
  }
}
