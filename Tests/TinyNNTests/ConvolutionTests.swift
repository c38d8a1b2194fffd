// ConvolutionTests.swift — the convolution layer on its own: forward against a
// hand-worked example and the naive reference, backward (dW, db, dx) against
// central finite differences in Double.
//
// Step: with a linear output, L = Σ c·y is linear in each single parameter
// and each single input, so a central difference has no truncation error at
// any h. A large h (1e-2) then keeps the cancellation error of summing
// thousands of outputs (≈ ε·Σ|c·y|/h, 1e-7 at h = 1e-6) far below the
// tolerance, which is MLPGradientTests'.

import Testing
import TinyNN

private let tolerance = 1e-7
private let step = 1e-2

/// MinAtar's planes (Breakout/Asterix 4, Freeway 7, Seaquest 10 channels) and
/// odd shapes whose filter counts exercise every kernel path: 16-wide blocks,
/// an 8-wide block (24 = 16 + 8; 11 = 8 + 3; 9 = 8 + 1) and the scalar tail.
private let geometries = [
  Convolution(height: 10, width: 10, channels: 4, filters: 16, kernelSize: 3),
  Convolution(height: 10, width: 10, channels: 7, filters: 16, kernelSize: 3, parameterOffset: 3),
  Convolution(height: 10, width: 10, channels: 10, filters: 16, kernelSize: 3, parameterOffset: 1),
  Convolution(height: 6, width: 5, channels: 3, filters: 11, kernelSize: 2, parameterOffset: 2),
  Convolution(height: 5, width: 7, channels: 2, filters: 5, kernelSize: 4),
  Convolution(height: 4, width: 3, channels: 1, filters: 24, kernelSize: 1, parameterOffset: 4),
  // The kernel as tall as the planes: one output row, every cell at an edge.
  Convolution(height: 3, width: 4, channels: 2, filters: 9, kernelSize: 3),
]

/// A random layer, `batch` input rows and loss weights c: L = Σ c·y with a
/// linear output, so dL/dy = c is the δ `backward` takes.
private struct ConvolutionProblem {
  let conv: Convolution
  let batch: Int
  var params: [Double]
  /// batch × inputCount, row-major.
  var inputs: [Double]
  /// batch × outputCount, row-major.
  var coefficients: [Double]

  init(_ conv: Convolution, batch: Int, seed: UInt64) {
    self.conv = conv
    self.batch = batch
    var rng = TestRNG(seed: seed)
    params = rng.vector(conv.parameterOffset + conv.parameterCount + 3)  // extra tail
    for k in conv.tensors(name: "c")[1].range { params[k] = rng.uniform(-0.3, 0.3) }
    // Six inputs in ten exactly 0, so the kernels' skipping of empty cells
    // is exercised along with the arithmetic.
    inputs = rng.vector(batch * conv.inputCount)
    for k in inputs.indices where rng.uniform(0, 1) < 0.6 { inputs[k] = 0 }
    coefficients = rng.vector(batch * conv.outputCount, -2, 2)
  }

  /// Every row through `Convolution.forward`: [inputs | outputs] in one array.
  func outputs(params p: [Double], inputs x: [Double], activation: Activation? = nil) -> [Double] {
    let outputStart = batch * conv.inputCount
    var values = x + [Double](repeating: .nan, count: batch * conv.outputCount)
    for r in 0..<batch {
      conv.forward(params: p, values: &values, inputOffset: r * conv.inputCount,
                   outputOffset: outputStart + r * conv.outputCount, activation: activation)
    }
    return Array(values[outputStart...])
  }

  func loss(params p: [Double], inputs x: [Double]) -> Double {
    zip(outputs(params: p, inputs: x), coefficients).reduce(0) { $0 + $1.0 * $1.1 }
  }
}

@Test func convolutionForwardOfAKnownInput() {
  // 3×3 planes of 2 channels: x[row, col, 0] = 1…9 row by row, channel 1 = 10×.
  let conv = Convolution(height: 3, width: 3, channels: 2, filters: 2, kernelSize: 2,
                         parameterOffset: 1)
  var input: [Double] = []
  for v in 1...9 { input += [Double(v), Double(10 * v)] }
  // Filter 0 reads channel 0 with weights 1, 10, 100, 1000 at (ky, kx) =
  // (0,0), (0,1), (1,0), (1,1); filter 1 reads channel 1 at (1,1) only.
  var params = [Double](repeating: 0, count: 1 + conv.parameterCount)
  let taps: [Double] = [1, 10, 100, 1000]
  for (tap, weight) in taps.enumerated() { params[1 + (tap * 2 + 0) * 2 + 0] = weight }
  params[1 + (3 * 2 + 1) * 2 + 1] = 1
  params[conv.biasOffset] = 0.5
  params[conv.biasOffset + 1] = -100
  var values = input + [Double](repeating: 0, count: conv.outputCount)
  conv.forward(params: params, values: &values, inputOffset: 0, outputOffset: input.count,
               activation: nil)
  // [oy][ox][filter]: filter 0 = x00 + 10·x01 + 100·x10 + 1000·x11 + 0.5;
  // filter 1 = 10·x11 − 100.
  let expected: [Double] = [5421.5, -50, 6532.5, -40, 8754.5, -20, 9865.5, -10]
  #expect(Array(values[input.count...]) == expected)
  #expect(referenceConvolution(conv, params: params, input: input) == expected)
  conv.forward(params: params, values: &values, inputOffset: 0, outputOffset: input.count,
               activation: .relu)
  #expect(Array(values[input.count...]) == expected.map { max($0, 0) })
}

@Test(arguments: geometries)
func convolutionForwardMatchesReference(conv: Convolution) {
  let problem = ConvolutionProblem(conv, batch: 2, seed: 61)
  let activations: [Activation?] = [nil, .tanh, .relu]
  for activation in activations {
    let y = problem.outputs(params: problem.params, inputs: problem.inputs, activation: activation)
    var worst = 0.0
    for r in 0..<2 {
      let x = Array(problem.inputs[(r * conv.inputCount)..<((r + 1) * conv.inputCount)])
      let z = referenceConvolution(conv, params: problem.params, input: x)
      for k in z.indices {
        let expected = activation.map { referenceActivation($0, z[k]) } ?? z[k]
        worst = max(worst, abs(y[r * conv.outputCount + k] - expected))
      }
    }
    #expect(worst < 1e-12, "\(String(describing: activation)): worst difference \(worst)")
  }
}

@Test(arguments: geometries)
func convolutionGradients(conv: Convolution) {
  let problem = ConvolutionProblem(conv, batch: 3, seed: 62)
  var rng = TestRNG(seed: 63)
  // Start from non-zero gradients: backward must add, not overwrite.
  let start = rng.vector(problem.params.count)
  var gradients = start
  conv.backward(batch: 3, inputs: problem.inputs, inputOffset: 0, deltas: problem.coefficients,
                deltaOffset: 0, gradients: &gradients)
  let added = zip(gradients, start).map { $0 - $1 }
  let parameterError = maxGradientError(
    analytic: added, at: problem.params,
    indices: conv.parameterOffset..<(conv.parameterOffset + conv.parameterCount), h: step
  ) { problem.loss(params: $0, inputs: problem.inputs) }
  #expect(parameterError < tolerance, "max relative parameter-gradient error \(parameterError)")
  for k in 0..<conv.parameterOffset { #expect(gradients[k] == start[k]) }
  for k in (conv.parameterOffset + conv.parameterCount)..<start.count { #expect(gradients[k] == start[k]) }

  // dL/dx, written (=) over whatever the buffer held, after a 2-scalar prefix.
  var inputGradients = [Double](repeating: .nan, count: 2 + problem.inputs.count)
  conv.inputGradient(params: problem.params, batch: 3, deltas: problem.coefficients, deltaOffset: 0,
                     into: &inputGradients, at: 2)
  let inputError = maxGradientError(
    analytic: Array(inputGradients[2...]), at: problem.inputs, indices: problem.inputs.indices,
    h: step
  ) { problem.loss(params: problem.params, inputs: $0) }
  #expect(inputError < tolerance, "max relative input-gradient error \(inputError)")
  #expect(inputGradients[0].isNaN && inputGradients[1].isNaN)
  #expect(added.contains { abs($0) > 1e-3 } && inputGradients.contains { abs($0) > 1e-3 })
}

@Test(arguments: geometries)
func convolutionSumsInTheReferenceOrder(conv: Convolution) {
  // The kernels walk set inputs by (row, column, channel) — for one output
  // that is the reference's (ky, kx, c) order — and skip exact zeros, which
  // change no sum: the linear output equals the naive reference exactly.
  let problem = ConvolutionProblem(conv, batch: 2, seed: 64)
  let y = problem.outputs(params: problem.params, inputs: problem.inputs)
  for r in 0..<2 {
    let x = Array(problem.inputs[(r * conv.inputCount)..<((r + 1) * conv.inputCount)])
    let z = referenceConvolution(conv, params: problem.params, input: x)
    #expect(Array(y[(r * conv.outputCount)..<((r + 1) * conv.outputCount)]) == z)
  }
}
