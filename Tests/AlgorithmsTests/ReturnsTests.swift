import Algorithms
import Testing

@Suite struct ReturnsTests {
  @Test func nStepReturnsByHand() {
    // γ = 0.5, rewards 1, 1, 1, bootstrap V(s_3) = 4:
    // R_2 = 1 + 0.5·4 = 3; R_1 = 1 + 0.5·3 = 2.5; R_0 = 1 + 0.5·2.5 = 2.25
    var R = [Float](repeating: -1, count: 5)
    Returns.nStep(rewards: [1, 1, 1, 9, 9], count: 3, bootstrap: 4, gamma: 0.5, into: &R)
    #expect(Array(R.prefix(3)) == [2.25, 2.5, 3])
    #expect(R[3] == -1 && R[4] == -1)  // beyond the rollout: untouched
  }

  @Test func aTerminalRolloutBootstrapsFromZero() {
    var R = [Float](repeating: 0, count: 2)
    Returns.nStep(rewards: [1, 1], count: 2, bootstrap: 0, gamma: 0.9, into: &R)
    #expect(R == [1.9, 1])
  }

  @Test func gaeWithLambdaOneIsTheNStepAdvantage() {
    let rewards: [Float] = [1, 0, 2, 1], values: [Float] = [0.5, 1, 2, 0.25]
    var A = [Float](repeating: 0, count: 4), G = A, R = A
    Returns.generalizedAdvantages(rewards: rewards, values: values, count: 4, bootstrap: 3, gamma: 0.9,
                                  lambda: 1, advantages: &A, returns: &G)
    Returns.nStep(rewards: rewards, count: 4, bootstrap: 3, gamma: 0.9, into: &R)
    for i in 0..<4 {
      #expect(abs(A[i] - (R[i] - values[i])) < 1e-5)
      #expect(abs(G[i] - R[i]) < 1e-5)
    }
  }

  @Test func gaeMatchesItsDefiningSum() {
    // A_i = Σ_l (γλ)^l δ_{i+l}, δ_i = r_i + γV(s_{i+1}) − V(s_i), V(s_3) = bootstrap.
    let rewards: [Float] = [1, -1, 0.5], values: [Float] = [0.2, 0.4, -0.3]
    let gamma: Float = 0.9, lambda: Float = 0.8, bootstrap: Float = 1.5
    let next = Array(values.dropFirst()) + [bootstrap]
    let deltas = (0..<3).map { rewards[$0] + gamma * next[$0] - values[$0] }
    var A = [Float](repeating: 0, count: 3), G = A
    Returns.generalizedAdvantages(rewards: rewards, values: values, count: 3, bootstrap: bootstrap,
                                  gamma: gamma, lambda: lambda, advantages: &A, returns: &G)
    for i in 0..<3 {
      var expected: Float = 0, w: Float = 1
      for l in i..<3 { expected += w * deltas[l]; w *= gamma * lambda }
      #expect(abs(A[i] - expected) < 1e-6, "A_\(i)")
      #expect(abs(G[i] - (A[i] + values[i])) < 1e-6)
    }
  }

  @Test func gaeWithLambdaZeroIsTheTDError() {
    var A = [Float](repeating: 0, count: 2), G = A
    Returns.generalizedAdvantages(rewards: [1, 2], values: [0.5, 0.25], count: 2, bootstrap: 0, gamma: 0.5,
                                  lambda: 0, advantages: &A, returns: &G)
    #expect(A == [1 + 0.5 * 0.25 - 0.5, 2 - 0.25])
  }
}
