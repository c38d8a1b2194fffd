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
  func make(seed: UInt64) -> [Double] {
    var params = [Double](repeating: 42, count: mlp.parameterRange.upperBound + 4)
    var rng = TestRNG(seed: seed)
    mlp.initialize(&params, rng: &rng, outputGain: 0.01)
    return params
  }
  let a = make(seed: 1), b = make(seed: 1), c = make(seed: 2)
  #expect(a == b)
  #expect(a != c)
  #expect(a[0..<7].allSatisfy { $0 == 42 })
  #expect(a[mlp.parameterRange.upperBound...].allSatisfy { $0 == 42 })
  let t = mlp.tensors
  for (l, (n, m)) in [(5, 16), (16, 8), (8, 2)].enumerated() {
    let limit = (6.0 / Double(n + m)).squareRoot() * (l == 2 ? 0.01 : 1)
    let w = a[t[2 * l].range]
    #expect(w.allSatisfy { abs($0) <= limit })
    #expect(w.contains { abs($0) > 0.5 * limit })   // actually spread over the range
    #expect(w.contains { $0 < 0 } && w.contains { $0 > 0 })
    #expect(a[t[2 * l + 1].range].allSatisfy { $0 == 0 })
  }
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
  var pd = [Double](repeating: 0, count: mlp.parameterCount)
  mlp.initialize(&pd, rng: &rng, outputGain: 1)
  for t in mlp.tensors where t.name.hasSuffix("bias") {
    for k in t.range { pd[k] = rng.uniform(-0.2, 0.2) }
  }
  let pf = pd.map { Float($0) }
  let batch = 5
  let inputs = (0..<batch).map { _ in rng.vector(4, -2, 2).map { Float($0) } }
  let coefficients = (0..<batch).map { _ in rng.vector(3).map { Float($0) } }
  var wd: MLPWorkspace<Double> = mlp.makeWorkspace(maxBatch: batch)
  var wf: MLPWorkspace<Float> = mlp.makeWorkspace(maxBatch: batch)
  for r in 0..<batch {
    mlp.forward(params: pd, input: inputs[r].map { Double($0) }, row: r, workspace: &wd)
    mlp.forward(params: pf, input: inputs[r], row: r, workspace: &wf)
    for k in 0..<3 {
      #expect(abs(Double(wf.output(row: r, index: k)) - wd.output(row: r, index: k)) < 1e-5)
      wd.setOutputGradient(row: r, index: k, value: Double(coefficients[r][k]))
      wf.setOutputGradient(row: r, index: k, value: coefficients[r][k])
    }
  }
  var gd = [Double](repeating: 0, count: pd.count)
  var gf = [Float](repeating: 0, count: pf.count)
  mlp.backward(params: pd, batch: batch, workspace: &wd, gradients: &gd)
  mlp.backward(params: pf, batch: batch, workspace: &wf, gradients: &gf)
  var worst = 0.0
  for k in gd.indices { worst = max(worst, abs(Double(gf[k]) - gd[k]) / max(1, abs(gd[k]))) }
  #expect(worst < 1e-5, "worst Float/Double gradient difference \(worst)")
  #expect(gd.contains { abs($0) > 1e-2 })
}
