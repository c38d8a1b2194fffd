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
  // He-uniform for the convolution (fan-in 3·3·7 = 63), Glorot for the head
  // (4·4·16 = 256 features → 16 → 3), the output layer scaled by the gain.
  let convLimit = (6.0 / 63).squareRoot()
  let hiddenLimit = (6.0 / Double(256 + 16)).squareRoot()
  let outputLimit = (6.0 / Double(16 + 3)).squareRoot() * 0.01
  checkInitialization(net, weightLimits: [convLimit, hiddenLimit, outputLimit])
}

@Test(arguments: [4, 7, 10])
func convNetForwardMatchesReference(channels: Int) {
  let net = ConvNet(channels: channels, outputs: 5, name: "f", parameterOffset: 3)
  var rng = TestRNG(seed: 101)
  let params = parameters(for: net, count: net.parameterRange.upperBound, biases: 0.2, rng: &rng)
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
  let params = parameters(for: net, count: net.parameterCount, biases: 0.2, rng: &rng)
  let inputs = (0..<5).map { _ in (0..<net.inputs).map { _ in Float(rng.uniform(0, 1) < 0.2 ? 1 : 0) } }
  let coefficients = (0..<5).map { _ in rng.vector(6).map { Float($0) } }
  let difference = floatDoubleComparison(net, params: params, inputs: inputs, coefficients: coefficients)
  #expect(difference.output < 1e-5, "worst Float/Double output difference \(difference.output)")
  #expect(difference.gradient < 1e-5, "worst Float/Double gradient difference \(difference.gradient)")
  #expect(difference.doubleGradient[0..<592].contains { abs($0) > 1e-2 })
}
