// Convolution.swift — a 2-D convolution layer (stride 1, 'valid' padding)
// over planes stored [row][column][channel], with manual backprop.
//
// Like `MLP`, a `Convolution` is only a description: shapes plus offsets into
// a caller-owned flat parameter vector. `ConvNet` puts one in front of a dense
// head; it is public on its own so it can be gradient-checked on its own.

/// A k×k convolution with `filters` output channels, stride 1 and no
/// padding ('valid'), over an input of `height × width × channels` values
/// stored [row][column][channel] (MinAtar's observation layout, flattened).
/// The output is `outputHeight × outputWidth × filters`, stored the same way.
///
/// y[oy, ox, f] = b[f] + Σ_{ky, kx, c} x[oy + ky, ox + kx, c] · W[(ky·k + kx)·C + c, f]
///
/// Storage (starting at `parameterOffset`):
/// - `"\(name).weight"`: W, `patchSize × filters` row-major with
///   patchSize = k·k·C in (ky, kx, c) order — the input patch's own memory
///   order, so for a fixed ky the k·C inputs of a patch row and the k·C
///   weight rows they meet are both contiguous. Like `MLP`'s weights this
///   is fan-in × fan-out (PyTorch's `Conv2d.weight` is fan-out first), so
///   the forward pass is a sum of axpys over the filters and vectorises
///   across them.
/// - `"\(name).bias"`: b, `filters` values.
public struct Convolution: Sendable, Equatable {
  /// Input rows (the planes' height).
  public let height: Int
  /// Input columns.
  public let width: Int
  /// Input channels (planes).
  public let channels: Int
  /// Output channels.
  public let filters: Int
  /// k: the kernel is k × k.
  public let kernelSize: Int
  /// Where W starts in the flat vector (b follows it).
  public let parameterOffset: Int

  public init(height: Int, width: Int, channels: Int, filters: Int, kernelSize: Int,
              parameterOffset: Int = 0) {
    precondition(channels >= 1 && filters >= 1 && kernelSize >= 1,
                 "TinyNN: a convolution needs channels, filters and a kernel")
    precondition(height >= kernelSize && width >= kernelSize,
                 "TinyNN: a \(kernelSize)×\(kernelSize) kernel does not fit \(height)×\(width) planes")
    precondition(parameterOffset >= 0)
    // The kernels split a plane row's value index t into (column, channel)
    // by a multiply and shift, exact while t·channels < 2^20.
    precondition(width * channels * channels < 1 << 20, "TinyNN: plane rows too wide for the convolution")
    self.height = height
    self.width = width
    self.channels = channels
    self.filters = filters
    self.kernelSize = kernelSize
    self.parameterOffset = parameterOffset
  }

  /// height − k + 1.
  @inlinable public var outputHeight: Int { height - kernelSize + 1 }
  /// width − k + 1.
  @inlinable public var outputWidth: Int { width - kernelSize + 1 }
  /// Scalars of one input row: height · width · channels.
  @inlinable public var inputCount: Int { height * width * channels }
  /// Scalars of one output row: outputHeight · outputWidth · filters.
  @inlinable public var outputCount: Int { outputHeight * outputWidth * filters }
  /// Inputs one output sees (the fan-in): k · k · channels.
  @inlinable public var patchSize: Int { kernelSize * kernelSize * channels }
  /// Where b starts in the flat vector.
  @inlinable public var biasOffset: Int { parameterOffset + patchSize * filters }
  /// Scalars this layer owns: W and b.
  @inlinable public var parameterCount: Int { patchSize * filters + filters }

  /// W and b, with absolute offsets.
  public func tensors(name: String) -> [TensorInfo] {
    [TensorInfo(name: "\(name).weight", rows: patchSize, cols: filters,
                offset: parameterOffset, count: patchSize * filters),
     TensorInfo(name: "\(name).bias", rows: 1, cols: filters, offset: biasOffset, count: filters)]
  }

  /// Fills W with He/Kaiming-uniform values U(−a, a), a = √(6 / patchSize),
  /// and b with 0. He rather than `MLP`'s Glorot because a ReLU follows the
  /// convolution and its fan-out (k·k·filters) is much larger than its
  /// fan-in: Glorot would halve the first features' scale and leave most of
  /// them dead behind the ReLU. Uniforms are drawn as 53-bit doubles in
  /// storage order and rounded to `S` once, as in `MLP.initialize`.
  @inlinable
  public func initialize<S: NNScalar>(_ params: inout [S], rng: inout some RandomNumberGenerator) {
    precondition(params.count >= parameterOffset + parameterCount,
                 "TinyNN: parameter vector too short for the convolution")
    let limit = (6.0 / Double(patchSize)).squareRoot()
    fillUniform(&params, weights: parameterOffset, weightCount: patchSize * filters, limit: limit,
                bias: biasOffset, biasCount: filters, rng: &rng)
  }

  /// One row: `values[outputOffset ..< +outputCount]` = f(b + conv(x)) with x
  /// at `values[inputOffset ..< +inputCount]` (one array, disjoint ranges, as
  /// in a `NetworkWorkspace`). `activation` nil leaves the output linear.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], values: inout [S], inputOffset: Int, outputOffset: Int, activation: Activation?
  ) {
    Kernels.convolutionForwardRow(self, params: params, values: &values, inputOffset: inputOffset,
                                  outputOffset: outputOffset, activation: activation)
  }

  /// Adds (+=) dL/dW and dL/db, summed over rows 0..<batch, into
  /// `gradients` at this layer's offsets (W itself is not needed). Row r's input is at
  /// `inputs[inputOffset + r·inputCount]` and its δ = dL/d(pre-activation
  /// output) at `deltas[deltaOffset + r·outputCount]`. Allocates nothing.
  @inlinable
  public func backward<S: NNScalar>(
    batch: Int, inputs: [S], inputOffset: Int, deltas: [S], deltaOffset: Int,
    gradients: inout [S]
  ) {
    Kernels.convolutionBackward(self, batch: batch, inputs: inputs, inputOffset: inputOffset,
                                deltas: deltas, deltaOffset: deltaOffset, gradients: &gradients)
  }

  /// Writes (=) dL/dx for rows 0..<batch into `inputGradients` (row r at
  /// `at + r·inputCount`), from δ as in `backward`. Training never needs
  /// it (the input is the observation); gradient checks and saliency do.
  @inlinable
  public func inputGradient<S: NNScalar>(
    params: [S], batch: Int, deltas: [S], deltaOffset: Int,
    into inputGradients: inout [S], at offset: Int
  ) {
    Kernels.convolutionInputGradient(self, params: params, batch: batch, deltas: deltas,
                                     deltaOffset: deltaOffset, into: &inputGradients, at: offset)
  }
}
