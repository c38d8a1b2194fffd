// ConvNet.swift — the MinAtar network: a convolution over the observation's
// planes, then dense layers, with manual backprop.
//
// Young & Tian (2019), the MinAtar paper, use one 3×3 convolution with 16
// filters, stride 1 and no padding, a ReLU, a dense layer of 128 ReLU units
// and a linear output (their reference DQN: nn.Conv2d(in_channels, 16,
// kernel_size=3, stride=1), then nn.Linear(8·8·16, 128)). Those are the
// defaults here. The dense part is an `MLP` whose layers run on the same
// workspace one layer further along, so it is the very code `MLP` runs.

/// A convolution followed by a dense head: input planes (stored
/// [row][column][channel]) → k×k convolution (stride 1, 'valid') →
/// `activation` → dense hidden layers with `activation` → linear output.
///
/// Storage (starting at `parameterOffset`): the convolution's
/// `"\(name).conv.weight"` (k·k·C × filters) and `"\(name).conv.bias"` (see
/// `Convolution`), then the head's `"\(name).0.weight"`, `"\(name).0.bias"`,
/// `"\(name).1.weight"`, … laid out as in `MLP`. The head's input is the
/// feature maps flattened [row][column][filter].
///
/// The workspace's layers are [input, feature maps, hidden..., outputs]:
/// `activation(layer: 1, …)` reads the convolution's (activated) features.
public struct ConvNet: Network {
  /// The first layer.
  public let convolution: Convolution
  /// The dense layers after it: feature maps → hidden... → outputs.
  public let head: MLP
  /// Applied after the convolution and after every hidden dense layer.
  public let activation: Activation
  public let name: String
  public let parameterOffset: Int
  /// The convolution's and the head's scalars.
  public let parameterCount: Int
  /// [inputs, feature maps, hidden..., outputs]; shared with every workspace
  /// this network makes, so checking a workspace is O(1).
  @usableFromInline let widths: [Int]

  /// The MinAtar network for `channels` planes of 10×10 by default.
  public init(height: Int = 10, width: Int = 10, channels: Int, filters: Int = 16,
              kernelSize: Int = 3, hidden: [Int] = [128], outputs: Int,
              activation: Activation = .relu, name: String, parameterOffset: Int = 0) {
    convolution = Convolution(height: height, width: width, channels: channels, filters: filters,
                              kernelSize: kernelSize, parameterOffset: parameterOffset)
    head = MLP(inputs: convolution.outputCount, hidden: hidden, outputs: outputs,
               activation: activation, name: name,
               parameterOffset: parameterOffset + convolution.parameterCount)
    self.activation = activation
    self.name = name
    self.parameterOffset = parameterOffset
    parameterCount = convolution.parameterCount + head.parameterCount
    widths = [convolution.inputCount] + head.widths
  }

  /// height · width · channels.
  @inlinable public var inputs: Int { convolution.inputCount }
  @inlinable public var outputs: Int { head.outputs }

  /// The convolution's tensors, then the head's.
  public var tensors: [TensorInfo] { convolution.tensors(name: "\(name).conv") + head.tensors }

  /// The convolution as `Convolution.initialize` (He-uniform, for the ReLU
  /// after it), the head as `MLP.initialize` (Glorot-uniform, output layer ×
  /// `outputGain`): one stream, convolution first, in storage order.
  @inlinable
  public func initialize<S: NNScalar>(
    _ params: inout [S], rng: inout some RandomNumberGenerator, outputGain: S
  ) {
    convolution.initialize(&params, rng: &rng)
    head.initialize(&params, rng: &rng, outputGain: outputGain)
  }

  /// A workspace for up to `maxBatch` rows.
  @inlinable
  public func makeWorkspace<S: NNScalar>(maxBatch: Int) -> NetworkWorkspace<S> {
    NetworkWorkspace(widths: widths, maxBatch: maxBatch)
  }

  /// Forward for one row: copies `input[inputOffset ..< inputOffset+inputs]`
  /// into the workspace at `row` (backward needs it after the caller's
  /// buffer has moved on), convolves, and runs the head. Allocates nothing.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, row: Int, workspace: inout NetworkWorkspace<S>
  ) {
    precondition(row >= 0, "TinyNN: row \(row) out of range")
    workspace.check(madeFor: widths, rows: row + 1)
    let x = workspace.layerOffsets[0] + row * inputs
    Kernels.copy(input, from: inputOffset, to: &workspace._activations, at: x, count: inputs)
    convolution.forward(
      params: params, values: &workspace._activations, inputOffset: x,
      outputOffset: workspace.layerOffsets[1] + row * convolution.outputCount, activation: activation)
    head.forwardLayers(params: params, row: row, workspace: &workspace, firstLayer: 1)
  }

  /// Forward for `rows` consecutive rows into workspace rows `firstRow
  /// ..< firstRow + rows`: the convolution row by row (a scatter over the
  /// set input cells, see ConvKernels.swift), then the head as K-row
  /// products (`MLP`'s `forwardRowsLayers`). Every row is bit-equal to the
  /// one-row `forward`. Allocates nothing.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>
  ) {
    precondition(firstRow >= 0 && rows >= 0, "TinyNN: rows \(firstRow)..<\(firstRow + rows) out of range")
    workspace.check(madeFor: widths, rows: firstRow + rows)
    if rows == 0 { return }
    let x = workspace.layerOffsets[0] + firstRow * inputs
    Kernels.copy(input, from: inputOffset, to: &workspace._activations, at: x, count: rows * inputs)
    for r in 0..<rows {
      convolution.forward(
        params: params, values: &workspace._activations, inputOffset: x + r * inputs,
        outputOffset: workspace.layerOffsets[1] + (firstRow + r) * convolution.outputCount,
        activation: activation)
    }
    head.forwardRowsLayers(params: params, rows: rows, firstRow: firstRow, workspace: &workspace, firstLayer: 1)
  }

  /// Backward over rows 0..<batch (see `Network`): the head back to the
  /// feature maps' δ, then the convolution's dW and db. Allocates nothing.
  @inlinable
  public func backward<S: NNScalar>(
    params: [S], batch: Int, workspace: inout NetworkWorkspace<S>, gradients: inout [S]
  ) {
    workspace.check(madeFor: widths, rows: batch)
    if batch == 0 { return }
    head.backwardLayers(params: params, batch: batch, workspace: &workspace, gradients: &gradients,
                        firstLayer: 1, inputDeltas: true)
    convolution.backward(
      batch: batch, inputs: workspace._activations, inputOffset: workspace.layerOffsets[0],
      deltas: workspace.deltas, deltaOffset: workspace.layerOffsets[1], gradients: &gradients)
  }

  /// dL/d(input) for rows 0..<batch, written (=) into `inputGradients` (row
  /// r at `at + r·inputs`). Valid right after `backward` over the same rows,
  /// whose feature-map δ it reuses. Not needed for training (the input is
  /// the observation); for gradient checks and saliency.
  @inlinable
  public func inputGradient<S: NNScalar>(
    params: [S], batch: Int, workspace: NetworkWorkspace<S>,
    into inputGradients: inout [S], at offset: Int
  ) {
    workspace.check(madeFor: widths, rows: batch)
    convolution.inputGradient(params: params, batch: batch, deltas: workspace.deltas,
                              deltaOffset: workspace.layerOffsets[1],
                              into: &inputGradients, at: offset)
  }
}
