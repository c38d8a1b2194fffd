// BatchKernels.swift — the K-row dense forward (one of TinyNN's files with
// unsafe code, under the same rules as Kernels.swift: every extent checked
// once per call, pointers only inside the call).
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
