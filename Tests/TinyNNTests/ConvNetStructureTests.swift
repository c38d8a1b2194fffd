// ConvNetStructureTests.swift — the ConvNet's tensor table, parameter count,
// initialisation, forward pass against the naive reference, and Float/Double
// agreement.

import Testing
import TinyNN

@Test func convNetTensorTableOffsetsAndCounts() {
  // MinAtar Breakout: 10×10×4 → 3×3 conv, 16 filters → 8·8·16 = 1024 → 128 → 6.
  let net = ConvNet(channels: 4, outputs: 6, name: "q", parameterOffset: 10)
  let expected = [
    TensorInfo(name: "q.conv.weight", rows: 36, cols: 16, offset: 10, count: 576),
    TensorInfo(name: "q.conv.bias", rows: 1, cols: 16, offset: 586, count: 16),
    TensorInfo(name: "q.0.weight", rows: 1024, cols: 128, offset: 602, count: 131_072),
    TensorInfo(name: "q.0.bias", rows: 1, cols: 128, offset: 131_674, count: 128),
    TensorInfo(name: "q.1.weight", rows: 128, cols: 6, offset: 131_802, count: 768),
    TensorInfo(name: "q.1.bias", rows: 1, cols: 6, offset: 132_570, count: 6),
  ]
  #expect(net.tensors == expected)
  #expect(net.inputs == 400 && net.outputs == 6)
  #expect(net.convolution.outputHeight == 8 && net.convolution.outputWidth == 8)
  #expect(net.parameterCount == 592 + 131_200 + 774)
  #expect(net.parameterRange == 10..<132_576)
  // Seaquest's 10 planes change only the convolution's fan-in.
  let seaquest = ConvNet(channels: 10, outputs: 18, name: "s")
  #expect(seaquest.tensors[0].rows == 90 && seaquest.inputs == 1000)
  #expect(seaquest.head.inputs == 1024)
}

@Test func convNetInitializeIsDeterministicAndTouchesOnlyItsSlice() {
  let net = ConvNet(height: 6, width: 6, channels: 7, hidden: [16], outputs: 3, name: "m",
                    parameterOffset: 7)
  func make(seed: UInt64) -> [Double] {
    var params = [Double](repeating: 42, count: net.parameterRange.upperBound + 4)
    var rng = TestRNG(seed: seed)
    net.initialize(&params, rng: &rng, outputGain: 0.01)
    return params
  }
  let a = make(seed: 1), b = make(seed: 1), c = make(seed: 2)
  #expect(a == b)
  #expect(a != c)
  #expect(a[0..<7].allSatisfy { $0 == 42 })
  #expect(a[net.parameterRange.upperBound...].allSatisfy { $0 == 42 })
  let t = net.tensors
  // (tensor index, limit): He for the convolution, Glorot for the head,
  // the output layer scaled by the gain.
  let convLimit = (6.0 / 63).squareRoot()
  let hiddenLimit = (6.0 / Double(256 + 16)).squareRoot()
  let outputLimit = (6.0 / Double(16 + 3)).squareRoot() * 0.01
  let limits: [(Int, Double)] = [(0, convLimit), (2, hiddenLimit), (4, outputLimit)]
  for (index, limit) in limits {
    let w = a[t[index].range]
    #expect(w.allSatisfy { abs($0) <= limit })
    #expect(w.contains { abs($0) > 0.5 * limit })   // actually spread over the range
    #expect(w.contains { $0 < 0 } && w.contains { $0 > 0 })
    #expect(a[t[index + 1].range].allSatisfy { $0 == 0 })
  }
}

@Test(arguments: [4, 7, 10])
func convNetForwardMatchesReference(channels: Int) {
  let net = ConvNet(channels: channels, outputs: 5, name: "f", parameterOffset: 3)
  var rng = TestRNG(seed: 101)
  var params = [Double](repeating: 0, count: net.parameterRange.upperBound)
  net.initialize(&params, rng: &rng, outputGain: 1)
  for t in net.tensors where t.name.hasSuffix("bias") {
    for k in t.range { params[k] = rng.uniform(-0.2, 0.2) }
  }
  // Row 0 binary and sparse like a MinAtar observation, row 1 continuous.
  let binary = (0..<net.inputs).map { _ in rng.uniform(0, 1) < 0.1 ? 1.0 : 0.0 }
  let inputs = [binary, rng.vector(net.inputs)]
  var ws: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: 2)
  for r in 0..<2 { net.forward(params: params, input: inputs[r], row: r, workspace: &ws) }
  for r in 0..<2 {
    let expected = referenceConvNetOutput(net, params: params, input: inputs[r])
    for k in 0..<5 { #expect(abs(ws.output(row: r, index: k) - expected[k]) < 1e-11) }
    let features = referenceConvolution(net.convolution, params: params, input: inputs[r])
    for k in stride(from: 0, to: features.count, by: 7) {
      #expect(abs(ws.activation(layer: 1, row: r, index: k) - max(features[k], 0)) < 1e-12)
    }
    #expect(ws.activation(layer: 0, row: r, index: 9) == inputs[r][9])
  }
}

@Test func convNetFloatAndDoubleAgree() {
  let net = ConvNet(channels: 4, outputs: 6, name: "p")
  var rng = TestRNG(seed: 102)
  var pd = [Double](repeating: 0, count: net.parameterCount)
  net.initialize(&pd, rng: &rng, outputGain: 1)
  for t in net.tensors where t.name.hasSuffix("bias") {
    for k in t.range { pd[k] = rng.uniform(-0.2, 0.2) }
  }
  let pf = pd.map { Float($0) }
  let batch = 5
  let inputs = (0..<batch).map { _ in (0..<net.inputs).map { _ in Float(rng.uniform(0, 1) < 0.2 ? 1 : 0) } }
  let coefficients = (0..<batch).map { _ in rng.vector(6).map { Float($0) } }
  var wd: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: batch)
  var wf: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: batch)
  for r in 0..<batch {
    net.forward(params: pd, input: inputs[r].map { Double($0) }, row: r, workspace: &wd)
    net.forward(params: pf, input: inputs[r], row: r, workspace: &wf)
    for k in 0..<6 {
      #expect(abs(Double(wf.output(row: r, index: k)) - wd.output(row: r, index: k)) < 1e-5)
      wd.setOutputGradient(row: r, index: k, value: Double(coefficients[r][k]))
      wf.setOutputGradient(row: r, index: k, value: coefficients[r][k])
    }
  }
  var gd = [Double](repeating: 0, count: pd.count)
  var gf = [Float](repeating: 0, count: pf.count)
  net.backward(params: pd, batch: batch, workspace: &wd, gradients: &gd)
  net.backward(params: pf, batch: batch, workspace: &wf, gradients: &gf)
  var worst = 0.0
  for k in gd.indices { worst = max(worst, abs(Double(gf[k]) - gd[k]) / max(1, abs(gd[k]))) }
  #expect(worst < 1e-5, "worst Float/Double gradient difference \(worst)")
  #expect(gd[0..<592].contains { abs($0) > 1e-2 })
}
