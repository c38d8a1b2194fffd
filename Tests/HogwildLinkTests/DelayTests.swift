import BuiltInEnvs
import HogwildLink
import Testing

@Suite struct DelayTests {
  @Test func parsesEveryDocumentedForm() {
    #expect(Delay.parse("0") == Delay.none)
    #expect(Delay.parse("250us") == .fixed(250_000))
    #expect(Delay.parse("2ms") == .fixed(2_000_000))
    #expect(Delay.parse("1s") == .fixed(1_000_000_000))
    #expect(Delay.parse("1.5ms") == .fixed(1_500_000))
    #expect(Delay.parse("uniform:0-5ms") == .uniform(0, 5_000_000))
    #expect(Delay.parse("uniform:1ms-3ms") == .uniform(1_000_000, 3_000_000))
    #expect(Delay.parse("exp:2ms") == .exponential(2_000_000))
  }

  @Test func rejectsMalformedAndNegative() {
    for bad in ["-1ms", "5", "ms", "2 parsecs", "uniform:5ms-1ms", "uniform:1ms", "exp:", "exp:-1ms", "", "nanms", "2h"] {
      #expect(Delay.parse(bad) == nil, "\(bad)")
    }
  }

  @Test func samplesStayInRangeWithTheRightMean() {
    var rng = Xoshiro256(seed: 5)
    let u = Delay.uniform(1000, 3000)
    var sum = 0.0
    for _ in 0..<20_000 {
      let v = u.sample(&rng)
      #expect(v >= 1000 && v <= 3000)
      sum += Double(v)
    }
    #expect(abs(sum / 20_000 - 2000) < 20)
    let e = Delay.exponential(1_000_000)
    var esum = 0.0
    for _ in 0..<20_000 { esum += Double(e.sample(&rng)) }
    #expect(abs(esum / 20_000 - 1_000_000) < 30_000)
    #expect(Delay.fixed(7).sample(&rng) == 7)
    #expect(Delay.none.sample(&rng) == 0)
  }

  @Test func describesItselfInTheFlagSyntax() {
    for text in ["0", "250us", "2ms", "1s", "uniform:0ms-5ms", "exp:2ms"] {
      let d = Delay.parse(text)!
      #expect(Delay.parse(d.description) == d)
    }
  }
}
