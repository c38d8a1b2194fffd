// RecurrentNetwork.swift — torso → LSTM → linear head, run over a sequence
// (a rollout), with truncated backpropagation through it.
//
// A3C-LSTM (Mnih et al. 2016) puts an LSTM between the feed-forward torso
// and the policy and value outputs. This is that network over the same flat
// parameter vector as every other: the torso is any `Network` (an `MLP`,
// MinAtar's `ConvNet`, or the paper's `AtariNet` with `hidden: []` and 256
// outputs) whose linear output goes through `torsoActivation`
// into the LSTM; the head is a linear `MLP` from h_t to the outputs.
//
// It is not a `Network`: a `Network`'s rows are independent, here step t
// depends on every step before it through (h, c). Callers run steps 0, 1, …
// in order and choose where a sequence starts from (`resetState`,
// `carryState`).

/// torso (linear, then `torsoActivation`) → `LSTM` of `cells` cells →
/// linear head. Storage from `parameterOffset`: the torso's tensors, then
/// `lstm.weight_ih`, `lstm.weight_hh`, `lstm.bias`, then the head's
/// `"\(head.name).0.weight"` (cells × outputs, `MLP`'s layout) and
/// `"\(head.name).0.bias"`.
public struct RecurrentNetwork<Torso: Network>: Sendable {
  public let torso: Torso
  public let torsoActivation: Activation
  public let lstm: LSTM
  public let head: MLP

  /// `torso` must start at the vector's `parameterOffset` it was built with;
  /// the LSTM and the head follow it.
  public init(torso: Torso, torsoActivation: Activation, cells: Int, outputs: Int, headName: String) {
    self.torso = torso
    self.torsoActivation = torsoActivation
    lstm = LSTM(inputs: torso.outputs, cells: cells, name: "lstm",
                parameterOffset: torso.parameterOffset + torso.parameterCount)
    head = MLP(inputs: cells, hidden: [], outputs: outputs, activation: .tanh, name: headName,
               parameterOffset: lstm.parameterOffset + lstm.parameterCount)
  }

  @inlinable public var inputs: Int { torso.inputs }
  @inlinable public var outputs: Int { head.outputs }
  @inlinable public var cells: Int { lstm.cells }
  @inlinable public var parameterOffset: Int { torso.parameterOffset }
  @inlinable public var parameterCount: Int { torso.parameterCount + lstm.parameterCount + head.parameterCount }
  @inlinable public var parameterRange: Range<Int> { parameterOffset..<(parameterOffset + parameterCount) }

  /// The torso's tensors, the LSTM's, the head's, in storage order.
  public var tensors: [TensorInfo] { torso.tensors + lstm.tensors + head.tensors }

  /// Torso and LSTM as their own `initialize` says (gain 1), the head's
  /// weights scaled by `outputGain`; in storage order from one `rng`.
  @inlinable
  public func initialize<S: NNScalar>(
    _ params: inout [S], rng: inout some RandomNumberGenerator, outputGain: S
  ) {
    torso.initialize(&params, rng: &rng, outputGain: 1)
    lstm.initialize(&params, rng: &rng)
    head.initialize(&params, rng: &rng, outputGain: outputGain)
  }

  /// A workspace for sequences of up to `maxSteps` steps.
  @inlinable
  public func makeWorkspace<S: NNScalar>(maxSteps: Int) -> RecurrentWorkspace<S> {
    RecurrentWorkspace(torso: torso.makeWorkspace(maxBatch: maxSteps),
                       lstm: LSTMWorkspace(inputs: lstm.inputs, cells: lstm.cells, maxSteps: maxSteps),
                       head: head.makeWorkspace(maxBatch: maxSteps))
  }

  /// Step `step` of the sequence: reads `input[inputOffset ..< +inputs]`
  /// and the state after step − 1 (the workspace's initial state for step
  /// 0), writes the step's row. Read the outputs from `workspace.head`
  /// (`output(row: step, index:)`). Allocates nothing.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], input: [S], inputOffset: Int = 0, step: Int, workspace: inout RecurrentWorkspace<S>
  ) {
    torso.forward(params: params, input: input, inputOffset: inputOffset, row: step, workspace: &workspace.torso)
    forwardAfterTorso(params: params, step: step, workspace: &workspace)
  }

  /// Step `step` from a row of bytes (`inputs` of them from `inputOffset`,
  /// each read as byte/255 — an `AtariNet` torso's frames): as the float
  /// step on that input, bit for bit. Allocates nothing.
  @inlinable
  public func forward<S: NNScalar>(
    params: [S], bytes: [UInt8], inputOffset: Int = 0, step: Int, workspace: inout RecurrentWorkspace<S>
  ) {
    torso.forward(params: params, bytes: bytes, inputOffset: inputOffset, rows: 1, firstRow: step,
                  workspace: &workspace.torso)
    forwardAfterTorso(params: params, step: step, workspace: &workspace)
  }

  /// The LSTM and the head for step `step`, whose torso row is done.
  @inlinable
  func forwardAfterTorso<S: NNScalar>(params: [S], step: Int, workspace: inout RecurrentWorkspace<S>) {
    Kernels.lstmTakeInput(workspace.torso.activations, from: workspace.torso.outputOffset(row: step), step: step,
                          activation: torsoActivation, workspace: &workspace.lstm)
    Kernels.lstmForwardStep(lstm, params: params, step: step, workspace: &workspace.lstm)
    head.forward(params: params, input: workspace.lstm.buffer,
                 inputOffset: workspace.lstm.hidden + step * lstm.cells, row: step, workspace: &workspace.head)
  }

  /// Backward over steps 0..<steps, which must have been run forward in
  /// order from the current initial state with the same `params`. Reads
  /// dL/d(output) from `workspace.head.outputGradient` and adds (+=) dL/dθ
  /// into `gradients` at this network's offsets. Truncated: the initial
  /// state is a constant. Allocates nothing.
  @inlinable
  public func backward<S: NNScalar>(
    params: [S], steps: Int, workspace: inout RecurrentWorkspace<S>, gradients: inout [S]
  ) {
    if steps == 0 { return }
    head.backward(params: params, batch: steps, workspace: &workspace.head, gradients: &gradients)
    // dL/dh_t = W_head·δ_t (W_head[k, j] at offset + k·outputs + j).
    let N = lstm.cells, m = head.outputs, w = head.weightOffsets[0]
    let dh = workspace.lstm.hiddenGradient
    for t in 0..<steps {
      for k in 0..<N {
        var s: S = 0
        for j in 0..<m { s += params[w + k * m + j] * workspace.head.outputGradient[t * m + j] }
        workspace.lstm.buffer[dh + t * N + k] = s
      }
    }
    Kernels.lstmBackward(lstm, params: params, steps: steps, workspace: &workspace.lstm, gradients: &gradients)
    // dL/d(torso's linear output) = dL/dx_t · f'(x_t).
    let I = lstm.inputs, dx = workspace.lstm.inputGradient, x = workspace.lstm.x
    for t in 0..<steps {
      for k in 0..<I {
        let a = workspace.lstm.buffer[x + t * I + k]
        workspace.torso.outputGradient[t * I + k] =
          workspace.lstm.buffer[dx + t * I + k] * torsoActivation.derivative(output: a)
      }
    }
    torso.backward(params: params, batch: steps, workspace: &workspace.torso, gradients: &gradients)
  }
}

/// A `RecurrentNetwork`'s scratch: the torso's and the head's workspaces
/// (one row per step) and the LSTM's, which also holds the state a sequence
/// starts from.
public struct RecurrentWorkspace<S: NNScalar>: Sendable {
  public var torso: NetworkWorkspace<S>
  public var lstm: LSTMWorkspace<S>
  /// The outputs (`output(row: step, index:)`, `activations` at
  /// `outputOffset(row:)`) and dL/d(output) (`outputGradient`).
  public var head: NetworkWorkspace<S>

  @inlinable
  init(torso: NetworkWorkspace<S>, lstm: LSTMWorkspace<S>, head: NetworkWorkspace<S>) {
    self.torso = torso
    self.lstm = lstm
    self.head = head
  }

  /// Steps this workspace can hold.
  @inlinable public var maxSteps: Int { lstm.maxSteps }

  /// The next sequence starts from h = c = 0 (an episode's start).
  @inlinable public mutating func resetState() { lstm.resetState() }

  /// The next sequence starts from the state after step `t` of this one.
  @inlinable public mutating func carryState(fromStep t: Int) { lstm.carryState(fromStep: t) }
}
