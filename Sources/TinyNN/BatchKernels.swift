// BatchKernels.swift — the K-row dense forward of an `MLP`, and the
// `Linear` layers' forward and backward (one of TinyNN's files with unsafe
// code, under the same rules as Kernels.swift: every extent checked once per
// call, pointers only inside the call).
//
// Why: a one-row forward is a matrix–vector product — each weight loaded is
// used once, so it runs at the speed of the loads, far below the FMA peak.
// With K rows, a register block of 4 rows × 16 outputs (8 SIMD8
// accumulators) loads each 16-wide weight chunk once and uses it 4 times.

extension Kernels {
  /// Rows 0..<rows of a dense layer: y[r] = f(b + x[r]·W), rows consecutive
  /// (x row r at `values[inputOffset + r·fanIn]`, y row r at
  /// `values[outputOffset + r·fanOut]`).
  ///
  /// Each output is b_j + x_0·W[0, j] + x_1·W[1, j] + … in input order —
  /// the same sum as `denseForwardRow` forms — so every row is bit-equal to
  /// a one-row forward. Wide inputs (≥ `sparseInputFanIn`, the ConvNet
  /// head) skip inputs that are 0: followed by a ReLU, four rows at a time
  /// over the union of their non-zero inputs (`forwardBlock4SkippingZeros`),
  /// otherwise row by row (the one-row sweep), since a union sum may differ
  /// from the one-row sum in the sign of a zero.
  @inlinable
  static func denseForwardRows<S: NNScalar>(
    params: [S], weightOffset: Int, biasOffset: Int, fanIn: Int, fanOut: Int, rows: Int,
    values: inout [S], inputOffset: Int, outputOffset: Int, activation: Activation?
  ) {
    let wide = fanIn >= sparseInputFanIn
    if rows == 1 || (wide && (rows < 4 || activation != .relu)) {
      for r in 0..<rows {
        denseForwardRow(params: params, weightOffset: weightOffset, biasOffset: biasOffset,
                        fanIn: fanIn, fanOut: fanOut, values: &values,
                        inputOffset: inputOffset + r * fanIn, outputOffset: outputOffset + r * fanOut,
                        activation: activation)
      }
      return
    }
    checkRange(weightOffset, fanIn * fanOut, within: params.count)
    checkRange(biasOffset, fanOut, within: params.count)
    checkRange(inputOffset, rows * fanIn, within: values.count)
    checkRange(outputOffset, rows * fanOut, within: values.count)
    precondition(inputOffset + rows * fanIn <= outputOffset || outputOffset + rows * fanOut <= inputOffset)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = UnsafePointer(pb.baseAddress! + weightOffset)
        let b = UnsafePointer(pb.baseAddress! + biasOffset)
        let x = UnsafePointer(vb.baseAddress! + inputOffset)
        let y = vb.baseAddress! + outputOffset
        var r = 0
        while r + 4 <= rows {
          if wide {
            forwardBlock4SkippingZeros(w: w, b: b, x: x + r * fanIn, y: y + r * fanOut,
                                       fanIn: fanIn, fanOut: fanOut)
          } else {
            forwardBlock4(w: w, b: b, x: x + r * fanIn, y: y + r * fanOut, fanIn: fanIn, fanOut: fanOut)
          }
          r += 4
        }
        while r < rows {
          if wide {
            denseForwardRowSkippingZeros(w: w, b: b, x: x + r * fanIn, y: y + r * fanOut,
                                         fanIn: fanIn, fanOut: fanOut)
          } else {
            forwardBlock1(w: w, b: b, x: x + r * fanIn, y: y + r * fanOut, fanIn: fanIn, fanOut: fanOut)
          }
          r += 1
        }
        // The rows are contiguous: one activation pass over all of them
        // (tanh8 is lane-wise, so it equals the per-row passes).
        activate(y, rows * fanOut, activation)
      }
    }
  }

  /// Four rows (x rows fanIn apart, y rows fanOut apart), linear.
  @inlinable @inline(__always)
  static func forwardBlock4<S: NNScalar>(
    w: UnsafePointer<S>, b: UnsafePointer<S>, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>,
    fanIn: Int, fanOut: Int
  ) {
    let x0 = x, x1 = x + fanIn, x2 = x + 2 * fanIn, x3 = x + 3 * fanIn
    let y0 = y, y1 = y + fanOut, y2 = y + 2 * fanOut, y3 = y + 3 * fanOut
    var j = 0
    while j + 16 <= fanOut {
      let bl = load8(b + j), bh = load8(b + j + 8)
      var a0l = bl, a0h = bh, a1l = bl, a1h = bh, a2l = bl, a2h = bh, a3l = bl, a3h = bh
      var wRow = w + j
      for i in 0..<fanIn {
        let wl = load8(wRow), wh = load8(wRow + 8)
        let v0 = x0[i], v1 = x1[i], v2 = x2[i], v3 = x3[i]
        a0l += v0 * wl; a0h += v0 * wh
        a1l += v1 * wl; a1h += v1 * wh
        a2l += v2 * wl; a2h += v2 * wh
        a3l += v3 * wl; a3h += v3 * wh
        wRow += fanOut
      }
      store8(a0l, y0 + j); store8(a0h, y0 + j + 8)
      store8(a1l, y1 + j); store8(a1h, y1 + j + 8)
      store8(a2l, y2 + j); store8(a2h, y2 + j + 8)
      store8(a3l, y3 + j); store8(a3h, y3 + j + 8)
      j += 16
    }
    while j + 8 <= fanOut {
      let bv = load8(b + j)
      var a0 = bv, a1 = bv, a2 = bv, a3 = bv
      var wRow = w + j
      for i in 0..<fanIn {
        let wv = load8(wRow)
        a0 += x0[i] * wv; a1 += x1[i] * wv; a2 += x2[i] * wv; a3 += x3[i] * wv
        wRow += fanOut
      }
      store8(a0, y0 + j); store8(a1, y1 + j); store8(a2, y2 + j); store8(a3, y3 + j)
      j += 8
    }
    while j < fanOut {
      var a0 = b[j], a1 = b[j], a2 = b[j], a3 = b[j]
      for i in 0..<fanIn {
        let wv = w[i * fanOut + j]
        a0 += x0[i] * wv; a1 += x1[i] * wv; a2 += x2[i] * wv; a3 += x3[i] * wv
      }
      y0[j] = a0; y1[j] = a1; y2[j] = a2; y3[j] = a3
      j += 1
    }
  }

  /// Four rows of a wide layer (x rows fanIn apart, y rows fanOut apart),
  /// linear, visiting only the inputs that are non-zero in at least one of
  /// the four rows: `denseForwardRowSkippingZeros` with the union of the
  /// rows' masks, so each 16-wide chunk of W is loaded once for four rows.
  ///
  /// A row whose input is 0 where another row's is not adds 0·W[i, j] =
  /// ±0, which leaves every sum unchanged except that a sum equal to ±0 may
  /// change the sign of its zero. The caller only takes this path when a
  /// ReLU follows (both zeros become +0), so each row stays bit-equal to
  /// the one-row forward.
  @inlinable @inline(__always)
  static func forwardBlock4SkippingZeros<S: NNScalar>(
    w: UnsafePointer<S>, b: UnsafePointer<S>, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>,
    fanIn: Int, fanOut: Int
  ) {
    let x0 = x, x1 = x + fanIn, x2 = x + 2 * fanIn, x3 = x + 3 * fanIn
    let y0 = y, y1 = y + fanOut, y2 = y + 2 * fanOut, y3 = y + 3 * fanOut
    y0.update(from: b, count: fanOut); y1.update(from: b, count: fanOut)
    y2.update(from: b, count: fanOut); y3.update(from: b, count: fanOut)
    var base = 0
    while base < fanIn {
      let n = min(64, fanIn - base)
      let chunk = nonzeroMask(x0 + base, n) | nonzeroMask(x1 + base, n)
        | nonzeroMask(x2 + base, n) | nonzeroMask(x3 + base, n)
      if chunk == 0 { base += 64; continue }
      var j = 0
      while j + 16 <= fanOut {
        var a0l = load8(UnsafePointer(y0 + j)), a0h = load8(UnsafePointer(y0 + j + 8))
        var a1l = load8(UnsafePointer(y1 + j)), a1h = load8(UnsafePointer(y1 + j + 8))
        var a2l = load8(UnsafePointer(y2 + j)), a2h = load8(UnsafePointer(y2 + j + 8))
        var a3l = load8(UnsafePointer(y3 + j)), a3h = load8(UnsafePointer(y3 + j + 8))
        var mask = chunk
        while mask != 0 {
          let i = base &+ mask.trailingZeroBitCount
          mask &= mask &- 1
          let wRow = w + (i &* fanOut &+ j)
          let wl = load8(wRow), wh = load8(wRow + 8)
          let v0 = x0[i], v1 = x1[i], v2 = x2[i], v3 = x3[i]
          a0l += v0 * wl; a0h += v0 * wh
          a1l += v1 * wl; a1h += v1 * wh
          a2l += v2 * wl; a2h += v2 * wh
          a3l += v3 * wl; a3h += v3 * wh
        }
        store8(a0l, y0 + j); store8(a0h, y0 + j + 8)
        store8(a1l, y1 + j); store8(a1h, y1 + j + 8)
        store8(a2l, y2 + j); store8(a2h, y2 + j + 8)
        store8(a3l, y3 + j); store8(a3h, y3 + j + 8)
        j += 16
      }
      while j < fanOut {
        var a0 = y0[j], a1 = y1[j], a2 = y2[j], a3 = y3[j]
        var mask = chunk
        while mask != 0 {
          let i = base &+ mask.trailingZeroBitCount
          mask &= mask &- 1
          let wv = w[i &* fanOut &+ j]
          a0 += x0[i] * wv; a1 += x1[i] * wv; a2 += x2[i] * wv; a3 += x3[i] * wv
        }
        y0[j] = a0; y1[j] = a1; y2[j] = a2; y3[j] = a3
        j += 1
      }
      base += 64
    }
  }

  /// One row, linear (the rows left over after the blocks of four).
  @inlinable @inline(__always)
  static func forwardBlock1<S: NNScalar>(
    w: UnsafePointer<S>, b: UnsafePointer<S>, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>,
    fanIn: Int, fanOut: Int
  ) {
    var j = 0
    while j + 16 <= fanOut {
      var al = load8(b + j), ah = load8(b + j + 8)
      var wRow = w + j
      for i in 0..<fanIn {
        let v = x[i]
        al += v * load8(wRow); ah += v * load8(wRow + 8)
        wRow += fanOut
      }
      store8(al, y + j); store8(ah, y + j + 8)
      j += 16
    }
    while j + 8 <= fanOut {
      var a = load8(b + j)
      var wRow = w + j
      for i in 0..<fanIn { a += x[i] * load8(wRow); wRow += fanOut }
      store8(a, y + j)
      j += 8
    }
    while j < fanOut {
      var a = b[j]
      for i in 0..<fanIn { a += x[i] * w[i * fanOut + j] }
      y[j] = a
      j += 1
    }
  }
}

// MARK: - Linear ([outputs][inputs], PyTorch's layout)
//
// Each output is a dot product of a contiguous row of W with an input row,
// accumulated in one SIMD16 register over the inputs in order, its lanes
// summed in a fixed tree (`sum16`), the inputs past the last multiple of 16
// added after, then b. Blocks of rows × outputs keep several such sums in
// registers (6 on AVX2's 16 ymm: 1 row × 6 outputs, or 2 × 3) and share
// each load of x and W between them; every output's own arithmetic is the
// same in every block, so each row of a K-row forward is bit-equal to a
// one-row forward.

extension Kernels {
  /// Σ_i x[i]·w[i] for i < n, as every Linear output is summed (see above).
  @inlinable @inline(__always)
  static func linearTail<S: NNScalar>(_ acc: SIMD16<S>, _ x: UnsafePointer<S>, _ w: UnsafePointer<S>,
                                      from i: Int, to n: Int) -> S {
    var s = sum16(acc)
    for k in i..<n { s = s.addingProduct(x[k], w[k]) }
    return s
  }

  /// Rows 0..<rows of a Linear layer: y[r] = f(b + W·x[r]) with x row r at
  /// `values[inputOffset + r·fanIn]`, y row r at `values[outputOffset +
  /// r·fanOut]`; `relu` false leaves y linear.
  @inlinable
  static func linearForwardRows<S: NNScalar>(
    params: [S], weightOffset: Int, biasOffset: Int, fanIn: Int, fanOut: Int, rows: Int,
    values: inout [S], inputOffset: Int, outputOffset: Int, relu: Bool
  ) {
    precondition(rows >= 0, "TinyNN: negative row count")
    checkRange(weightOffset, fanIn * fanOut, within: params.count)
    checkRange(biasOffset, fanOut, within: params.count)
    checkRange(inputOffset, rows * fanIn, within: values.count)
    checkRange(outputOffset, rows * fanOut, within: values.count)
    precondition(inputOffset + rows * fanIn <= outputOffset || outputOffset + rows * fanOut <= inputOffset)
    if rows == 0 { return }
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = pb.baseAddress! + weightOffset, b = pb.baseAddress! + biasOffset
        let x = UnsafePointer(vb.baseAddress! + inputOffset), y = vb.baseAddress! + outputOffset
        let n16 = fanIn & ~15
        @inline(__always) func finish(_ acc: SIMD16<S>, _ r: Int, _ j: Int) {
          let v = b[j] + linearTail(acc, x + r * fanIn, w + j * fanIn, from: n16, to: fanIn)
          y[r * fanOut + j] = relu ? (v > 0 ? v : 0) : v
        }
        if rows == 1 {
          // One row: 6 outputs per block, each W row read once.
          var j = 0
          while j < fanOut {
            let last = fanOut - 1
            let w0 = w + j * fanIn, w1 = w + min(j + 1, last) * fanIn, w2 = w + min(j + 2, last) * fanIn
            let w3 = w + min(j + 3, last) * fanIn, w4 = w + min(j + 4, last) * fanIn
            let w5 = w + min(j + 5, last) * fanIn
            var c0 = SIMD16<S>(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
            var i = 0
            while i < n16 {
              let xv = load16(x + i)
              c0 = c0.addingProduct(xv, load16(w0 + i)); c1 = c1.addingProduct(xv, load16(w1 + i))
              c2 = c2.addingProduct(xv, load16(w2 + i)); c3 = c3.addingProduct(xv, load16(w3 + i))
              c4 = c4.addingProduct(xv, load16(w4 + i)); c5 = c5.addingProduct(xv, load16(w5 + i))
              i += 16
            }
            finish(c0, 0, j)
            if j + 1 < fanOut { finish(c1, 0, j + 1) }
            if j + 2 < fanOut { finish(c2, 0, j + 2) }
            if j + 3 < fanOut { finish(c3, 0, j + 3) }
            if j + 4 < fanOut { finish(c4, 0, j + 4) }
            if j + 5 < fanOut { finish(c5, 0, j + 5) }
            j += 6
          }
          return
        }
        // Several rows: blocks of 3 outputs (their W rows stay in cache)
        // swept over the rows in pairs.
        var j = 0
        while j < fanOut {
          let last = fanOut - 1
          let w0 = w + j * fanIn, w1 = w + min(j + 1, last) * fanIn, w2 = w + min(j + 2, last) * fanIn
          var r = 0
          while r < rows {
            let x0 = x + r * fanIn, x1 = x + min(r + 1, rows - 1) * fanIn
            var c00 = SIMD16<S>(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00
            var i = 0
            while i < n16 {
              let a = load16(x0 + i), bv = load16(x1 + i)
              let v0 = load16(w0 + i), v1 = load16(w1 + i), v2 = load16(w2 + i)
              c00 = c00.addingProduct(a, v0); c01 = c01.addingProduct(a, v1); c02 = c02.addingProduct(a, v2)
              c10 = c10.addingProduct(bv, v0); c11 = c11.addingProduct(bv, v1); c12 = c12.addingProduct(bv, v2)
              i += 16
            }
            finish(c00, r, j)
            if j + 1 < fanOut { finish(c01, r, j + 1) }
            if j + 2 < fanOut { finish(c02, r, j + 2) }
            if r + 1 < rows {
              finish(c10, r + 1, j)
              if j + 1 < fanOut { finish(c11, r + 1, j + 1) }
              if j + 2 < fanOut { finish(c12, r + 1, j + 2) }
            }
            r += 2
          }
          j += 3
        }
      }
    }
  }

  /// Backward of a Linear layer over rows 0..<batch, x row r at
  /// `values[inputOffset + r·fanIn]`, δ = dL/dz row r at
  /// `deltas[outputDeltaOffset + r·fanOut]`:
  /// - db += Σ_r δ[r]; dW[j, :] += Σ_r δ[r, j]·x[r, :], skipping the
  ///   outputs whose δ is 0 in every row (units a ReLU kept dead);
  /// - with `inputDeltaOffset`, δ_prev[r, i] = (Σ_j δ[r, j]·W[j, i])·[x[r, i] > 0]
  ///   written (=) there: x is the output of a ReLU layer.
  @inlinable
  static func linearBackward<S: NNScalar>(
    params: [S], weightOffset: Int, fanIn: Int, fanOut: Int, batch: Int,
    values: [S], inputOffset: Int, deltas: inout [S], outputDeltaOffset: Int, inputDeltaOffset: Int?,
    gradients: inout [S], weightGradientOffset: Int, biasGradientOffset: Int
  ) {
    precondition(batch >= 0, "TinyNN: negative batch")
    checkRange(weightOffset, fanIn * fanOut, within: params.count)
    checkRange(inputOffset, batch * fanIn, within: values.count)
    checkRange(outputDeltaOffset, batch * fanOut, within: deltas.count)
    if let d = inputDeltaOffset {
      checkRange(d, batch * fanIn, within: deltas.count)
      precondition(d + batch * fanIn <= outputDeltaOffset || outputDeltaOffset + batch * fanOut <= d)
    }
    checkRange(weightGradientOffset, fanIn * fanOut, within: gradients.count)
    checkRange(biasGradientOffset, fanOut, within: gradients.count)
    if batch == 0 { return }
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeBufferPointer { vb in
        deltas.withUnsafeMutableBufferPointer { db in
          gradients.withUnsafeMutableBufferPointer { gb in
            let w = pb.baseAddress! + weightOffset, x = vb.baseAddress! + inputOffset
            let dz = UnsafePointer(db.baseAddress! + outputDeltaOffset)
            let dW = gb.baseAddress! + weightGradientOffset, dB = gb.baseAddress! + biasGradientOffset
            for r in 0..<batch { axpy(1, dz + r * fanOut, dB, fanOut) }
            linearWeightGradient(x, dz, batch, fanIn, fanOut, dW)
            if let d = inputDeltaOffset {
              linearInputDeltas(w, dz, batch, fanIn, fanOut, x, db.baseAddress! + d)
            }
          }
        }
      }
    }
  }

  /// dW[j, :] += Σ_r δ[r, j]·x[r, :] for the outputs j with a non-zero δ
  /// in some row (a ReLU unit dead in every row has none): six at a time.
  @inlinable @inline(__always)
  static func linearWeightGradient<S: NNScalar>(
    _ x: UnsafePointer<S>, _ dz: UnsafePointer<S>, _ batch: Int, _ fanIn: Int, _ fanOut: Int,
    _ dW: UnsafeMutablePointer<S>
  ) {
    var block = (0, 0, 0, 0, 0, 0), count = 0
    for j in 0..<fanOut {
      var live = false
      for r in 0..<batch where dz[r * fanOut + j] != 0 { live = true; break }
      if !live { continue }
      switch count {
      case 0: block = (j, j, j, j, j, j)
      case 1: block.1 = j
      case 2: block.2 = j
      case 3: block.3 = j
      case 4: block.4 = j
      default: block.5 = j
      }
      count += 1
      if count == 6 {
        linearWeightGradientBlock(x, dz, batch, fanIn, fanOut, dW, block, count)
        count = 0
      }
    }
    if count > 0 { linearWeightGradientBlock(x, dz, batch, fanIn, fanOut, dW, block, count) }
  }

  /// dW rows j_0…j_{count−1} of `linearWeightGradient` (a block of fewer
  /// than six repeats j_0, whose row is added once): 6 outputs × 16 inputs,
  /// the sum over the rows in registers.
  @inlinable @inline(__always)
  static func linearWeightGradientBlock<S: NNScalar>(
    _ x: UnsafePointer<S>, _ dz: UnsafePointer<S>, _ batch: Int, _ fanIn: Int, _ fanOut: Int,
    _ dW: UnsafeMutablePointer<S>, _ block: (Int, Int, Int, Int, Int, Int), _ count: Int
  ) {
    let n16 = fanIn & ~15
    let (j0, j1, j2, j3, j4, j5) = block
    let g0 = dW + j0 * fanIn, g1 = dW + j1 * fanIn, g2 = dW + j2 * fanIn
    let g3 = dW + j3 * fanIn, g4 = dW + j4 * fanIn, g5 = dW + j5 * fanIn
    var i = 0
    while i < n16 {
      var c0 = SIMD16<S>(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
      for r in 0..<batch {
        let xv = load16(x + r * fanIn + i), d = dz + r * fanOut
        c0 = c0.addingProduct(SIMD16(repeating: d[j0]), xv)
        c1 = c1.addingProduct(SIMD16(repeating: d[j1]), xv)
        c2 = c2.addingProduct(SIMD16(repeating: d[j2]), xv)
        c3 = c3.addingProduct(SIMD16(repeating: d[j3]), xv)
        c4 = c4.addingProduct(SIMD16(repeating: d[j4]), xv)
        c5 = c5.addingProduct(SIMD16(repeating: d[j5]), xv)
      }
      store16(load16(UnsafePointer(g0 + i)) + c0, g0 + i)
      if count > 1 { store16(load16(UnsafePointer(g1 + i)) + c1, g1 + i) }
      if count > 2 { store16(load16(UnsafePointer(g2 + i)) + c2, g2 + i) }
      if count > 3 { store16(load16(UnsafePointer(g3 + i)) + c3, g3 + i) }
      if count > 4 { store16(load16(UnsafePointer(g4 + i)) + c4, g4 + i) }
      if count > 5 { store16(load16(UnsafePointer(g5 + i)) + c5, g5 + i) }
      i += 16
    }
    if n16 == fanIn { return }
    for q in 0..<count {
      let j = q == 0 ? j0 : q == 1 ? j1 : q == 2 ? j2 : q == 3 ? j3 : q == 4 ? j4 : j5
      let g = dW + j * fanIn
      for i in n16..<fanIn {
        var s: S = 0
        for r in 0..<batch { s = s.addingProduct(dz[r * fanOut + j], x[r * fanIn + i]) }
        g[i] += s
      }
    }
  }

  /// δ_prev[r, i] = (Σ_j δ[r, j]·W[j, i])·[x[r, i] > 0]. W is read row by
  /// row, as stored (a sweep down its columns would touch a new cache line
  /// per output and outrun the prefetchers), four outputs at a time: each
  /// block adds its four terms to the δ_prev rows, 16 inputs at a time.
  /// Outputs whose δ is 0 in every row are skipped.
  @inlinable @inline(__always)
  static func linearInputDeltas<S: NNScalar>(
    _ w: UnsafePointer<S>, _ dz: UnsafePointer<S>, _ batch: Int, _ fanIn: Int, _ fanOut: Int,
    _ x: UnsafePointer<S>, _ dx: UnsafeMutablePointer<S>
  ) {
    let total = batch * fanIn
    dx.update(repeating: 0, count: total)
    var block = (0, 0, 0, 0), count = 0
    for j in 0..<fanOut {
      var live = false
      for r in 0..<batch where dz[r * fanOut + j] != 0 { live = true; break }
      if !live { continue }
      switch count {
      case 0: block = (j, j, j, j)
      case 1: block.1 = j
      case 2: block.2 = j
      default: block.3 = j
      }
      count += 1
      if count == 4 {
        linearInputDeltasBlock(w, dz, batch, fanIn, fanOut, dx, block, count)
        count = 0
      }
    }
    if count > 0 { linearInputDeltasBlock(w, dz, batch, fanIn, fanOut, dx, block, count) }
    var e = 0
    while e + 16 <= total {
      store16(reluGate16(load16(UnsafePointer(dx + e)), load16(x + e)), dx + e)
      e += 16
    }
    while e < total { if !(x[e] > 0) { dx[e] = 0 }; e += 1 }
  }

  /// dx[r, :] += Σ_q δ[r, j_q]·W[j_q, :] for the block's `count` outputs
  /// (the repeats of a short block weigh 0).
  @inlinable @inline(__always)
  static func linearInputDeltasBlock<S: NNScalar>(
    _ w: UnsafePointer<S>, _ dz: UnsafePointer<S>, _ batch: Int, _ fanIn: Int, _ fanOut: Int,
    _ dx: UnsafeMutablePointer<S>, _ block: (Int, Int, Int, Int), _ count: Int
  ) {
    let n16 = fanIn & ~15
    let (j0, j1, j2, j3) = block
    let w0 = w + j0 * fanIn, w1 = w + j1 * fanIn, w2 = w + j2 * fanIn, w3 = w + j3 * fanIn
    for r in 0..<batch {
      let d = dz + r * fanOut, out = dx + r * fanIn
      let s0 = d[j0], s1 = count > 1 ? d[j1] : 0, s2 = count > 2 ? d[j2] : 0, s3 = count > 3 ? d[j3] : 0
      let a0 = SIMD16(repeating: s0), a1 = SIMD16(repeating: s1)
      let a2 = SIMD16(repeating: s2), a3 = SIMD16(repeating: s3)
      var i = 0
      while i < n16 {
        var v = load16(UnsafePointer(out + i))
        v = v.addingProduct(a0, load16(w0 + i))
        v = v.addingProduct(a1, load16(w1 + i))
        v = v.addingProduct(a2, load16(w2 + i))
        v = v.addingProduct(a3, load16(w3 + i))
        store16(v, out + i)
        i += 16
      }
      while i < fanIn {
        out[i] = out[i].addingProduct(s0, w0[i]).addingProduct(s1, w1[i]).addingProduct(s2, w2[i])
          .addingProduct(s3, w3[i])
        i += 1
      }
    }
  }
}
