// LSTMKernels.swift — the LSTM's forward step and its truncated
// backpropagation through time, as pointer loops (see Kernels.swift for why
// TinyNN's inner loops are unsafe, and how: every extent is checked with a
// precondition first, pointers never leave the kernel).

extension Kernels {
  /// y[0..<n] = σ(y) = ½ + ½·tanh(y/2): the vector tanh, so a gate costs
  /// what a tanh unit costs (and Double stays exact for the gradient checks).
  @inlinable @inline(__always)
  static func sigmoid<S: NNScalar>(_ y: UnsafeMutablePointer<S>, _ n: Int) {
    let half = SIMD8<S>(repeating: S(0.5))
    var j = 0
    while j + 8 <= n {
      store8(half + half * S.tanh8(half * load8(UnsafePointer(y + j))), y + j)
      j += 8
    }
    if j < n {
      var tail = SIMD8<S>()
      for k in j..<n { tail[k - j] = y[k] }
      tail = half + half * S.tanh8(half * tail)
      for k in j..<n { y[k] = tail[k - j] }
    }
  }

  /// x_t = f(src[srcOffset ..< srcOffset+I]) into the workspace (`nil`: a
  /// plain copy): the torso's output as the LSTM's input.
  @inlinable
  static func lstmTakeInput<S: NNScalar>(
    _ src: [S], from srcOffset: Int, step t: Int, activation: Activation?,
    workspace ws: inout LSTMWorkspace<S>
  ) {
    let n = ws.inputs, at = ws.x + t * n
    precondition(t >= 0 && t < ws.maxSteps)
    checkRange(srcOffset, n, within: src.count)
    src.withUnsafeBufferPointer { s in
      ws.buffer.withUnsafeMutableBufferPointer { b in
        let d = b.baseAddress! + at, sp = s.baseAddress! + srcOffset
        for k in 0..<n { d[k] = sp[k] }
        activate(d, n, activation)
      }
    }
  }

  /// Step t of `lstm` forward (see `LSTM` for the equations): reads x_t and
  /// the state after step t − 1 (h₀, c₀ for t = 0), writes the gates, c_t,
  /// tanh c_t and h_t.
  @inlinable
  static func lstmForwardStep<S: NNScalar>(
    _ lstm: LSTM, params: [S], step t: Int, workspace ws: inout LSTMWorkspace<S>
  ) {
    let I = lstm.inputs, N = lstm.cells, G = 4 * N
    precondition(ws.inputs == I && ws.cells == N, "TinyNN: workspace made for another LSTM")
    precondition(t >= 0 && t < ws.maxSteps, "TinyNN: step \(t) does not fit a workspace of \(ws.maxSteps)")
    checkRange(lstm.parameterOffset, lstm.parameterCount, within: params.count)
    let (hp, cp) = ws.previousState(t)
    let (x, z, c, tc, h) = (ws.x + t * I, ws.gates + t * G, ws.cell + t * N, ws.tanhCell + t * N, ws.hidden + t * N)
    params.withUnsafeBufferPointer { pb in
      ws.buffer.withUnsafeMutableBufferPointer { bb in
        let p = pb.baseAddress!, b = bb.baseAddress!
        let wih = p + lstm.inputWeightOffset, whh = p + lstm.recurrentWeightOffset, bias = p + lstm.biasOffset
        let xt = UnsafePointer(b + x), hPrev = UnsafePointer(b + hp), cPrev = UnsafePointer(b + cp)
        let zt = b + z
        for r in 0..<G {
          zt[r] = bias[r] + dot(wih + r * I, xt, I) + dot(whh + r * N, hPrev, N)
        }
        sigmoid(zt, 2 * N)              // i, f
        activate(zt + 2 * N, N, .tanh)  // g
        sigmoid(zt + 3 * N, N)          // o
        let ct = b + c, tct = b + tc, ht = b + h
        for k in 0..<N {
          ct[k] = zt[N + k] * cPrev[k] + zt[k] * zt[2 * N + k]
          tct[k] = ct[k]
        }
        activate(tct, N, .tanh)
        for k in 0..<N { ht[k] = zt[3 * N + k] * tct[k] }
      }
    }
  }

  /// Truncated backpropagation through steps 0..<steps, run forward with
  /// the same `params`: reads dL/dh_t (the layers above) from the
  /// workspace's hiddenGradient rows, adds (+=) dL/dW_ih, dL/dW_hh, dL/db
  /// into `gradients` at the LSTM's offsets and writes (=) dL/dx_t into the
  /// inputGradient rows. The initial state is taken as given: nothing flows
  /// into h₀, c₀ or the steps before them.
  ///
  /// Per step, backwards, with dh = dL/dh_t + dh_next and dc = dc_next +
  /// dh·o·(1 − tanh²c_t):
  ///   dz_i = dc·g·i(1−i), dz_f = dc·c_{t−1}·f(1−f), dz_g = dc·i·(1−g²),
  ///   dz_o = dh·tanh c_t·o(1−o); dc_next = dc·f, dh_next = W_hhᵀ·dz,
  ///   dx_t = W_ihᵀ·dz, dW_ih += dz·x_tᵀ, dW_hh += dz·h_{t−1}ᵀ, db += dz.
  @inlinable
  static func lstmBackward<S: NNScalar>(
    _ lstm: LSTM, params: [S], steps: Int, workspace ws: inout LSTMWorkspace<S>, gradients: inout [S]
  ) {
    let I = lstm.inputs, N = lstm.cells, G = 4 * N
    precondition(ws.inputs == I && ws.cells == N, "TinyNN: workspace made for another LSTM")
    precondition(steps >= 0 && steps <= ws.maxSteps, "TinyNN: \(steps) steps do not fit a workspace of \(ws.maxSteps)")
    checkRange(lstm.parameterOffset, lstm.parameterCount, within: params.count)
    checkRange(lstm.parameterOffset, lstm.parameterCount, within: gradients.count)
    if steps == 0 { return }
    let (xs, zs, cs, tcs, dhs, dxs) = (ws.x, ws.gates, ws.cell, ws.tanhCell, ws.hiddenGradient, ws.inputGradient)
    let (dzAt, dhNextAt, dcNextAt) = (ws.gateGradient, ws.hiddenCarry, ws.cellCarry)
    let states = (ws.initialHidden, ws.initialCell, ws.hidden)
    params.withUnsafeBufferPointer { pb in
      gradients.withUnsafeMutableBufferPointer { gb in
        ws.buffer.withUnsafeMutableBufferPointer { bb in
          let p = pb.baseAddress!, g = gb.baseAddress!, b = bb.baseAddress!
          let wih = p + lstm.inputWeightOffset, whh = p + lstm.recurrentWeightOffset
          let gwih = g + lstm.inputWeightOffset, gwhh = g + lstm.recurrentWeightOffset, gbias = g + lstm.biasOffset
          let dz = b + dzAt, dhNext = b + dhNextAt, dcNext = b + dcNextAt
          for k in 0..<N { dhNext[k] = 0; dcNext[k] = 0 }
          for t in stride(from: steps - 1, through: 0, by: -1) {
            let hPrev = t == 0 ? b + states.0 : b + states.2 + (t - 1) * N
            let cPrev = t == 0 ? b + states.1 : b + cs + (t - 1) * N
            let gate = b + zs + t * G, tc = b + tcs + t * N, dhExt = b + dhs + t * N
            for k in 0..<N {
              let i = gate[k], f = gate[N + k], gg = gate[2 * N + k], o = gate[3 * N + k]
              let dh = dhExt[k] + dhNext[k]
              let tck = tc[k]
              let dc = dcNext[k] + dh * o * (1 - tck * tck)
              dz[k] = dc * gg * i * (1 - i)
              dz[N + k] = dc * cPrev[k] * f * (1 - f)
              dz[2 * N + k] = dc * i * (1 - gg * gg)
              dz[3 * N + k] = dh * tck * o * (1 - o)
              dcNext[k] = dc * f
            }
            let xt = UnsafePointer(b + xs + t * I), dx = b + dxs + t * I
            for k in 0..<N { dhNext[k] = 0 }
            for k in 0..<I { dx[k] = 0 }
            for r in 0..<G {
              let d = dz[r]
              gbias[r] += d
              axpy(d, xt, gwih + r * I, I)
              axpy(d, UnsafePointer(hPrev), gwhh + r * N, N)
              axpy(d, wih + r * I, dx, I)
              if t > 0 { axpy(d, whh + r * N, dhNext, N) }
            }
          }
        }
      }
    }
  }
}
