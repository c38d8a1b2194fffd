// LSTM.swift — one LSTM layer over a caller-owned flat parameter vector:
// its shapes, offsets, tensors and initial values. The arithmetic is in
// LSTMKernels.swift; `RecurrentNetwork` runs it over a rollout.

/// An LSTM layer of `cells` cells reading `inputs` values per step, in
/// PyTorch's convention so its tensors can be exported as they are:
///
///     z = W_ih·x_t + W_hh·h_{t−1} + b          (4N values, gates i, f, g, o)
///     i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o)
///     c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
///
/// Storage, from `parameterOffset`: `"\(name).weight_ih"` (4N × inputs,
/// row-major: row r holds gate-unit r's input weights, W_ih[r, k] at
/// `offset + r·inputs + k`, as `torch.nn.LSTM.weight_ih_l0`),
/// `"\(name).weight_hh"` (4N × N) and `"\(name).bias"` (4N; PyTorch's
/// `bias_ih_l0 + bias_hh_l0` in one tensor, since only their sum matters).
/// Row-major rows make every gate's pre-activation one contiguous dot
/// product, and the backward weight gradient one axpy per row.
public struct LSTM: Sendable {
  public let inputs: Int
  public let cells: Int
  public let name: String
  public let parameterOffset: Int
  /// 4N·inputs + 4N·N + 4N.
  public let parameterCount: Int

  public init(inputs: Int, cells: Int, name: String = "lstm", parameterOffset: Int = 0) {
    precondition(inputs >= 1 && cells >= 1, "TinyNN: an LSTM needs inputs and cells")
    precondition(parameterOffset >= 0)
    self.inputs = inputs
    self.cells = cells
    self.name = name
    self.parameterOffset = parameterOffset
    parameterCount = 4 * cells * (inputs + cells + 1)
  }

  /// Absolute offset of W_ih.
  @inlinable public var inputWeightOffset: Int { parameterOffset }
  /// Absolute offset of W_hh.
  @inlinable public var recurrentWeightOffset: Int { parameterOffset + 4 * cells * inputs }
  /// Absolute offset of b.
  @inlinable public var biasOffset: Int { recurrentWeightOffset + 4 * cells * cells }

  /// W_ih, W_hh, b with absolute offsets.
  public var tensors: [TensorInfo] {
    let g = 4 * cells
    return [
      TensorInfo(name: "\(name).weight_ih", rows: g, cols: inputs, offset: inputWeightOffset, count: g * inputs),
      TensorInfo(name: "\(name).weight_hh", rows: g, cols: cells, offset: recurrentWeightOffset, count: g * cells),
      TensorInfo(name: "\(name).bias", rows: 1, cols: g, offset: biasOffset, count: g),
    ]
  }

  /// Weights U(−k, k) with k = 1/√N (PyTorch's LSTM default); biases 0
  /// except the forget gate's, 1, so a fresh cell keeps what it holds and
  /// gradients reach back through the rollout from the start (Jozefowicz
  /// et al. 2015). Uniforms as 53-bit doubles, in storage order.
  @inlinable
  public func initialize<S: NNScalar>(_ params: inout [S], rng: inout some RandomNumberGenerator) {
    precondition(params.count >= parameterOffset + parameterCount,
                 "TinyNN: parameter vector too short for \(name)")
    let k = 1 / Double(cells).squareRoot()
    for j in inputWeightOffset..<biasOffset {
      let u = Double(rng.next() >> 11) * 0x1.0p-53
      params[j] = S((2 * u - 1) * k)
    }
    for r in 0..<(4 * cells) { params[biasOffset + r] = r >= cells && r < 2 * cells ? 1 : 0 }
  }
}
