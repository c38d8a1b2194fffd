// GaussianPolicyTests.swift — the continuous-action policy: log-probability
// and entropy against their definitions, the loss gradient against finite
// differences, and the sampler's moments.

import Glibc
import Testing
import TinyNN

@Test func logProbabilityAndEntropyMatchTheirDefinitions() {
  for (a, mu, v) in [(0.3, -0.2, 0.5), (-1.7, 1.1, 2.25), (0.0, 0.0, 1.0)] {
    let density = exp(-(a - mu) * (a - mu) / (2 * v)) / sqrt(2 * Double.pi * v)
    #expect(abs(GaussianPolicy.logProbability(action: a, mean: mu, variance: v) - log(density)) < 1e-14)
    // H = E[−log p] by numerical integration over ±12σ.
    let sd = sqrt(v)
    var h = 0.0
    let steps = 24_000
    let dx = 24 * sd / Double(steps)
    for i in 0..<steps {
      let x = mu - 12 * sd + (Double(i) + 0.5) * dx
      let lp = GaussianPolicy.logProbability(action: x, mean: mu, variance: v)
      h -= exp(lp) * lp * dx
    }
    #expect(abs(GaussianPolicy.entropy(variance: v) - h) < 1e-9)
  }
}

@Test func softplusIsStableAndItsDerivativeIsTheSigmoid() {
  #expect(GaussianPolicy.softplus(1000.0) == 1000)
  #expect(GaussianPolicy.softplus(-1000.0) == 0)
  #expect(GaussianPolicy.softplus(Float(-100)).isFinite)
  for x in [-30.0, -2.5, 0.0, 0.7, 12.0] {
    #expect(abs(GaussianPolicy.softplus(x) - log1p(exp(x))) < 1e-12 * max(1, x))
    let h = 1e-6
    let numeric = (GaussianPolicy.softplus(x + h) - GaussianPolicy.softplus(x - h)) / (2 * h)
    #expect(abs(numeric - GaussianPolicy.sigmoid(x)) < 1e-8)
  }
  // The floor keeps σ² positive for any pre-activation.
  #expect(GaussianPolicy.variance(preActivation: -1e6) == GaussianPolicy.minimumVariance)
}

@Test(arguments: [
  (a: 0.4, mu: -0.3, rho: 0.2, adv: 1.3, beta: 0.01),
  (a: -2.2, mu: 0.5, rho: -1.5, adv: -0.7, beta: 0.0),
  (a: 1.0, mu: 1.0, rho: 2.0, adv: 0.0, beta: 1.0),    // entropy term alone
  (a: 3.5, mu: -1.0, rho: -4.0, adv: 2.0, beta: 1e-4),
])
func lossGradientMatchesFiniteDifferences(a: Double, mu: Double, rho: Double, adv: Double, beta: Double) {
  func loss(_ m: Double, _ r: Double) -> Double {
    let v = log1p(exp(r)) + GaussianPolicy.minimumVariance
    let lp = -0.5 * log(2 * Double.pi * v) - (a - m) * (a - m) / (2 * v)
    return -lp * adv - beta * 0.5 * (log(2 * Double.pi * v) + 1)
  }
  let g = GaussianPolicy.lossAndGradient(action: a, mean: mu, variancePreActivation: rho,
                                         advantage: adv, entropyCoefficient: beta)
  #expect(abs(g.loss - loss(mu, rho)) < 1e-12 * max(1, abs(g.loss)))
  let h = 1e-6
  let dMu = (loss(mu + h, rho) - loss(mu - h, rho)) / (2 * h)
  let dRho = (loss(mu, rho + h) - loss(mu, rho - h)) / (2 * h)
  #expect(abs(g.dMean - dMu) < 1e-6 * max(1, abs(dMu)))
  #expect(abs(g.dPreActivation - dRho) < 1e-6 * max(1, abs(dRho)))
}

@Test func theEntropyBonusWidensTheVariance() {
  // With no advantage, minimising L = −β·H must push ρ (and σ²) up.
  let g = GaussianPolicy.lossAndGradient(action: 0.0, mean: 0.0, variancePreActivation: 0.0,
                                         advantage: 0.0, entropyCoefficient: 0.1)
  #expect(g.dPreActivation < 0 && g.dMean == 0)
}

@Test func samplesHaveTheRequestedMoments() {
  var state: UInt64 = 12345
  func uniform() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53
  }
  let n = 200_000
  var s = 0.0, s2 = 0.0
  for _ in 0..<n {
    let x = GaussianPolicy.sample(mean: 1.5, variance: 0.25,
                                  standardNormal: GaussianPolicy.standardNormal(uniform: uniform(), uniform()))
    s += x
    s2 += x * x
  }
  let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
  // Standard errors: 0.5/√n ≈ 0.0011 for the mean, ≈ 0.0008 for the variance.
  #expect(abs(mean - 1.5) < 0.006)
  #expect(abs(variance - 0.25) < 0.005)
}
