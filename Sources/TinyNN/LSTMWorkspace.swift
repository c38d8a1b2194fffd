// LSTMWorkspace.swift — preallocated scratch for an LSTM over a rollout.

/// Every value an `LSTM`'s forward and backward passes over up to
/// `maxSteps` steps need, in one flat array so a kernel takes one buffer
/// pointer. Regions (N cells, I inputs, row t of a region at
/// `start + t·width`):
/// x (I: the step's input), gates (4N: i, f, g, o after their
/// nonlinearities), cell (N: c_t), tanhCell (N: tanh c_t), hidden (N: h_t),
/// the sequence's initial state h₀ (N) and c₀ (N), hiddenGradient (N:
/// dL/dh_t from the layers above, written before backward), inputGradient
/// (I: dL/dx_t, written by backward), and the backward pass's dz (4N per
/// step), running dh_next (N) and dc_next (N).
public struct LSTMWorkspace<S: NNScalar>: Sendable {
  public let maxSteps: Int
  public let inputs: Int
  public let cells: Int
  @usableFromInline var buffer: [S]
  @usableFromInline let x, gates, cell, tanhCell, hidden, initialHidden, initialCell: Int
  @usableFromInline let hiddenGradient, inputGradient, gateGradient, hiddenCarry, cellCarry: Int

  @inlinable
  init(inputs: Int, cells: Int, maxSteps: Int) {
    precondition(maxSteps >= 1, "TinyNN: maxSteps must be at least 1")
    self.maxSteps = maxSteps
    self.inputs = inputs
    self.cells = cells
    let widths = [inputs, 4 * cells, cells, cells, cells]
    var cursor = 0
    var starts: [Int] = []
    for w in widths { starts.append(cursor); cursor += maxSteps * w }
    (x, gates, cell, tanhCell, hidden) = (starts[0], starts[1], starts[2], starts[3], starts[4])
    initialHidden = cursor; cursor += cells
    initialCell = cursor; cursor += cells
    hiddenGradient = cursor; cursor += maxSteps * cells
    inputGradient = cursor; cursor += maxSteps * inputs
    gateGradient = cursor; cursor += maxSteps * 4 * cells
    hiddenCarry = cursor; cursor += cells
    cellCarry = cursor; cursor += cells
    buffer = Array(repeating: 0, count: cursor)
  }

  /// h₀ = c₀ = 0: the state at an episode's start.
  @inlinable
  public mutating func resetState() {
    for k in 0..<cells {
      buffer[initialHidden + k] = 0
      buffer[initialCell + k] = 0
    }
  }

  /// (h₀, c₀) ← (h_t, c_t): the next sequence continues after step `t`.
  @inlinable
  public mutating func carryState(fromStep t: Int) {
    precondition(t >= 0 && t < maxSteps, "TinyNN: step \(t) out of range")
    for k in 0..<cells {
      buffer[initialHidden + k] = buffer[hidden + t * cells + k]
      buffer[initialCell + k] = buffer[cell + t * cells + k]
    }
  }

  /// h₀[k] and c₀[k], the state the next sequence starts from.
  @inlinable
  public func initialState(cell k: Int) -> (hidden: S, cell: S) {
    precondition(k >= 0 && k < cells)
    return (buffer[initialHidden + k], buffer[initialCell + k])
  }

  /// Sets h₀[k] and c₀[k] (tests start sequences from a chosen state).
  @inlinable
  public mutating func setInitialState(cell k: Int, hidden h: S, cell c: S) {
    precondition(k >= 0 && k < cells)
    buffer[initialHidden + k] = h
    buffer[initialCell + k] = c
  }

  /// Start of h_{t−1} (h₀ for t = 0) and c_{t−1} in `buffer`.
  @inlinable
  func previousState(_ t: Int) -> (hidden: Int, cell: Int) {
    t == 0 ? (initialHidden, initialCell) : (hidden + (t - 1) * cells, cell + (t - 1) * cells)
  }
}
