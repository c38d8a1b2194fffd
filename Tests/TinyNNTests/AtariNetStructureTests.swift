// AtariNetStructureTests.swift — the paper's Atari network: its tensor
// table and parameter count, initialisation, every layer's forward against
// the reference loops, Float against Double, the K-row forward against K
// one-row forwards, and the byte forward against the float one.

import Testing
import TinyNN

@Test func atariNetHasThePapersShapesAndPyTorchLayouts() {
  // 4×84×84 → 16 × 8×8/4 → 20×20×16 → 32 × 4×4/2 → 9×9×32 = 2592 → 256 → 6 + 1.
  let net = AtariNet(outputs: 7, name: "actor_critic")
  #expect(net.parameterCount == 677_943)
  #expect(net.parameterCount == (4 * 64 * 16 + 16) + (16 * 16 * 32 + 32) + (2592 * 256 + 256) + (256 * 6 + 6) + 257)
  #expect(net.inputs == 4 * 84 * 84 && net.outputs == 7)
  #expect(net.convolutions.map(\.outputHeight) == [20, 9] && net.convolutions.map(\.outputWidth) == [20, 9])
  let expected: [(String, Int, Int)] = [
    ("actor_critic.conv1.weight", 16, 256), ("actor_critic.conv1.bias", 1, 16),
    ("actor_critic.conv2.weight", 32, 256), ("actor_critic.conv2.bias", 1, 32),
    ("actor_critic.fc1.weight", 256, 2592), ("actor_critic.fc1.bias", 1, 256),
    ("actor_critic.fc2.weight", 7, 256), ("actor_critic.fc2.bias", 1, 7),
  ]
  #expect(net.tensors.map { ($0.name, $0.rows, $0.cols) }.elementsEqual(expected) { $0 == $1 })
  var offset = 0
  for t in net.tensors {
    #expect(t.offset == offset && t.count == t.rows * t.cols)
    offset += t.count
  }
  #expect(offset == net.parameterCount)
  // The LSTM torso: the dense layer is the (linear) output.
  let torso = AtariNet(hidden: [], outputs: 256, name: "torso", parameterOffset: 9)
  #expect(torso.tensors.map(\.name) == ["torso.conv1.weight", "torso.conv1.bias", "torso.conv2.weight",
                                        "torso.conv2.bias", "torso.fc1.weight", "torso.fc1.bias"])
  #expect(torso.parameterCount == 677_943 - 1799 && torso.parameterRange.lowerBound == 9)
}

@Test func atariNetInitializeIsDeterministicAndTouchesOnlyItsSlice() {
  // He-uniform convolutions (fan-in 2·4·4 = 32, 16·2·2 = 64), Glorot dense
  // layers (64 → 5 → 3), the output layer scaled by the gain.
  let net = SmallAtariNets.even()
  checkInitialization(net, weightLimits: [(6.0 / 32).squareRoot(), (6.0 / 64).squareRoot(),
                                          (6.0 / 69).squareRoot(), (6.0 / 8).squareRoot() * 0.01])
}

/// Every layer of rows 0..<batch in `ws` against the reference loops: the
/// first convolutions [oy][ox][f], the last [f][oy][ox], then the dense
/// layers; hidden layers after their ReLU, the output linear.
private func expectLayersMatchReference(_ net: AtariNet, params: [Double], inputs: [Double], batch: Int,
                                        _ ws: NetworkWorkspace<Double>, tolerance: Double) {
  var worst = 0.0
  for r in 0..<batch {
    let reference = ReferenceAtariRow(net, params: params,
                                      input: Array(inputs[(r * net.inputs)..<((r + 1) * net.inputs)]))
    for (l, conv) in net.convolutions.enumerated() {
      let z = reference.preActivations[l]
      let last = l == net.convolutions.count - 1
      for f in 0..<conv.filters {
        for p in 0..<conv.positions {
          let index = last ? f * conv.positions + p : p * conv.filters + f
          worst = max(worst, abs(ws.activation(layer: l + 1, row: r, index: index) - max(z[f * conv.positions + p], 0)))
        }
      }
    }
    for (l, layer) in net.dense.enumerated() {
      let z = reference.preActivations[net.convolutions.count + l]
      let output = l == net.dense.count - 1
      for j in 0..<layer.outputs {
        let value = ws.activation(layer: net.convolutions.count + l + 1, row: r, index: j)
        worst = max(worst, abs(value - (output ? z[j] : max(z[j], 0))))
      }
    }
  }
  #expect(worst < tolerance, "largest difference from the reference \(worst)")
}

@Test(arguments: [1, 2, 7])
func atariNetLayersMatchTheReferenceLoops(rows: Int) {
  for net in [SmallAtariNets.even(), SmallAtariNets.odd()] {
    let problem = AtariProblem(net, batch: rows, seed: 500 + UInt64(rows), biases: 0.3)
    var ws: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: rows)
    net.forward(params: problem.params, input: problem.inputs, inputOffset: 0, rows: rows, firstRow: 0,
                workspace: &ws)
    expectLayersMatchReference(net, params: problem.params, inputs: problem.inputs, batch: rows, ws,
                               tolerance: 1e-12)
  }
}

@Test func papersAtariNetLayersMatchTheReferenceLoops() {
  let net = AtariNet(outputs: 7, name: "ac", parameterOffset: 2)
  let problem = AtariProblem(net, batch: 2, seed: 510)
  var ws: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: 2)
  net.forward(params: problem.params, input: problem.inputs, inputOffset: 0, rows: 2, firstRow: 0, workspace: &ws)
  expectLayersMatchReference(net, params: problem.params, inputs: problem.inputs, batch: 2, ws, tolerance: 1e-11)
  // Not vacuous: the ReLUs keep some features and drop others.
  let features = (0..<2592).map { ws.activation(layer: 2, row: 0, index: $0) }
  #expect(features.contains { $0 > 0 } && features.contains { $0 == 0 })
}

@Test func atariNetFloatAndDoubleAgree() {
  let net = AtariNet(outputs: 7, name: "ac")
  let problem = AtariProblem(net, batch: 3, seed: 520)
  let inputs = (0..<3).map { r in problem.bytes[(r * net.inputs)..<((r + 1) * net.inputs)].map { Float($0) / 255 } }
  let coefficients = problem.coefficients.map { $0.map(Float.init) }
  let difference = floatDoubleComparison(net, params: problem.params, inputs: inputs, coefficients: coefficients)
  #expect(difference.output < 1e-4, "worst Float/Double output difference \(difference.output)")
  #expect(difference.gradient < 1e-4, "worst Float/Double gradient difference \(difference.gradient)")
  #expect(difference.doubleGradient[net.tensors[0].range].contains { abs($0) > 1e-2 })
}

/// `net`'s K-row forward (rows into workspace rows firstRow…) against
/// one-row forwards of the same rows: bit-equal.
private func expectRowsEqualOneRowForwards<S: NNScalar>(_ net: AtariNet, _: S.Type, rows: Int, firstRow: Int,
                                                        seed: UInt64) {
  let problem = AtariProblem(net, batch: rows, seed: seed, biases: 0.3)
  let params = problem.params.map { S($0) }, input = problem.bytes.map { S($0) / 255 }
  var one: NetworkWorkspace<S> = net.makeWorkspace(maxBatch: firstRow + rows)
  var many: NetworkWorkspace<S> = net.makeWorkspace(maxBatch: firstRow + rows)
  for r in 0..<rows {
    net.forward(params: params, input: input, inputOffset: r * net.inputs, row: firstRow + r, workspace: &one)
  }
  net.forward(params: params, input: input, inputOffset: 0, rows: rows, firstRow: firstRow, workspace: &many)
  var differing = 0
  for r in firstRow..<(firstRow + rows) {
    for k in 0..<net.outputs where one.output(row: r, index: k) != many.output(row: r, index: k) { differing += 1 }
    for k in stride(from: 0, to: 2592, by: 13) where net.inputs == 28_224 {
      if one.activation(layer: 2, row: r, index: k) != many.activation(layer: 2, row: r, index: k) { differing += 1 }
    }
  }
  #expect(differing == 0, "\(differing) values differ between the K-row and the one-row forward")
}

@Test func papersAtariNetRowsEqualOneRowForwards() {
  // 7 rows: a position block spans rows, the dense rows go 2, 2, 2, 1.
  expectRowsEqualOneRowForwards(AtariNet(outputs: 7, name: "ac"), Float.self, rows: 7, firstRow: 1, seed: 530)
}

@Test(arguments: [2, 5, 8])
func atariNetRowsEqualOneRowForwards(rows: Int) {
  expectRowsEqualOneRowForwards(SmallAtariNets.odd(outputs: 8), Float.self, rows: rows, firstRow: 0,
                                seed: 540 + UInt64(rows))
  expectRowsEqualOneRowForwards(SmallAtariNets.even(outputs: 13, hidden: [19]), Double.self, rows: rows,
                                firstRow: 2, seed: 550 + UInt64(rows))
}

/// The byte forward of `net` against its float forward on byte/255, for
/// rows 0..<rows from `firstRow`: bit-equal outputs.
private func expectByteForwardEqualsFloatForward<S: NNScalar>(_ net: some Network, _: S.Type, rows: Int,
                                                              seed: UInt64) {
  var rng = TestRNG(seed: seed)
  var params = [S](repeating: 0, count: net.parameterRange.upperBound)
  net.initialize(&params, rng: &rng, outputGain: 1)
  for t in net.tensors where t.name.hasSuffix("bias") { for k in t.range { params[k] = S(rng.uniform(-0.3, 0.3)) } }
  let bytes = (0..<(rows * net.inputs + 5)).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 40) }
  let floats = bytes.map { S($0) / 255 }
  var fromBytes: NetworkWorkspace<S> = net.makeWorkspace(maxBatch: rows + 1)
  var fromFloats: NetworkWorkspace<S> = net.makeWorkspace(maxBatch: rows + 1)
  net.forward(params: params, bytes: bytes, inputOffset: 5, rows: rows, firstRow: 1, workspace: &fromBytes)
  net.forward(params: params, input: floats, inputOffset: 5, rows: rows, firstRow: 1, workspace: &fromFloats)
  for r in 1...rows {
    for k in 0..<net.outputs { #expect(fromBytes.output(row: r, index: k) == fromFloats.output(row: r, index: k)) }
  }
  // The one-row form, and what the backward reads: the same input row.
  net.forward(params: params, bytes: bytes, inputOffset: 5 + (rows - 1) * net.inputs, row: 0, workspace: &fromBytes)
  for k in 0..<net.outputs { #expect(fromBytes.output(row: 0, index: k) == fromFloats.output(row: rows, index: k)) }
  for k in stride(from: 0, to: net.inputs, by: 7) {
    #expect(fromBytes.activation(layer: 0, row: 1, index: k) == floats[5 + k])
  }
}

@Test func byteForwardEqualsFloatForwardOnByteOver255() {
  expectByteForwardEqualsFloatForward(AtariNet(outputs: 7, name: "ac"), Float.self, rows: 2, seed: 560)
  expectByteForwardEqualsFloatForward(AtariNet(outputs: 7, name: "ac"), Double.self, rows: 1, seed: 561)
  expectByteForwardEqualsFloatForward(SmallAtariNets.odd(), Float.self, rows: 3, seed: 562)
  // The protocol's default, for the other networks.
  expectByteForwardEqualsFloatForward(MLP(inputs: 20, hidden: [8], outputs: 3, activation: .tanh, name: "m"),
                                      Float.self, rows: 3, seed: 563)
  expectByteForwardEqualsFloatForward(ConvNet(height: 6, width: 6, channels: 3, outputs: 4, name: "c"),
                                      Double.self, rows: 4, seed: 564)
}

@Test func everyByteBecomesItsValueOver255() {
  // One input row holding all 256 byte values: the first layer's input.
  let net = AtariNet(channels: 1, height: 16, width: 16,
                     convolutions: [.init(filters: 16, kernelSize: 16, stride: 1)], hidden: [], outputs: 1, name: "x")
  let bytes = (0..<256).map { UInt8($0) }
  var params = [Float](repeating: 0, count: net.parameterCount)
  var ws: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: 1)
  net.forward(params: params, bytes: bytes, inputOffset: 0, row: 0, workspace: &ws)
  #expect((0..<256).allSatisfy { ws.activation(layer: 0, row: 0, index: $0) == Float($0) / 255 })
  // A single filter summing the row: 255 · mean = Σ b/255 within rounding.
  for k in 0..<256 { params[k] = 1 }
  net.forward(params: params, bytes: bytes, inputOffset: 0, row: 0, workspace: &ws)
  #expect(abs(ws.activation(layer: 1, row: 0, index: 0) - 128) < 1e-3)
}
