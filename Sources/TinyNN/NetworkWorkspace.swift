// NetworkWorkspace.swift — preallocated per-worker scratch for one network.

/// Every buffer the forward and backward passes of a `Network` need,
/// allocated once by `makeWorkspace(maxBatch:)` so the hot loop never
/// allocates. One type serves every network: a network is a chain of layers,
/// and the workspace only knows each layer's width.
///
/// Layout: with widths w = [inputs, …, outputs] (an `MLP`'s are [inputs,
/// hidden..., outputs]; a `ConvNet`'s put the convolution's feature maps
/// after the input), layer k (k = 0 is the input copy, the last is the
/// linear output) owns a region of
/// `maxBatch × w[k]` scalars, row-major (row r at `layerOffset(k) + r·w[k]`),
/// in `activations` (values after the activation) and, with the same
/// offsets, in the internal `deltas` (dL/d pre-activation, written by
/// `backward`).
///
/// The caller writes dL/d(output) for rows 0..<batch into `outputGradient`
/// (`maxBatch × outputs`, row-major) before `backward`; `backward` only
/// reads it, so rows not rewritten keep their old values.
///
/// Internal extras: a network's own scratch after the layers, in
/// `activations` (an `AtariNet`'s packed weights) and in `deltas` (its
/// deltas re-laid for the convolution kernels), and `convertedInput`, the
/// rows the default byte forward converts into before it runs the float
/// forward.
public struct NetworkWorkspace<S: NNScalar>: Sendable {
  /// Rows this workspace can hold.
  public let maxBatch: Int
  /// Every layer's width, input first; shared with the network that made it
  /// (so the network's check that the workspace is its own is O(1)).
  @usableFromInline let widths: [Int]
  /// Start of layer k's region in `_activations` and `deltas`.
  @usableFromInline let layerOffsets: [Int]
  @usableFromInline var _activations: [S]
  @usableFromInline var deltas: [S]
  /// Start of the network's scratch in `_activations` and in `deltas`
  /// (after every layer).
  @usableFromInline let scratchOffset: Int
  /// `maxBatch × inputs` (or empty): where `forward(params:bytes:…)`'s
  /// default puts byte/255 before calling the float forward.
  @usableFromInline var convertedInput: [S]
  /// dL/d(output), `maxBatch × outputs` row-major; written by the caller.
  /// Do not resize it.
  public var outputGradient: [S]

  /// `scratch` scalars after the layers in `_activations`, `deltaScratch`
  /// after them in `deltas`, for the network's kernels; `convertedInput`
  /// false for a network that reads bytes itself.
  @inlinable
  init(widths: [Int], maxBatch: Int, scratch: Int = 0, deltaScratch: Int = 0, convertedInput: Bool = true) {
    precondition(maxBatch >= 1, "TinyNN: maxBatch must be at least 1")
    self.maxBatch = maxBatch
    self.widths = widths
    var offsets: [Int] = []
    offsets.reserveCapacity(widths.count)
    var total = 0
    for w in widths {
      offsets.append(total)
      total += maxBatch * w
    }
    layerOffsets = offsets
    scratchOffset = total
    _activations = Array(repeating: 0, count: total + scratch)
    deltas = Array(repeating: 0, count: total + deltaScratch)
    self.convertedInput = Array(repeating: 0, count: convertedInput ? maxBatch * widths[0] : 0)
    outputGradient = Array(repeating: 0, count: maxBatch * widths[widths.count - 1])
  }

  /// Traps unless the workspace was made for a network with layer widths
  /// `expected` and `rows` (rows 0..<rows) fit in it. Array == is O(1) here:
  /// a network hands its own widths array to the workspaces it makes.
  @inlinable
  func check(madeFor expected: [Int], rows: Int) {
    precondition(widths == expected, "TinyNN: workspace made for another network")
    precondition(rows >= 0 && rows <= maxBatch, "TinyNN: \(rows) rows do not fit a workspace of \(maxBatch)")
  }

  @inlinable public var inputs: Int { widths[0] }
  @inlinable public var outputs: Int { widths[widths.count - 1] }

  /// All layers' activations (see the type's layout comment). Read-only: pass
  /// it with `outputOffset(row:)` to e.g. `CategoricalPolicy.softmax`.
  @inlinable public var activations: [S] { _activations }

  /// Start of layer `layer`'s region in `activations` (0 = input copy).
  @inlinable public func layerOffset(_ layer: Int) -> Int { layerOffsets[layer] }

  /// Index in `activations` of output row `row`'s first element.
  @inlinable
  public func outputOffset(row: Int) -> Int {
    layerOffsets[layerOffsets.count - 1] + row * outputs
  }

  /// The network's output `index` for row `row` (valid after `forward`).
  @inlinable
  public func output(row: Int, index: Int) -> S {
    precondition(row >= 0 && row < maxBatch && index >= 0 && index < outputs)
    return _activations[outputOffset(row: row) + index]
  }

  /// Activation of unit `index` of layer `layer` for `row` (layer 0 = input).
  @inlinable
  public func activation(layer: Int, row: Int, index: Int) -> S {
    precondition(row >= 0 && row < maxBatch && index >= 0 && index < widths[layer])
    return _activations[layerOffsets[layer] + row * widths[layer] + index]
  }

  /// Index in `outputGradient` of row `row`'s first element.
  @inlinable
  public func outputGradientOffset(row: Int) -> Int { row * outputs }

  /// outputGradient[row, index] = value.
  @inlinable
  public mutating func setOutputGradient(row: Int, index: Int, value: S) {
    precondition(row >= 0 && row < maxBatch && index >= 0 && index < outputs)
    outputGradient[row * outputs + index] = value
  }
}

/// The workspace's name from before there was more than one kind of network;
/// existing code keeps compiling, new code says `NetworkWorkspace`.
public typealias MLPWorkspace<S: NNScalar> = NetworkWorkspace<S>
