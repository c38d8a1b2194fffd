// AtariNet.swift — the paper's Atari network: strided convolutions over
// stacked frames, then dense layers, all ReLU, with manual backprop.
//
// Mnih et al. (2016) use the network of Mnih et al. (2013): a convolution of
// 16 filters 8×8 with stride 4, one of 32 filters 4×4 with stride 2, a dense
// layer of 256 units, each followed by a ReLU, then a softmax policy and a
// linear value (here one linear layer of |A| + 1 outputs, as every network
// of the actor-critics). Those are the defaults, over Gymnasium's
// FrameStackObservation of four 84×84 grey frames. Its A3C-LSTM form puts
// 256 LSTM cells after the dense layer: `AtariNet(hidden: [], outputs: 256)`
// is that torso (see `RecurrentNetwork`).
//
// The frames arrive as bytes and stay bytes until the first layer: the byte
// forward writes byte/255 into the workspace's input rows (where the
// backward finds them again) and the convolutions read them in place.

/// Strided convolutions → ReLU → dense layers → ReLU → a linear output layer,
/// every tensor in PyTorch's layout:
///
/// - input: `channels × height × width` values per row, [channel][row][column]
///   (oldest frame first), as floats or as bytes read as byte/255;
/// - `"\(name).conv1.weight"` [16][4][8][8], `"\(name).conv1.bias"`,
///   `"\(name).conv2.weight"` [32][16][4][4], `"\(name).conv2.bias"` (see
///   `Conv2D`);
/// - `"\(name).fc1.weight"` [256][2592] reading the last convolution's
///   features in PyTorch's flatten order [filter][row][column], then
///   `"\(name).fc1.bias"`, … `"\(name).fcN"` the output layer (see `Linear`).
///
/// The workspace's layers are [input, each convolution's output (the last one
/// [filter][row][column], the others [row][column][filter]), hidden...,
/// outputs]. With the defaults and 7 outputs (6 actions and V) it holds
/// 677,943 parameters.
public struct AtariNet: Network {
  /// One convolution of the stack: filters, k (k × k) and stride.
  public struct ConvolutionShape: Sendable, Equatable {
    public var filters: Int
    public var kernelSize: Int
    public var stride: Int
    public init(filters: Int, kernelSize: Int, stride: Int) {
      self.filters = filters
      self.kernelSize = kernelSize
      self.stride = stride
    }
  }

  /// Mnih et al.'s: 16 filters 8×8 stride 4, then 32 filters 4×4 stride 2.
  public static let paperConvolutions = [ConvolutionShape(filters: 16, kernelSize: 8, stride: 4),
                                         ConvolutionShape(filters: 32, kernelSize: 4, stride: 2)]

  public let convolutions: [Conv2D]
  /// The dense layers: the last convolution's features → hidden... → outputs.
  public let dense: [Linear]
  public let name: String
  public let parameterOffset: Int
  public let parameterCount: Int
  /// [inputs, each convolution's output, hidden..., outputs]; shared with
  /// every workspace this network makes, so checking a workspace is O(1).
  @usableFromInline let widths: [Int]
  /// Where each convolution's packed weights (`Kernels.conv2DPackWeights`)
  /// and input-gradient weights (every convolution but the first) start in
  /// the workspace's scratch; `valueScratch` scalars in all.
  @usableFromInline let packedOffsets: [Int]
  @usableFromInline let gradientPackedOffsets: [Int]
  @usableFromInline let valueScratch: Int

  /// The paper's network by default; `hidden: []` with `outputs: 256` is
  /// the A3C-LSTM torso (the dense layer linear, its ReLU the LSTM's input
  /// activation).
  public init(channels: Int = 4, height: Int = 84, width: Int = 84,
              convolutions shapes: [ConvolutionShape] = AtariNet.paperConvolutions,
              hidden: [Int] = [256], outputs: Int, name: String, parameterOffset: Int = 0) {
    precondition(!shapes.isEmpty, "TinyNN: an AtariNet needs a convolution")
    precondition(outputs >= 1 && hidden.allSatisfy { $0 >= 1 }, "TinyNN: every layer needs at least one unit")
    precondition(parameterOffset >= 0)
    var convolutions: [Conv2D] = []
    var cursor = parameterOffset
    var (h, w, c, layout) = (height, width, channels, PlaneLayout.channelsFirst)
    for shape in shapes {
      let conv = Conv2D(height: h, width: w, channels: c, filters: shape.filters, kernelSize: shape.kernelSize,
                        stride: shape.stride, inputLayout: layout, parameterOffset: cursor)
      convolutions.append(conv)
      cursor += conv.parameterCount
      (h, w, c, layout) = (conv.outputHeight, conv.outputWidth, conv.filters, .channelsLast)
    }
    let sizes = [convolutions.last!.outputCount] + hidden + [outputs]
    var dense: [Linear] = []
    for l in 0..<(sizes.count - 1) {
      let layer = Linear(inputs: sizes[l], outputs: sizes[l + 1], parameterOffset: cursor)
      dense.append(layer)
      cursor += layer.parameterCount
    }
    self.convolutions = convolutions
    self.dense = dense
    self.name = name
    self.parameterOffset = parameterOffset
    parameterCount = cursor - parameterOffset
    widths = [convolutions[0].inputCount] + convolutions.map(\.outputCount) + hidden + [outputs]
    var packed: [Int] = [], gradientPacked: [Int] = [], scratch = 0
    for (l, conv) in convolutions.enumerated() {
      packed.append(scratch)
      scratch += Kernels.conv2DPackedCount(conv)
      gradientPacked.append(scratch)
      if l > 0 { scratch += Kernels.conv2DGradientPackedCount(conv) }
    }
    packedOffsets = packed
    gradientPackedOffsets = gradientPacked
    valueScratch = scratch
  }

  @inlinable public var inputs: Int { widths[0] }
  @inlinable public var outputs: Int { widths[widths.count - 1] }

  /// conv1, conv2, …, then fc1, fc2, … (W then b each), in storage order.
  public var tensors: [TensorInfo] {
    convolutions.enumerated().flatMap { l, conv in conv.tensors(name: "\(name).conv\(l + 1)") }
      + dense.enumerated().flatMap { l, layer in layer.tensors(name: "\(name).fc\(l + 1)") }
  }

  /// The convolutions as `Conv2D.initialize` (He-uniform, for the ReLU after
  /// each), the dense layers as `MLP.initialize` (Glorot-uniform, the
  /// output layer × `outputGain`) — `ConvNet`'s rules; one stream, in
  /// storage order.
  @inlinable
  public func initialize<S: NNScalar>(
    _ params: inout [S], rng: inout some RandomNumberGenerator, outputGain: S
  ) {
    for conv in convolutions { conv.initialize(&params, rng: &rng) }
    for (l, layer) in dense.enumerated() {
      layer.initialize(&params, rng: &rng, gain: l == dense.count - 1 ? outputGain : 1)
    }
  }

  /// The workspace's delta scratch: first δ re-laid for the convolution
  /// kernels — every convolution whose δ is not already [position][16·n
  /// filters] (the last, and any whose filters are not a multiple of 16)
  /// gets `maxBatch × positions × paddedFilters` scalars (-1 for the
  /// others) — then each convolution's weight-gradient sums. `l` = the
  /// convolution count gives the scratch's size.
  @inlinable
  func deltaScratch(_ l: Int, maxBatch: Int) -> (gathered: Int, weightGradient: Int) {
    var at = 0, gathered = -1
    for k in 0..<convolutions.count {
      let conv = convolutions[k]
      if k == convolutions.count - 1 || conv.filters % 16 != 0 {
        if k == l { gathered = at }
        at += maxBatch * conv.positions * conv.paddedFilters
      }
    }
    for k in 0..<convolutions.count {
      if k == l { return (gathered, at) }
      at += Kernels.conv2DWeightGradientScratchCount(convolutions[k])
    }
    return (gathered, at)
  }

  /// A workspace for up to `maxBatch` rows.
  @inlinable
  public func makeWorkspace<S: NNScalar>(maxBatch: Int) -> NetworkWorkspace<S> {
    NetworkWorkspace(widths: widths, maxBatch: maxBatch, scratch: valueScratch,
                     deltaScratch: deltaScratch(convolutions.count, maxBatch: maxBatch).weightGradient,
                     convertedInput: false)
  }

  /// Forward for one row (see `Network`).
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, row: Int, workspace: inout NetworkWorkspace<S>
  ) {
    forward(params: params, input: input, inputOffset: inputOffset, rows: 1, firstRow: row, workspace: &workspace)
  }

  /// Forward for `rows` consecutive rows: copies them into the workspace's
  /// input rows (the backward reads them there), then every layer as one
  /// product over the rows. Each row is bit-equal to a one-row forward.
  /// Allocates nothing.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>
  ) {
    precondition(firstRow >= 0 && rows >= 0, "TinyNN: rows \(firstRow)..<\(firstRow + rows) out of range")
    workspace.check(madeFor: widths, rows: firstRow + rows)
    if rows == 0 { return }
    Kernels.copy(input, from: inputOffset, to: &workspace._activations,
                 at: workspace.layerOffsets[0] + firstRow * inputs, count: rows * inputs)
    forwardLayers(params: params, rows: rows, firstRow: firstRow, workspace: &workspace)
  }

  /// Forward for `rows` consecutive rows of bytes (see `Network`): writes
  /// byte/255 into the workspace's input rows, then as the float forward.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], bytes: [UInt8], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>
  ) {
    precondition(firstRow >= 0 && rows >= 0, "TinyNN: rows \(firstRow)..<\(firstRow + rows) out of range")
    workspace.check(madeFor: widths, rows: firstRow + rows)
    if rows == 0 { return }
    Kernels.convertBytes(bytes, from: inputOffset, to: &workspace._activations,
                         at: workspace.layerOffsets[0] + firstRow * inputs, count: rows * inputs)
    forwardLayers(params: params, rows: rows, firstRow: firstRow, workspace: &workspace)
  }

  /// Every layer for workspace rows `firstRow ..< firstRow + rows`, whose
  /// input is already in the workspace.
  @inlinable
  func forwardLayers<S: NNScalar>(
    params: [S], rows: Int, firstRow: Int, workspace ws: inout NetworkWorkspace<S>
  ) {
    let convCount = convolutions.count
    for (l, conv) in convolutions.enumerated() {
      let packed = ws.scratchOffset + packedOffsets[l]
      Kernels.conv2DPackWeights(conv, params: params, into: &ws._activations, at: packed)
      Kernels.conv2DForwardRows(
        conv, values: &ws._activations, packedOffset: packed,
        inputOffset: ws.layerOffsets[l] + firstRow * conv.inputCount, rows: rows,
        outputOffset: ws.layerOffsets[l + 1] + firstRow * conv.outputCount,
        outputLayout: l == convCount - 1 ? .channelsFirst : .channelsLast)
    }
    for (l, layer) in dense.enumerated() {
      Kernels.linearForwardRows(
        params: params, weightOffset: layer.weightOffset, biasOffset: layer.biasOffset,
        fanIn: layer.inputs, fanOut: layer.outputs, rows: rows, values: &ws._activations,
        inputOffset: ws.layerOffsets[convCount + l] + firstRow * layer.inputs,
        outputOffset: ws.layerOffsets[convCount + l + 1] + firstRow * layer.outputs,
        relu: l < dense.count - 1)
    }
  }

  /// Backward over rows 0..<batch (see `Network`): the dense layers back to
  /// the features' δ, then each convolution's dW and db and, but for the
  /// first, the δ of its input. Allocates nothing.
  @inlinable
  public func backward<S: NNScalar>(
    params: [S], batch: Int, workspace ws: inout NetworkWorkspace<S>, gradients: inout [S]
  ) {
    ws.check(madeFor: widths, rows: batch)
    if batch == 0 { return }
    let convCount = convolutions.count, denseCount = dense.count
    // The output layer is linear, so δ = dL/d(output).
    Kernels.copy(ws.outputGradient, from: 0, to: &ws.deltas, at: ws.layerOffsets[convCount + denseCount],
                 count: batch * outputs)
    for l in stride(from: denseCount - 1, through: 0, by: -1) {
      let layer = dense[l]
      Kernels.linearBackward(
        params: params, weightOffset: layer.weightOffset, fanIn: layer.inputs, fanOut: layer.outputs,
        batch: batch, values: ws._activations, inputOffset: ws.layerOffsets[convCount + l],
        deltas: &ws.deltas, outputDeltaOffset: ws.layerOffsets[convCount + l + 1],
        inputDeltaOffset: ws.layerOffsets[convCount + l],
        gradients: &gradients, weightGradientOffset: layer.weightOffset, biasGradientOffset: layer.biasOffset)
    }
    for l in stride(from: convCount - 1, through: 0, by: -1) {
      let conv = convolutions[l]
      var deltaOffset = ws.layerOffsets[l + 1]
      let scratch = deltaScratch(l, maxBatch: ws.maxBatch)
      if scratch.gathered >= 0 {
        Kernels.conv2DGatherDeltas(conv, batch: batch, deltas: &ws.deltas, from: deltaOffset,
                                   layout: l == convCount - 1 ? .channelsFirst : .channelsLast,
                                   to: ws.scratchOffset + scratch.gathered)
        deltaOffset = ws.scratchOffset + scratch.gathered
      }
      var inputGradient: (packedOffset: Int, offset: Int)? = nil
      if l > 0 {
        let packed = ws.scratchOffset + gradientPackedOffsets[l]
        Kernels.conv2DPackInputGradientWeights(conv, params: params, into: &ws._activations, at: packed)
        inputGradient = (packed, ws.layerOffsets[l])
      }
      Kernels.conv2DBackward(conv, batch: batch, values: ws._activations, inputOffset: ws.layerOffsets[l],
                             deltas: &ws.deltas, deltaOffset: deltaOffset,
                             weightGradientScratch: ws.scratchOffset + scratch.weightGradient,
                             inputGradient: inputGradient, gradients: &gradients)
    }
  }
}
