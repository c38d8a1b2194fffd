// BatchedForwardTests.swift — the K-row forward (register blocks of 4 rows ×
// 16 outputs) against the one-row forward: every output forms the same sum
// in the same order, so the results must be bit-equal, for row counts that
// hit the blocks and the leftovers, widths that hit the 16/8/1 column paths,
// both activations, Float and Double; and the default (looping) forward of
// another conformer.

import Testing
import TinyNN

private func compareBatched<S: NNScalar>(_ net: some Network, _: S.Type, rows: Int, firstRow: Int, seed: UInt64,
                                         zeroFraction: Double = 0, binary: Bool = false) {
  var rng = SplitMixForTests(seed: seed)
  var params = [S](repeating: 0, count: net.parameterCount)
  net.initialize(&params, rng: &rng, outputGain: 1)
  // Non-zero biases, so the sums start from something.
  for j in params.indices where j % 7 == 3 { params[j] = S(Double(rng.next() % 1000) / 1000 - 0.5) }
  var input = [S](repeating: 0, count: rows * net.inputs)
  for j in input.indices { input[j] = S(Double(rng.next() % 2001) / 1000 - 1) }
  if binary { for j in input.indices { input[j] = input[j] > 0.5 ? 1 : 0 } }
  // Exact zeros, so the wide layers' zero skipping (and, across a block of
  // rows, the union of their non-zero inputs) is exercised.
  for j in input.indices where Double(rng.next() % 1000) / 1000 < zeroFraction { input[j] = 0 }
  var one: NetworkWorkspace<S> = net.makeWorkspace(maxBatch: firstRow + rows)
  var many: NetworkWorkspace<S> = net.makeWorkspace(maxBatch: firstRow + rows)
  for r in 0..<rows {
    net.forward(params: params, input: input, inputOffset: r * net.inputs, row: firstRow + r, workspace: &one)
  }
  net.forward(params: params, input: input, inputOffset: 0, rows: rows, firstRow: firstRow, workspace: &many)
  for r in firstRow..<(firstRow + rows) {
    for k in 0..<net.outputs {
      #expect(one.output(row: r, index: k) == many.output(row: r, index: k), "row \(r) output \(k)")
    }
  }
}

/// A tiny deterministic generator (the tests must not depend on BuiltInEnvs).
struct SplitMixForTests: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Suite struct BatchedForwardTests {
  @Test(arguments: [1, 2, 3, 4, 5, 8, 9, 16, 17, 64])
  func mlpRowsEqualOneRowForwards(rows: Int) {
    for activation in Activation.allCases {
      // 64-wide (16-blocks), 37 (16, 16, then scalars), 8 (one SIMD8), 3 (scalars).
      let net = MLP(inputs: 4, hidden: [64, 37, 8], outputs: 3, activation: activation, name: "m")
      compareBatched(net, Float.self, rows: rows, firstRow: 0, seed: UInt64(rows))
      compareBatched(net, Double.self, rows: rows, firstRow: 2, seed: UInt64(rows) + 100)
    }
  }

  @Test func wideInputsTakeTheZeroSkippingRowsAndStillAgree() {
    // fanIn ≥ 256 goes row by row through the zero-skipping sweep.
    let net = MLP(inputs: 300, hidden: [40], outputs: 5, activation: .relu, name: "w")
    compareBatched(net, Float.self, rows: 6, firstRow: 1, seed: 9)
  }

  @Test(arguments: [4, 5, 7, 8, 13])
  func wideReLURowsSkipTheUnionOfZerosAndStillAgree(rows: Int) {
    // fanIn ≥ 256 with a ReLU: blocks of four rows over the union of their
    // non-zero inputs; a union sum may differ only in the sign of a zero,
    // which the ReLU removes. Many zeros, so rows differ in which are set.
    let net = MLP(inputs: 320, hidden: [48, 20], outputs: 5, activation: .relu, name: "w")
    compareBatched(net, Float.self, rows: rows, firstRow: 1, seed: UInt64(rows) + 7, zeroFraction: 0.7)
    compareBatched(net, Double.self, rows: rows, firstRow: 0, seed: UInt64(rows) + 8, zeroFraction: 0.5)
    // tanh keeps the row-by-row sweep.
    let tanhNet = MLP(inputs: 320, hidden: [40], outputs: 3, activation: .tanh, name: "t")
    compareBatched(tanhNet, Float.self, rows: rows, firstRow: 0, seed: UInt64(rows) + 9, zeroFraction: 0.7)
  }

  @Test(arguments: [1, 4, 6, 8, 9])
  func minAtarConvNetRowsEqualOneRowForwards(rows: Int) {
    // MinAtar's network (10×10×4 binary planes, 16 filters, 1024 → 128 ReLU):
    // the head's wide layer takes the four-row union path.
    let net = ConvNet(channels: 4, outputs: 4, name: "m")
    compareBatched(net, Float.self, rows: rows, firstRow: 2, seed: UInt64(rows) + 20,
                   zeroFraction: 0.8, binary: true)
    let seaquest = ConvNet(channels: 10, outputs: 19, name: "s")
    compareBatched(seaquest, Float.self, rows: rows, firstRow: 0, seed: UInt64(rows) + 30,
                   zeroFraction: 0.9, binary: true)
  }

  @Test func convNetDefaultBatchedForwardLoopsTheOneRowForward() {
    let conv = ConvNet(height: 5, width: 5, channels: 2, filters: 8, hidden: [6], outputs: 3, name: "c")
    compareBatched(conv, Float.self, rows: 5, firstRow: 3, seed: 4)
  }
}
