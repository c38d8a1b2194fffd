// Linear.swift — one dense layer in PyTorch's `nn.Linear` layout, as
// `AtariNet` uses them after its convolutions.
//
// `MLP` stores W fan-in × fan-out (its forward is a sum of axpys); a
// `Linear` stores it [outputs][inputs] like PyTorch, so each output is one
// contiguous dot product: the K-row forward is a register-blocked product
// over those rows (BatchKernels.swift), and export needs no transpose.

/// y = b + W·x, W `outputs × inputs` row-major (W[j, i] at `weightOffset +
/// j·inputs + i`), then b (`outputs` values).
public struct Linear: Sendable, Equatable {
  public let inputs: Int
  public let outputs: Int
  /// Where W starts in the flat vector (b follows it).
  public let parameterOffset: Int

  public init(inputs: Int, outputs: Int, parameterOffset: Int = 0) {
    precondition(inputs >= 1 && outputs >= 1, "TinyNN: a dense layer needs inputs and outputs")
    precondition(parameterOffset >= 0)
    self.inputs = inputs
    self.outputs = outputs
    self.parameterOffset = parameterOffset
  }

  @inlinable public var weightOffset: Int { parameterOffset }
  @inlinable public var biasOffset: Int { parameterOffset + inputs * outputs }
  /// W and b.
  @inlinable public var parameterCount: Int { inputs * outputs + outputs }

  /// W (`outputs` rows × `inputs` columns) and b, with absolute offsets.
  public func tensors(name: String) -> [TensorInfo] {
    [TensorInfo(name: "\(name).weight", rows: outputs, cols: inputs, offset: weightOffset, count: inputs * outputs),
     TensorInfo(name: "\(name).bias", rows: 1, cols: outputs, offset: biasOffset, count: outputs)]
  }

  /// W Glorot-uniform, U(−a, a) with a = √(6 / (inputs + outputs)), times
  /// `gain`; b = 0 — `MLP.initialize`'s rule, uniforms as 53-bit doubles in
  /// storage order.
  @inlinable
  public func initialize<S: NNScalar>(_ params: inout [S], rng: inout some RandomNumberGenerator, gain: S) {
    precondition(params.count >= parameterOffset + parameterCount,
                 "TinyNN: parameter vector too short for the dense layer")
    let limit = (6.0 / Double(inputs + outputs)).squareRoot()
    fillUniform(&params, weights: weightOffset, weightCount: inputs * outputs, limit: limit, gain: gain,
                bias: biasOffset, biasCount: outputs, rng: &rng)
  }
}
