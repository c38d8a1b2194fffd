// Conv2D.swift — a strided 2-D convolution layer ('valid' padding) with
// PyTorch's weight layout, as `AtariNet` stacks them.
//
// Like `Convolution` (MinAtar's), a `Conv2D` is only a description: shapes
// plus offsets into a caller-owned flat parameter vector. The arithmetic is
// in ConvKernels.swift: a register-blocked product of 6 output positions ×
// 16 filters that reads the input patches where they lie (no im2col copy).

/// How a layer's input planes are stored.
public enum PlaneLayout: Sendable, Equatable {
  /// [channel][row][column] — PyTorch's and Gymnasium's image layout (an
  /// `AtariNet`'s input: FrameStackObservation's [4][84][84]).
  case channelsFirst
  /// [row][column][channel] — what a `Conv2D` writes for the next one.
  case channelsLast
}

/// A k×k convolution with `filters` output channels, stride s and no
/// padding over `channels` planes of `height × width`:
///
///     y[f, oy, ox] = b[f] + Σ_{c, ky, kx} W[f, c, ky, kx] · x[c, s·oy + ky, s·ox + kx]
///
/// with outputHeight = (height − k)/s + 1 (likewise the width).
///
/// Storage (starting at `parameterOffset`), PyTorch's `Conv2d` layout so the
/// tensors export as they are: `"\(name).weight"`, W as
/// [filters][channels][k][k] (a `filters × patchSize` TensorInfo), then
/// `"\(name).bias"`, `filters` values.
///
/// The input is stored as `inputLayout` says; the output is written
/// [oy][ox][f] (channels last), or [f][oy][ox] for the last layer before a
/// dense one (PyTorch's flatten order).
public struct Conv2D: Sendable, Equatable {
  public let height: Int
  public let width: Int
  public let channels: Int
  public let filters: Int
  /// k: the kernel is k × k.
  public let kernelSize: Int
  public let stride: Int
  public let inputLayout: PlaneLayout
  /// Where W starts in the flat vector (b follows it).
  public let parameterOffset: Int

  public init(height: Int, width: Int, channels: Int, filters: Int, kernelSize: Int, stride: Int,
              inputLayout: PlaneLayout, parameterOffset: Int = 0) {
    precondition(channels >= 1 && filters >= 1 && kernelSize >= 1 && stride >= 1,
                 "TinyNN: a convolution needs channels, filters, a kernel and a stride")
    precondition(height >= kernelSize && width >= kernelSize,
                 "TinyNN: a \(kernelSize)×\(kernelSize) kernel does not fit \(height)×\(width) planes")
    precondition(parameterOffset >= 0)
    self.height = height
    self.width = width
    self.channels = channels
    self.filters = filters
    self.kernelSize = kernelSize
    self.stride = stride
    self.inputLayout = inputLayout
    self.parameterOffset = parameterOffset
  }

  /// (height − k)/stride + 1.
  @inlinable public var outputHeight: Int { (height - kernelSize) / stride + 1 }
  /// (width − k)/stride + 1.
  @inlinable public var outputWidth: Int { (width - kernelSize) / stride + 1 }
  /// Output positions: outputHeight · outputWidth.
  @inlinable public var positions: Int { outputHeight * outputWidth }
  /// Scalars of one input row: channels · height · width.
  @inlinable public var inputCount: Int { channels * height * width }
  /// Scalars of one output row: positions · filters.
  @inlinable public var outputCount: Int { positions * filters }
  /// Inputs one output sees (the fan-in): channels · k · k.
  @inlinable public var patchSize: Int { channels * kernelSize * kernelSize }
  /// Where b starts in the flat vector.
  @inlinable public var biasOffset: Int { parameterOffset + patchSize * filters }
  /// Scalars this layer owns: W and b.
  @inlinable public var parameterCount: Int { patchSize * filters + filters }

  /// W and b, with absolute offsets.
  public func tensors(name: String) -> [TensorInfo] {
    [TensorInfo(name: "\(name).weight", rows: filters, cols: patchSize,
                offset: parameterOffset, count: patchSize * filters),
     TensorInfo(name: "\(name).bias", rows: 1, cols: filters, offset: biasOffset, count: filters)]
  }

  /// W He/Kaiming-uniform, U(−a, a) with a = √(6 / patchSize), b = 0, as
  /// `Convolution.initialize` (a ReLU follows every convolution); uniforms
  /// as 53-bit doubles in storage order.
  @inlinable
  public func initialize<S: NNScalar>(_ params: inout [S], rng: inout some RandomNumberGenerator) {
    precondition(params.count >= parameterOffset + parameterCount,
                 "TinyNN: parameter vector too short for the convolution")
    let limit = (6.0 / Double(patchSize)).squareRoot()
    fillUniform(&params, weights: parameterOffset, weightCount: patchSize * filters, limit: limit,
                bias: biasOffset, biasCount: filters, rng: &rng)
  }

  // MARK: The patch as the kernels walk it
  //
  // A patch is read in the input's own memory order, as runs of contiguous
  // values: channels first, (c, ky) runs of k values (kx) at
  // c·H·W + ky·W; channels last, ky runs of k·C values (kx, c) at ky·W·C.
  // Patch index k′ counts in that order; the packed weights follow it.

  /// Runs per patch: C·k (channels first) or k (channels last).
  @inlinable var runs: Int { runGroups * kernelSize }
  /// Values per run: k or k·C.
  @inlinable var runLength: Int { inputLayout == .channelsFirst ? kernelSize : kernelSize * channels }
  /// The runs come in groups of k (one per ky): C groups H·W apart
  /// (channels first) or one group (channels last).
  @inlinable var runGroups: Int { inputLayout == .channelsFirst ? channels : 1 }
  @inlinable var groupStride: Int { height * width }
  /// Between the runs of consecutive ky: one plane row.
  @inlinable var runStride: Int { inputLayout == .channelsFirst ? width : width * channels }
  /// Offset of run r from the patch's corner.
  @inlinable func runOffset(_ r: Int) -> Int {
    let g = r / kernelSize
    return g * groupStride + (r - g * kernelSize) * runStride
  }
  /// Offset of patch value k′ from the patch's corner.
  @inlinable func patchOffset(_ k: Int) -> Int {
    let r = k / runLength
    return runOffset(r) + (k - r * runLength)
  }
  /// Input offset of output position (oy, ox)'s patch corner.
  @inlinable func cornerOffset(_ oy: Int, _ ox: Int) -> Int {
    inputLayout == .channelsFirst ? (oy * width + ox) * stride : (oy * width + ox) * stride * channels
  }
  /// Between the corners of horizontally adjacent output positions.
  @inlinable var cornerStep: Int { inputLayout == .channelsFirst ? stride : stride * channels }
  /// PyTorch's index within a filter's weights, (c·k + ky)·k + kx, of
  /// patch index k′.
  @inlinable func torchPatchIndex(_ k: Int) -> Int {
    if inputLayout == .channelsFirst { return k }
    // k′ = (ky·k + kx)·C + c.
    let tap = k / channels
    return (k - tap * channels) * kernelSize * kernelSize + tap
  }
  /// (run, index in the run) of PyTorch's weight (c, ky, kx).
  @inlinable func runPosition(channel c: Int, ky: Int, kx: Int) -> (run: Int, index: Int) {
    inputLayout == .channelsFirst ? (c * kernelSize + ky, kx) : (ky, kx * channels + c)
  }
  /// Between the corners of vertically adjacent output positions.
  @inlinable var cornerLineStep: Int { cornerOffset(1, 0) }
  /// filters rounded up to a multiple of 16: the lanes the kernels compute.
  @inlinable var paddedFilters: Int { (filters + 15) & ~15 }
  /// runLength rounded up to a multiple of 16 (the input gradient's lanes).
  @inlinable var paddedRunLength: Int { (runLength + 15) & ~15 }
}
