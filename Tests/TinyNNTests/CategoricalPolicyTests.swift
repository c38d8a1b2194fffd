// CategoricalPolicyTests.swift — softmax stability, entropy, log-probability
// and sampling.

import Testing
import TinyNN

@Test func softmaxIsStableForLargeLogits() {
  var p = [Double](repeating: -1, count: 3)
  CategoricalPolicy.softmax(logits: [5, 1000, 999, -1000], offset: 1, count: 3, into: &p)
  let p0 = 1 / (1 + Double.exp(-1))
  #expect(abs(p[0] - p0) < 1e-15)
  #expect(abs(p[1] - (1 - p0)) < 1e-15)
  #expect(p[2] == 0)
  var pf = [Float](repeating: -1, count: 3)
  CategoricalPolicy.softmax(logits: [Float(1000), 999, -1000], count: 3, into: &pf)
  #expect(pf.allSatisfy { $0.isFinite })
  #expect(abs(pf[0] - Float(p0)) < 1e-6)
  #expect(abs(pf.reduce(0, +) - 1) < 1e-6)
}

@Test func logProbabilityIsStableForLargeLogits() {
  let lp = CategoricalPolicy.logProbability(logits: [1000.0, 999, -1000], count: 3, action: 2)
  #expect(abs(lp - (-2000 - Double.log(1 + Double.exp(-1)))) < 1e-9)
  let lpf = CategoricalPolicy.logProbability(logits: [Float(1000), 999, -1000], count: 3,
                                             action: 0)
  #expect(abs(lpf - Float(-Double.log(1 + Double.exp(-1)))) < 1e-6)
  // The loss and gradient are finite where π(a) underflows to 0.
  var probs = [Double](repeating: 0, count: 3), grad = probs
  let loss = CategoricalPolicy.lossAndLogitGradient(
    logits: [1000.0, 999, -1000], count: 3, action: 2, advantage: 1,
    entropyCoefficient: 0.1, probabilities: &probs, gradient: &grad)
  #expect(loss.isFinite && grad.allSatisfy { $0.isFinite })
  #expect(abs(loss - (2000 + Double.log(1 + Double.exp(-1))
                      - 0.1 * CategoricalPolicy.entropy(probs: probs, count: 3))) < 1e-9)
  #expect(grad[2] == -1)  // A·(p − 1) with p = 0, entropy term 0
}

@Test func logProbabilityMatchesLogOfSoftmax() {
  let z = [0.5, -1.25, 2.0, 0.0]
  var p = [Double](repeating: 0, count: 4)
  CategoricalPolicy.softmax(logits: z, count: 4, into: &p)
  #expect(abs(p.reduce(0, +) - 1) < 1e-15)
  for a in 0..<4 {
    let lp = CategoricalPolicy.logProbability(logits: z, count: 4, action: a)
    #expect(abs(lp - Double.log(p[a])) < 1e-14)
  }
}

@Test(arguments: 1...10)
func entropyOfUniformIsLogN(n: Int) {
  var p = [Double](repeating: 0, count: n)
  CategoricalPolicy.softmax(logits: [Double](repeating: 3.7, count: n), count: n, into: &p)
  #expect(abs(CategoricalPolicy.entropy(probs: p, count: n) - Double.log(Double(n))) < 1e-14)
}

@Test func entropyTreatsZeroProbabilityAsZero() {
  #expect(CategoricalPolicy.entropy(probs: [0.0, 1.0, 0.0], count: 3) == 0)
  let h = CategoricalPolicy.entropy(probs: [0.5, 0.0, 0.5, 0.25], count: 3)  // ignores [3]
  #expect(abs(h - Double.log(2)) < 1e-15)
}

@Test func samplingFrequenciesFollowProbabilities() {
  let probs = [0.1, 0.0, 0.3, 0.6]
  let draws = 10_000
  var counts = [0, 0, 0, 0]
  for k in 0..<draws {
    let u = (Double(k) + 0.5) / Double(draws)  // evenly spaced in (0, 1)
    counts[CategoricalPolicy.sample(probs: probs, count: 4, uniform: u)] += 1
  }
  #expect(counts == [1000, 0, 3000, 6000])
}

@Test func samplingEdgeCases() {
  // u = 0 skips a leading zero-probability entry.
  #expect(CategoricalPolicy.sample(probs: [0.0, 1.0], count: 2, uniform: 0) == 1)
  // u on a cumulative boundary goes to the next positive entry, not a zero one.
  #expect(CategoricalPolicy.sample(probs: [0.5, 0.0, 0.5], count: 3, uniform: 0.5) == 2)
  // Round-off (Σp < 1, u past the end): last index with p > 0, never a zero entry.
  #expect(CategoricalPolicy.sample(probs: [0.3, 0.3, 0.3, 0.0], count: 4, uniform: 0.95) == 2)
  #expect(CategoricalPolicy.sample(probs: [0.3, 0.3, 0.3], count: 3, uniform: 0.95) == 2)
  // Only the first `count` entries are considered.
  #expect(CategoricalPolicy.sample(probs: [0.2, 0.2, 0.6], count: 2, uniform: 0.9) == 1)
  // All zero: the last index.
  #expect(CategoricalPolicy.sample(probs: [0.0, 0.0, 0.0], count: 3, uniform: 0.1) == 2)
  // Float with u just below 1.
  let pf: [Float] = [0.25, 0.25, 0.5]
  #expect(CategoricalPolicy.sample(probs: pf, count: 3, uniform: Float(1).nextDown) == 2)
  #expect(CategoricalPolicy.sample(probs: pf, count: 3, uniform: 0.3) == 1)
}
