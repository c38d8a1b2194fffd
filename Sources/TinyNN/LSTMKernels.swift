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
        // Four gate rows at a time (G = 4N) share each load of x_t and
        // h_{t−1}, and each row's two dot products one accumulator (one
        // horizontal sum).
        for r in stride(from: 0, to: G, by: 4) {
          lstmGateRows4(wih + r * I, I, xt, whh + r * N, N, hPrev, bias + r, zt + r)
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
          let dzs = b + dzAt, dhNext = b + dhNextAt, dcNext = b + dcNextAt
          func hPrev(_ t: Int) -> UnsafePointer<S> { UnsafePointer(t == 0 ? b + states.0 : b + states.2 + (t - 1) * N) }
          // The recurrence, backwards: only dz_t and dh_next = W_hhᵀ·dz_t
          // must be sequential. dz_t is kept for every step, so that the
          // weight gradients and dx_t below are one pass over W each
          // instead of one per step.
          for k in 0..<N { dhNext[k] = 0; dcNext[k] = 0 }
          for t in stride(from: steps - 1, through: 0, by: -1) {
            let cPrev = t == 0 ? b + states.1 : b + cs + (t - 1) * N
            let gate = b + zs + t * G, tc = b + tcs + t * N, dhExt = b + dhs + t * N, dz = dzs + t * G
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
            if t > 0 { lstmTransposedProduct(whh, rows: G, columns: N, UnsafePointer(dz), into: dhNext) }
          }
          // dx_t = W_ihᵀ·dz_t; db += Σ_t dz_t; dW += Σ_t dz_t·(x_t, h_{t−1})ᵀ.
          for t in 0..<steps {
            lstmTransposedProduct(wih, rows: G, columns: I, UnsafePointer(dzs + t * G), into: b + dxs + t * I)
          }
          for r in 0..<G {
            var sum: S = 0
            for t in 0..<steps { sum += dzs[t * G + r] }
            gbias[r] += sum
          }
          lstmOuterProducts(UnsafePointer(dzs), rows: G, steps: steps, { UnsafePointer(b + xs + $0 * I) },
                            columns: I, into: gwih)
          lstmOuterProducts(UnsafePointer(dzs), rows: G, steps: steps, hPrev, columns: N, into: gwhh)
        }
      }
    }
  }

  /// z[q] = bias[q] + W_ih[q]·x + W_hh[q]·h for the four rows q < 4 that
  /// start at `wih` (width I) and `whh` (width N).
  @inlinable @inline(__always)
  static func lstmGateRows4<S: NNScalar>(
    _ wih: UnsafePointer<S>, _ I: Int, _ x: UnsafePointer<S>,
    _ whh: UnsafePointer<S>, _ N: Int, _ h: UnsafePointer<S>,
    _ bias: UnsafePointer<S>, _ z: UnsafeMutablePointer<S>
  ) {
    var a0 = SIMD8<S>(), a1 = SIMD8<S>(), a2 = SIMD8<S>(), a3 = SIMD8<S>()
    var j = 0
    while j + 8 <= I {
      let v = load8(x + j)
      a0 += load8(wih + j) * v
      a1 += load8(wih + I + j) * v
      a2 += load8(wih + 2 * I + j) * v
      a3 += load8(wih + 3 * I + j) * v
      j += 8
    }
    var s0: S = 0, s1: S = 0, s2: S = 0, s3: S = 0
    while j < I {
      let v = x[j]
      s0 += wih[j] * v; s1 += wih[I + j] * v; s2 += wih[2 * I + j] * v; s3 += wih[3 * I + j] * v
      j += 1
    }
    j = 0
    while j + 8 <= N {
      let v = load8(h + j)
      a0 += load8(whh + j) * v
      a1 += load8(whh + N + j) * v
      a2 += load8(whh + 2 * N + j) * v
      a3 += load8(whh + 3 * N + j) * v
      j += 8
    }
    while j < N {
      let v = h[j]
      s0 += whh[j] * v; s1 += whh[N + j] * v; s2 += whh[2 * N + j] * v; s3 += whh[3 * N + j] * v
      j += 1
    }
    z[0] = bias[0] + a0.sum() + s0
    z[1] = bias[1] + a1.sum() + s1
    z[2] = bias[2] + a2.sum() + s2
    z[3] = bias[3] + a3.sum() + s3
  }

  /// out[k] = Σ_r v[r]·w[r·columns + k] (= Wᵀ·v for a rows × columns W):
  /// 32 columns at a time held in registers over every row, so `out` is
  /// written once instead of once per row.
  @inlinable @inline(__always)
  static func lstmTransposedProduct<S: NNScalar>(
    _ w: UnsafePointer<S>, rows: Int, columns: Int, _ v: UnsafePointer<S>, into out: UnsafeMutablePointer<S>
  ) {
    var k = 0
    while k + 32 <= columns {
      var a0 = SIMD8<S>(), a1 = SIMD8<S>(), a2 = SIMD8<S>(), a3 = SIMD8<S>()
      for r in 0..<rows {
        let row = w + r * columns + k, d = SIMD8<S>(repeating: v[r])
        a0 += d * load8(row)
        a1 += d * load8(row + 8)
        a2 += d * load8(row + 16)
        a3 += d * load8(row + 24)
      }
      store8(a0, out + k); store8(a1, out + k + 8); store8(a2, out + k + 16); store8(a3, out + k + 24)
      k += 32
    }
    while k + 8 <= columns {
      var a = SIMD8<S>()
      for r in 0..<rows { a += SIMD8<S>(repeating: v[r]) * load8(w + r * columns + k) }
      store8(a, out + k)
      k += 8
    }
    while k < columns {
      var a: S = 0
      for r in 0..<rows { a += v[r] * w[r * columns + k] }
      out[k] = a
      k += 1
    }
  }

  /// g[r·columns + k] += Σ_t dz[t·rows + r]·u_t[k] for every row r < rows:
  /// each row of g is read and written once per backward pass, the
  /// sequence's vectors u_t (`vector(t)`, `columns` long) stay in cache.
  @inlinable @inline(__always)
  static func lstmOuterProducts<S: NNScalar>(
    _ dz: UnsafePointer<S>, rows: Int, steps: Int, _ vector: (Int) -> UnsafePointer<S>,
    columns: Int, into g: UnsafeMutablePointer<S>
  ) {
    for r in 0..<rows {
      let row = g + r * columns
      var k = 0
      while k + 32 <= columns {
        var a0 = load8(UnsafePointer(row + k)), a1 = load8(UnsafePointer(row + k + 8))
        var a2 = load8(UnsafePointer(row + k + 16)), a3 = load8(UnsafePointer(row + k + 24))
        for t in 0..<steps {
          let u = vector(t) + k, d = SIMD8<S>(repeating: dz[t * rows + r])
          a0 += d * load8(u); a1 += d * load8(u + 8); a2 += d * load8(u + 16); a3 += d * load8(u + 24)
        }
        store8(a0, row + k); store8(a1, row + k + 8); store8(a2, row + k + 16); store8(a3, row + k + 24)
        k += 32
      }
      while k + 8 <= columns {
        var a = load8(UnsafePointer(row + k))
        for t in 0..<steps { a += SIMD8<S>(repeating: dz[t * rows + r]) * load8(vector(t) + k) }
        store8(a, row + k)
        k += 8
      }
      while k < columns {
        var a = row[k]
        for t in 0..<steps { a += dz[t * rows + r] * vector(t)[k] }
        row[k] = a
        k += 1
      }
    }
  }
}
