// Network.swift — what an algorithm needs from a network, whatever its layers.
//
// The algorithms only ever describe θ (offsets, tensors, initial values), run
// one row forward per env step (or one K-row forward for K environments
// stepped in lockstep), write dL/d(output) into the workspace, and
// run one batched backward per rollout. Capturing exactly that lets them be
// generic over `some Network` — specialised, so the hot loop is dispatched
// statically — and pick an `MLP` or a `ConvNet` from the settings.

/// A feed-forward network over a caller-owned flat parameter vector: a
/// description (shapes plus offsets), never the owner of θ, so several
/// networks can share one vector via `parameterOffset`.
///
/// Contract shared by every conforming type:
/// - Parameters occupy `parameterRange` of the vector, laid out as `tensors`
///   says; gradients use the same layout.
/// - `forward` computes one row from `inputs` values (or bytes, read as
///   byte/255) and writes only that row of the workspace; rows are
///   independent.
/// - `backward` covers rows 0..<batch, which must have been run through
///   `forward` with the same parameters. It reads dL/d(output) from
///   `workspace.outputGradient` and adds (+=) dL/dθ, summed over the rows,
///   into `gradients` at this network's offsets only.
/// - Neither allocates once the workspace exists.
public protocol Network: Sendable {
  /// Scalars one input row holds.
  var inputs: Int { get }
  /// Scalars one output row holds (the last layer is linear).
  var outputs: Int { get }
  /// Where this network's parameters start in the flat vector.
  var parameterOffset: Int { get }
  /// Scalars this network owns, from `parameterOffset` on.
  var parameterCount: Int { get }
  /// The named tensors in storage order, with absolute offsets.
  var tensors: [TensorInfo] { get }

  /// Fills this network's slice of `params` (nothing else is touched),
  /// deterministically from `rng`. The output layer's weights are scaled by
  /// `outputGain` (small for a policy head, so it starts near uniform).
  func initialize<S: NNScalar>(
    _ params: inout [S], rng: inout some RandomNumberGenerator, outputGain: S)

  /// A workspace for up to `maxBatch` rows of this network.
  func makeWorkspace<S: NNScalar>(maxBatch: Int) -> NetworkWorkspace<S>

  /// Forward for one row: reads `input[inputOffset ..< inputOffset+inputs]`
  /// and writes row `row` of the workspace (read the result with
  /// `workspace.output(row:index:)`, or `workspace.activations` at
  /// `workspace.outputOffset(row:)`).
  func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, row: Int, workspace: inout NetworkWorkspace<S>)

  /// Forward for `rows` consecutive rows: input row r at
  /// `input[inputOffset + r·inputs ..< inputOffset + (r+1)·inputs]` goes to
  /// workspace row `firstRow + r`. Every row's result equals what the
  /// one-row `forward` gives for it, bit for bit (a network that blocks the
  /// rows keeps each output's order of sums). The default loops the one-row
  /// forward; an `MLP` runs each dense layer as one K-row product.
  func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>)

  /// Forward for `rows` consecutive rows of bytes: input row r is
  /// `bytes[inputOffset + r·inputs ..< inputOffset + (r+1)·inputs]`, each
  /// byte b read as the value S(b)/255 (an image's pixels in [0, 1]), into
  /// workspace rows `firstRow ..< firstRow + rows`. Every row's result
  /// equals what the float `forward` gives on the input S(b)/255, bit for
  /// bit, and `backward` needs nothing more from the caller. The default
  /// converts the rows into the workspace's own buffer, then runs the float
  /// forward; an `AtariNet` converts into its input rows itself (no second
  /// copy). Allocates nothing.
  func forward<S: NNScalar>(
    params: [S], bytes: [UInt8], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>)

  /// Backward over rows 0..<batch (see the protocol's contract).
  func backward<S: NNScalar>(
    params: [S], batch: Int, workspace: inout NetworkWorkspace<S>, gradients: inout [S])
}

extension Network {
  /// The one-row forward for each of the rows (see the requirement).
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>
  ) {
    for r in 0..<rows {
      forward(params: params, input: input, inputOffset: inputOffset + r * inputs, row: firstRow + r,
              workspace: &workspace)
    }
  }

  /// byte/255 into the workspace's conversion buffer, then the float
  /// K-row forward (see the requirement).
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], bytes: [UInt8], inputOffset: Int, rows: Int, firstRow: Int,
    workspace: inout NetworkWorkspace<S>
  ) {
    precondition(rows >= 0 && rows * inputs <= workspace.convertedInput.count,
                 "TinyNN: \(rows) byte rows do not fit this workspace's conversion buffer")
    Kernels.convertBytes(bytes, from: inputOffset, to: &workspace.convertedInput, at: 0, count: rows * inputs)
    forward(params: params, input: workspace.convertedInput, inputOffset: 0, rows: rows, firstRow: firstRow,
            workspace: &workspace)
  }

  /// One row of bytes (`inputs` of them from `inputOffset`) into workspace
  /// row `row`: the byte forward with rows = 1.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], bytes: [UInt8], inputOffset: Int, row: Int, workspace: inout NetworkWorkspace<S>
  ) {
    forward(params: params, bytes: bytes, inputOffset: inputOffset, rows: 1, firstRow: row, workspace: &workspace)
  }

  /// `rows` consecutive input rows into workspace rows 0..<rows.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int, rows: Int, workspace: inout NetworkWorkspace<S>
  ) {
    forward(params: params, input: input, inputOffset: inputOffset, rows: rows, firstRow: 0,
            workspace: &workspace)
  }

  /// parameterOffset ..< parameterOffset + parameterCount.
  @inlinable public var parameterRange: Range<Int> {
    parameterOffset..<(parameterOffset + parameterCount)
  }

  /// Forward for one row whose input starts at `input[0]`.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], row: Int, workspace: inout NetworkWorkspace<S>
  ) {
    forward(params: params, input: input, inputOffset: 0, row: row, workspace: &workspace)
  }
}
