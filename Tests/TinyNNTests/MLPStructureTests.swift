// MLPStructureTests.swift — tensor table, parameter counts, initialisation,
// and Float/Double agreement.

import Testing
import TinyNN

@Test func tensorTableOffsetsAndCounts() {
  let mlp = MLP(inputs: 4, hidden: [64, 32], outputs: 3, activation: .tanh, name: "policy",
                parameterOffset: 10)
  let expected = [
    TensorInfo(name: "policy.0.weight", rows: 4, cols: 64, offset: 10, count: 256),
    TensorInfo(name: "policy.0.bias", rows: 1, cols: 64, offset: 266, count: 64),
    TensorInfo(name: "policy.1.weight", rows: 64, cols: 32, offset: 330, count: 2048),
    TensorInfo(name: "policy.1.bias", rows: 1, cols: 32, offset: 2378, count: 32),
    TensorInfo(name: "policy.2.weight", rows: 32, cols: 3, offset: 2410, count: 96),
    TensorInfo(name: "policy.2.bias", rows: 1, cols: 3, offset: 2506, count: 3),
  ]
  #expect(mlp.tensors == expected)
  #expect(mlp.parameterCount == 256 + 64 + 2048 + 32 + 96 + 3)
  #expect(mlp.parameterRange == 10..<2509)
  #expect(mlp.layerCount == 3)
  // Two MLPs sharing one vector, back to back.
  let value = MLP(inputs: 4, hidden: [8], outputs: 1, activation: .relu, name: "v",
                  parameterOffset: mlp.parameterRange.upperBound)
  #expect(value.tensors.first?.offset == 2509)
  #expect(value.tensors.last?.range.upperBound == 2509 + value.parameterCount)
}

@Test func initializeIsDeterministicAndTouchesOnlyItsSlice() {
  let mlp = MLP(inputs: 5, hidden: [16, 8], outputs: 2, activation: .tanh, name: "m",
                parameterOffset: 7)
  // Glorot-uniform, the output layer scaled by the gain.
  let limits = [(5, 16), (16, 8), (8, 2)].enumerated().map { l, shape in
    (6.0 / Double(shape.0 + shape.1)).squareRoot() * (l == 2 ? 0.01 : 1)
  }
  checkInitialization(mlp, weightLimits: limits)
}

@Test func floatAndDoubleInitializationAgree() {
  let mlp = MLP(inputs: 3, hidden: [6], outputs: 2, activation: .tanh, name: "x")
  var pd = [Double](repeating: 0, count: mlp.parameterCount)
  var pf = [Float](repeating: 0, count: mlp.parameterCount)
  var r1 = TestRNG(seed: 5), r2 = TestRNG(seed: 5)
  mlp.initialize(&pd, rng: &r1, outputGain: 0.5)
  mlp.initialize(&pf, rng: &r2, outputGain: 0.5)
  for k in pd.indices { #expect(abs(Double(pf[k]) - pd[k]) <= 1e-7) }
}

@Test(arguments: Activation.allCases)
func floatAndDoubleAgree(activation: Activation) {
  let mlp = MLP(inputs: 4, hidden: [64, 64], outputs: 3, activation: activation, name: "p")
  var rng = TestRNG(seed: 9)
  let params = parameters(for: mlp, count: mlp.parameterCount, biases: 0.2, rng: &rng)
  let inputs = (0..<5).map { _ in rng.vector(4, -2, 2).map { Float($0) } }
  let coefficients = (0..<5).map { _ in rng.vector(3).map { Float($0) } }
  let difference = floatDoubleComparison(mlp, params: params, inputs: inputs, coefficients: coefficients)
  #expect(difference.output < 1e-5, "worst Float/Double output difference \(difference.output)")
  #expect(difference.gradient < 1e-5, "worst Float/Double gradient difference \(difference.gradient)")
  #expect(difference.doubleGradient.contains { abs($0) > 1e-2 })
}
