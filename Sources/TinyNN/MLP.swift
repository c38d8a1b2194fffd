// MLP.swift — a fully connected network over a caller-owned flat parameter
// vector, with manual backprop.
//
// Parameters and gradients live in flat arrays owned by the caller (a worker
// copies the shared parameters into one `[Float]`, and a C kernel applies the
// flat gradient to shared memory), so an `MLP` is only a description: shapes
// plus offsets. Several MLPs can share one vector via `parameterOffset`.

/// A fully connected chain inputs → hidden[0] → … → outputs with
/// `activation` after every hidden layer and a linear output layer.
///
/// Storage, for layer l with fan-in n_l and fan-out m_l (in order, starting
/// at `parameterOffset`):
/// - `"\(name).\(l).weight"`: W_l, `n_l × m_l` row-major, i.e. W[i, j] (input
///   i → output j) at `offset + i·m_l + j`. This is the transpose of the
///   PyTorch `Linear.weight` layout, chosen so the forward pass is a sum of
///   contiguous axpys y += x_i·W[i, :] and the backward weight gradient is
///   dW[i, :] += x_i·δ[:].
/// - `"\(name).\(l).bias"`: b_l, `m_l` values (a 1 × m_l tensor).
///
/// Forward for one row: a_0 = x, z_{l+1} = b_l + a_l·W_l,
/// a_{l+1} = f(z_{l+1}) for hidden layers, output = z_L.
public struct MLP: Network {
  public let inputs: Int
  public let outputs: Int
  public let hidden: [Int]
  public let activation: Activation
  public let name: String
  /// Where this MLP's parameters start in the flat vector.
  public let parameterOffset: Int
  /// Scalars this MLP owns: Σ_l (n_l·m_l + m_l).
  public let parameterCount: Int
  /// [inputs, hidden..., outputs].
  @usableFromInline let widths: [Int]
  /// Absolute offsets of W_l and b_l (identical in the gradient vector).
  @usableFromInline let weightOffsets: [Int]
  @usableFromInline let biasOffsets: [Int]

  public init(inputs: Int, hidden: [Int], outputs: Int, activation: Activation,
              name: String, parameterOffset: Int = 0) {
    precondition(inputs >= 1 && outputs >= 1 && hidden.allSatisfy { $0 >= 1 },
                 "TinyNN: every layer needs at least one unit")
    precondition(parameterOffset >= 0)
    self.inputs = inputs
    self.outputs = outputs
    self.hidden = hidden
    self.activation = activation
    self.name = name
    self.parameterOffset = parameterOffset
    let widths = [inputs] + hidden + [outputs]
    self.widths = widths
    var weightOffsets: [Int] = [], biasOffsets: [Int] = []
    var cursor = parameterOffset
    for l in 0..<(widths.count - 1) {
      weightOffsets.append(cursor)
      cursor += widths[l] * widths[l + 1]
      biasOffsets.append(cursor)
      cursor += widths[l + 1]
    }
    self.weightOffsets = weightOffsets
    self.biasOffsets = biasOffsets
    self.parameterCount = cursor - parameterOffset
  }

  /// Number of dense layers (hidden.count + 1).
  @inlinable public var layerCount: Int { widths.count - 1 }

  /// The tensors in storage order with absolute offsets.
  public var tensors: [TensorInfo] {
    var result: [TensorInfo] = []
    for l in 0..<layerCount {
      let n = widths[l], m = widths[l + 1]
      result.append(TensorInfo(name: "\(name).\(l).weight", rows: n, cols: m,
                               offset: weightOffsets[l], count: n * m))
      result.append(TensorInfo(name: "\(name).\(l).bias", rows: 1, cols: m,
                               offset: biasOffsets[l], count: m))
    }
    return result
  }

  /// Fills this MLP's slice of `params` (nothing else is touched).
  ///
  /// Weights are Glorot/Xavier-uniform, U(−a, a) with a = √(6 / (n + m)),
  /// which keeps activation variance roughly constant through tanh layers;
  /// biases are 0. The output layer's weights are additionally multiplied by
  /// `outputGain`: a small gain (0.01) for a policy head starts the policy
  /// near uniform (maximal entropy), 1.0 suits a value head.
  ///
  /// Uniforms are drawn as 53-bit doubles in a fixed order (layer by layer,
  /// row-major) and rounded to `S` once, so Float and Double initialisations
  /// from the same generator state agree to Float rounding.
  @inlinable
  public func initialize<S: NNScalar>(
    _ params: inout [S], rng: inout some RandomNumberGenerator, outputGain: S
  ) {
    precondition(params.count >= parameterOffset + parameterCount,
                 "TinyNN: parameter vector too short for \(name)")
    for l in 0..<layerCount {
      let n = widths[l], m = widths[l + 1]
      let limit = (6.0 / Double(n + m)).squareRoot()
      let gain: S = l == layerCount - 1 ? outputGain : 1
      fillUniform(&params, weights: weightOffsets[l], weightCount: n * m, limit: limit, gain: gain,
                  bias: biasOffsets[l], biasCount: m, rng: &rng)
    }
  }

  /// A workspace for up to `maxBatch` rows.
  @inlinable
  public func makeWorkspace<S: NNScalar>(maxBatch: Int) -> NetworkWorkspace<S> {
    NetworkWorkspace(widths: widths, maxBatch: maxBatch)
  }

  /// Forward for one row: copies `input[inputOffset ..< inputOffset+inputs]`
  /// into the workspace at `row` and computes every layer's activations for
  /// that row. Read the result with `workspace.output(row:index:)` or
  /// `workspace.activations` at `workspace.outputOffset(row:)`.
  /// Rows are independent; allocates nothing.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, row: Int,
    workspace: inout NetworkWorkspace<S>
  ) {
    precondition(row >= 0, "TinyNN: row \(row) out of range")
    workspace.check(madeFor: widths, rows: row + 1)
    let inputStart = workspace.layerOffsets[0] + row * inputs
    Kernels.copy(input, from: inputOffset, to: &workspace._activations, at: inputStart,
                 count: inputs)
    forwardLayers(params: params, row: row, workspace: &workspace, firstLayer: 0)
  }

  /// Forward for `rows` consecutive rows (input row r at `inputOffset +
  /// r·inputs`) into workspace rows `firstRow ..< firstRow + rows`: each
  /// layer is one K-row product (`Kernels.denseForwardRows`, register
  /// blocks of rows × 16 outputs), and each output is the same sum, in the
  /// same order, as the one-row `forward` forms, so results are bit-equal.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>
  ) {
    precondition(firstRow >= 0 && rows >= 0, "TinyNN: rows \(firstRow)..<\(firstRow + rows) out of range")
    workspace.check(madeFor: widths, rows: firstRow + rows)
    if rows == 0 { return }
    let inputStart = workspace.layerOffsets[0] + firstRow * inputs
    Kernels.copy(input, from: inputOffset, to: &workspace._activations, at: inputStart,
                 count: rows * inputs)
    forwardRowsLayers(params: params, rows: rows, firstRow: firstRow, workspace: &workspace, firstLayer: 0)
  }

  /// The dense layers of the K-row `forward` for workspace rows `firstRow
  /// ..< firstRow + rows` whose input is already in the workspace (layers
  /// shifted by `firstLayer`, as in `forwardLayers`).
  @inlinable @inline(__always)
  func forwardRowsLayers<S: NNScalar>(
    params: [S], rows: Int, firstRow: Int, workspace: inout NetworkWorkspace<S>, firstLayer: Int
  ) {
    let last = layerCount - 1
    for l in 0...last {
      let n = widths[l], m = widths[l + 1]
      Kernels.denseForwardRows(
        params: params, weightOffset: weightOffsets[l], biasOffset: biasOffsets[l],
        fanIn: n, fanOut: m, rows: rows, values: &workspace._activations,
        inputOffset: workspace.layerOffsets[firstLayer + l] + firstRow * n,
        outputOffset: workspace.layerOffsets[firstLayer + l + 1] + firstRow * m,
        activation: l == last ? nil : activation)
    }
  }

  /// The dense layers of `forward` for one row whose input is already in
  /// the workspace: layer l reads workspace layer `firstLayer + l` and
  /// writes `firstLayer + l + 1`. A `ConvNet` runs its dense head with
  /// `firstLayer` 1, after the convolution's feature maps.
  @inlinable @inline(__always)
  func forwardLayers<S: NNScalar>(
    params: [S], row: Int, workspace: inout NetworkWorkspace<S>, firstLayer: Int
  ) {
    let last = layerCount - 1
    for l in 0...last {
      let n = widths[l], m = widths[l + 1]
      let x = workspace.layerOffsets[firstLayer + l] + row * n
      let y = workspace.layerOffsets[firstLayer + l + 1] + row * m
      Kernels.denseForwardRow(
        params: params, weightOffset: weightOffsets[l], biasOffset: biasOffsets[l],
        fanIn: n, fanOut: m, values: &workspace._activations,
        inputOffset: x, outputOffset: y, activation: l == last ? nil : activation)
    }
  }

  /// Backward over rows 0..<batch, which must have been run through
  /// `forward` with the same `params`.
  ///
  /// Reads dL/d(output) from `workspace.outputGradient` (rows 0..<batch) and
  /// accumulates (+=) dL/dθ, summed over the rows, into `gradients` at this
  /// MLP's offsets (same layout as `params`), so gradients add up across
  /// rows, calls, and MLPs sharing a vector. Allocates nothing.
  @inlinable
  public func backward<S: NNScalar>(
    params: [S], batch: Int, workspace: inout NetworkWorkspace<S>, gradients: inout [S]
  ) {
    workspace.check(madeFor: widths, rows: batch)
    if batch == 0 { return }
    backwardLayers(params: params, batch: batch, workspace: &workspace, gradients: &gradients,
                   firstLayer: 0, inputDeltas: false)
  }

  /// The dense layers of `backward` (workspace layers shifted by
  /// `firstLayer`, as in `forwardLayers`). With `inputDeltas`, layer 0 also
  /// writes dL/d(pre-activation of its input) into the deltas of workspace
  /// layer `firstLayer`, taking the input to have gone through `activation`
  /// — a `ConvNet` needs that for its convolution; a plain MLP does not.
  @inlinable @inline(__always)
  func backwardLayers<S: NNScalar>(
    params: [S], batch: Int, workspace: inout NetworkWorkspace<S>, gradients: inout [S],
    firstLayer: Int, inputDeltas: Bool
  ) {
    let last = layerCount
    // The output layer is linear, so δ_L = dL/d(output).
    let outputDeltas = workspace.layerOffsets[firstLayer + last]
    Kernels.copy(workspace.outputGradient, from: 0, to: &workspace.deltas,
                 at: outputDeltas, count: batch * outputs)
    for l in stride(from: last - 1, through: 0, by: -1) {
      let inputRegion = workspace.layerOffsets[firstLayer + l]
      let outputRegion = workspace.layerOffsets[firstLayer + l + 1]
      Kernels.denseBackward(
        params: params, weightOffset: weightOffsets[l],
        fanIn: widths[l], fanOut: widths[l + 1], batch: batch,
        values: workspace._activations, inputOffset: inputRegion,
        deltas: &workspace.deltas, outputDeltaOffset: outputRegion,
        inputDeltaOffset: l > 0 || inputDeltas ? inputRegion : nil,
        inputActivation: activation,
        gradients: &gradients,
        weightGradientOffset: weightOffsets[l], biasGradientOffset: biasOffsets[l])
    }
  }
}
