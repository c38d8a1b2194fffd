// The fast RMSProp kernels (`run --rmsprop-sqrt fast`): a reciprocal square
// root estimate and a Newton step in place of √ and ÷. Their step against
// the exact formula in double precision, the audit variant against the
// plain one, and the applier's choice of kernel.

import CHogwild
import Glibc
import HogwildSegment
import Testing

/// A small xorshift generator: uniform doubles in [0, 1).
private struct Uniform {
  var state: UInt64
  mutating func next() -> Double {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return Double(state >> 11) / Double(1 << 53)
  }
  /// 10^x for x uniform in `exponents`: log-uniform magnitudes.
  mutating func magnitude(_ exponents: ClosedRange<Double>) -> Double {
    pow(10, exponents.lowerBound + (exponents.upperBound - exponents.lowerBound) * next())
  }
  mutating func sign() -> Double { next() < 0.5 ? -1 : 1 }
}

@Suite struct FastRMSPropTests {
  /// Sizes with every tail length class: below one vector, exact vectors,
  /// one past, A3C's 4,675 floats (a tail of 3) and a tail of 15.
  static let sizes = [1, 5, 15, 16, 17, 37, 64, 255, 4_675]

  /// One call of each kernel on the same inputs: the fast audit kernel's
  /// steps (acc starts at 0) and new g, and the exact kernel's g.
  private struct Trial {
    var grad: [Float], g0: [Float], theta0: [Float]
    var lr: Float, alpha: Float, eps: Float
  }

  private static func trial(_ n: Int, _ u: inout Uniform, gExponents: ClosedRange<Double>) -> Trial {
    let eps = Float(u.magnitude(-8...(-1)))
    var g0 = (0..<n).map { _ in Float(u.magnitude(gExponents)) }
    // Some statistics at exactly zero (a parameter's first update): g + ε = ε.
    for i in stride(from: 0, to: n, by: 7) { g0[i] = 0 }
    let grad = (0..<n).map { _ in Float(u.sign() * u.magnitude(-5...1)) }
    let theta0 = (0..<n).map { _ in Float(u.next() - 0.5) }
    let alpha: Float = u.next() < 0.3 ? 0 : 0.99
    return Trial(grad: grad, g0: g0, theta0: theta0, lr: Float(u.magnitude(-5...(-1))), alpha: alpha, eps: eps)
  }

  @Test func fastStepIsWithinOneMillionthOfTheExactFormula() {
    var u = Uniform(state: 0x9E37_79B9_7F4A_7C15)
    var worstFast = 0.0, worstExact = 0.0, checked = 0
    // g from 1e-8 to 1e4 (so g + ε spans 1e-8 … 1e4), then tiny and huge
    // statistics on their own.
    for gExponents: ClosedRange<Double> in [-8...4, -12...(-7), 2...4] {
      for n in Self.sizes {
        for _ in 0..<(n < 100 ? 200 : 8) {
          let t = Self.trial(n, &u, gExponents: gExponents)
          var theta = t.theta0, g = t.g0, acc = [Double](repeating: 0, count: n)
          hw_apply_rmsprop_fast_audit(&theta, &g, t.grad, nil, &acc, n, t.lr, t.alpha, t.eps)
          var thetaX = t.theta0, gX = t.g0, accX = [Double](repeating: 0, count: n)
          hw_apply_rmsprop_audit(&thetaX, &gX, t.grad, nil, &accX, n, t.lr, t.alpha, t.eps)
          #expect(g == gX, "the fast form updates g exactly as the exact one does (n = \(n))")
          for i in 0..<n {
            let x = Double(g[i]) + Double(t.eps)
            let step = Double(t.lr) * Double(t.grad[i]) / x.squareRoot()
            guard step != 0 else { continue }
            worstFast = max(worstFast, abs(-acc[i] - step) / abs(step))
            worstExact = max(worstExact, abs(-accX[i] - step) / abs(step))
            checked += 1
          }
        }
      }
    }
    #expect(checked > 100_000)
    let bits = hw_rmsprop_fast_estimate_bits()
    #expect(worstFast <= 1e-6, "fast (\(bits)-bit estimate): max relative error \(worstFast), exact \(worstExact)")
    // The exact kernel's own float rounding, for scale.
    #expect(worstExact <= 1e-6)
  }

  @Test(arguments: sizes)
  func auditVariantComputesThetaBitForBitLikeThePlainOne(n: Int) {
    var u = Uniform(state: UInt64(n) &* 0x2545_F491_4F6C_DD1D | 1)
    for _ in 0..<20 {
      let t = Self.trial(n, &u, gExponents: -8...4)
      var (t1, g1, l1) = (t.theta0, t.g0, [Float](repeating: 0, count: n))
      var (t2, g2, l2) = (t.theta0, t.g0, [Float](repeating: 0, count: n))
      var acc = [Double](repeating: 0.25, count: n)
      hw_apply_rmsprop_fast(&t1, &g1, t.grad, &l1, n, t.lr, t.alpha, t.eps)
      hw_apply_rmsprop_fast_audit(&t2, &g2, t.grad, &l2, &acc, n, t.lr, t.alpha, t.eps)
      #expect(t1.map(\.bitPattern) == t2.map(\.bitPattern), "θ, n = \(n)")
      #expect(g1.map(\.bitPattern) == g2.map(\.bitPattern), "g, n = \(n)")
      #expect(l1.map(\.bitPattern) == t1.map(\.bitPattern), "the local copy is the new θ, n = \(n)")
      #expect(l2 == t2)
      for i in 0..<n {
        // θ's change is the summed step, rounded to θ's float precision.
        #expect(abs((acc[i] - 0.25) - (Double(t2[i]) - Double(t.theta0[i]))) <= 1e-7)
      }
    }
  }

  @Test func infiniteStatisticsGiveAZeroStepNotNaN() {
    // d/√∞ is 0 in the exact form; the fast form must not turn ∞·0 into NaN.
    let n = 20
    var theta = [Float](repeating: 0.5, count: n), g = [Float](repeating: .infinity, count: n)
    hw_apply_rmsprop_fast(&theta, &g, [Float](repeating: 1, count: n), nil, n, 0.01, 0.99, 0.1)
    #expect(theta == [Float](repeating: 0.5, count: n))
    // NaN still propagates (as in the exact form), rather than being hidden.
    var t2 = [Float](repeating: 0.5, count: n), g2 = [Float](repeating: .nan, count: n)
    hw_apply_rmsprop_fast(&t2, &g2, [Float](repeating: 1, count: n), nil, n, 0.01, 0.99, 0.1)
    #expect(t2.allSatisfy { $0.isNaN })
  }

  @Test(arguments: [(OptimizerKind.sharedRMSProp, UpdateMode.hogwild), (.sharedRMSProp, .locked),
                    (.rmsprop, .hogwild)])
  func applierInTheFastFormRunsTheFastKernel(optimizer: OptimizerKind, mode: UpdateMode) throws {
    let n = 1_000  // four 256-float chunks, the last with a tail of 8
    let seg = try makeSegment("fast", params: n, opt: optimizer == .sharedRMSProp ? n : 0)
    try seg.initializeLock()
    var u = Uniform(state: 77)
    let theta0 = (0..<n).map { _ in Float(u.next() - 0.5) }
    seg.parameters.write(theta0)
    var applier = seg.makeApplier(optimizer: optimizer, mode: mode, alpha: 0.99, epsilon: 0.1, sqrt: .fast)
    #expect(applier.sqrt == .fast)
    // A staggered, backwards pass over θ, as odd ranks walk it.
    applier.startOffset = 300
    applier.reverse = true
    var theta = theta0, g = [Float](repeating: 0, count: n)
    for k in 0..<3 {
      let grad = (0..<n).map { _ in Float(u.sign() * u.magnitude(-4...0)) }
      applier.apply(grad, learningRate: 0.01 * Float(k + 1))
      hw_apply_rmsprop_fast(&theta, &g, grad, nil, n, 0.01 * Float(k + 1), 0.99, 0.1)
    }
    #expect(seg.parameters.snapshot == theta, "the applier's chunks give the one-call result")
    if optimizer == .sharedRMSProp { #expect(seg.optimizerStatistics.snapshot == g) }
  }
}
