// Kernels.swift — with BatchKernels.swift, ConvKernels.swift and
// LSTMKernels.swift, the only files in TinyNN with unsafe code.
//
// Why unsafe at all: the dense layers are the worker's hot loop, and indexing
// `[S]` inside the inner loops costs a bounds check per element and blocks
// vectorisation. Each kernel below therefore
//   1. validates every offset/extent it will touch with `precondition`s
//      (once per call, kept in release builds), then
//   2. takes the arrays' buffer pointers in one tightly scoped
//      `withUnsafe(Mutable)BufferPointer` and runs plain pointer loops.
// The public API never exposes a pointer; everything outside this file passes
// arrays plus offsets. Explicit `SIMD8` loads/stores are used so the loops
// vectorise even where LLVM would not (reductions may not be reassociated
// without fast-math, so the dot product keeps two SIMD8 partial sums).

@usableFromInline
enum Kernels {
  // MARK: Pointer primitives (never called outside this file)

  @inlinable @inline(__always)
  static func load8<S: NNScalar>(_ p: UnsafePointer<S>) -> SIMD8<S> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<S>.self)
  }

  @inlinable @inline(__always)
  static func store8<S: NNScalar>(_ v: SIMD8<S>, _ p: UnsafeMutablePointer<S>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<S>.self)
  }

  @inlinable @inline(__always)
  static func load16<S: NNScalar>(_ p: UnsafePointer<S>) -> SIMD16<S> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<S>.self)
  }

  @inlinable @inline(__always)
  static func store16<S: NNScalar>(_ v: SIMD16<S>, _ p: UnsafeMutablePointer<S>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<S>.self)
  }

  /// Lanes 0..<n of p (n ≤ 16), the others 0.
  @inlinable @inline(__always)
  static func loadPartial16<S: NNScalar>(_ p: UnsafePointer<S>, _ n: Int) -> SIMD16<S> {
    if n == 16 { return load16(p) }
    var v = SIMD16<S>()
    for i in 0..<n { v[i] = p[i] }
    return v
  }

  /// Lanes 0..<n of v to p[0..<n] (n ≤ 16).
  @inlinable @inline(__always)
  static func storePartial16<S: NNScalar>(_ v: SIMD16<S>, _ p: UnsafeMutablePointer<S>, _ n: Int) {
    if n == 16 { store16(v, p); return }
    for i in 0..<n { p[i] = v[i] }
  }

  /// v's lanes summed in a fixed tree (halves, then halves again), so every
  /// caller that sums the same lanes gets the same bits.
  @inlinable @inline(__always)
  static func sum16<S: NNScalar>(_ v: SIMD16<S>) -> S {
    let h8 = v.lowHalf + v.highHalf
    let h4 = h8.lowHalf + h8.highHalf
    let h2 = h4.lowHalf + h4.highHalf
    return h2[0] + h2[1]
  }

  /// `v > 0 ? v : 0` lane-wise (NaN → 0), on the concrete vector type as in
  /// `relu8`.
  @inlinable @inline(__always)
  static func relu16<S: NNScalar>(_ v: SIMD16<S>) -> SIMD16<S> {
    if S.self == Float.self {
      let f = unsafeBitCast(v, to: SIMD16<Float>.self)
      return unsafeBitCast(f.replacing(with: 0, where: .!(f .> 0)), to: SIMD16<S>.self)
    }
    if S.self == Double.self {
      let d = unsafeBitCast(v, to: SIMD16<Double>.self)
      return unsafeBitCast(d.replacing(with: 0, where: .!(d .> 0)), to: SIMD16<S>.self)
    }
    return v.replacing(with: 0, where: .!(v .> 0))
  }

  /// `a > 0 ? v : 0` lane-wise: δ through a ReLU whose output was a.
  @inlinable @inline(__always)
  static func reluGate16<S: NNScalar>(_ v: SIMD16<S>, _ a: SIMD16<S>) -> SIMD16<S> {
    if S.self == Float.self {
      let f = unsafeBitCast(v, to: SIMD16<Float>.self), g = unsafeBitCast(a, to: SIMD16<Float>.self)
      return unsafeBitCast(f.replacing(with: 0, where: .!(g .> 0)), to: SIMD16<S>.self)
    }
    if S.self == Double.self {
      let f = unsafeBitCast(v, to: SIMD16<Double>.self), g = unsafeBitCast(a, to: SIMD16<Double>.self)
      return unsafeBitCast(f.replacing(with: 0, where: .!(g .> 0)), to: SIMD16<S>.self)
    }
    return v.replacing(with: 0, where: .!(a .> 0))
  }

  /// y[0..<n] += a · x[0..<n].
  @inlinable @inline(__always)
  static func axpy<S: NNScalar>(
    _ a: S, _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int
  ) {
    var j = 0
    while j + 8 <= n {
      store8(load8(y + j) + a * load8(x + j), y + j)
      j += 8
    }
    while j < n { y[j] += a * x[j]; j += 1 }
  }

  /// Σ x[j]·y[j] for j in 0..<n, with two SIMD8 partial sums (16 lanes) so
  /// consecutive multiply-adds do not wait on one accumulator.
  @inlinable @inline(__always)
  static func dot<S: NNScalar>(
    _ x: UnsafePointer<S>, _ y: UnsafePointer<S>, _ n: Int
  ) -> S {
    var acc0 = SIMD8<S>(), acc1 = SIMD8<S>()
    var j = 0
    while j + 16 <= n {
      acc0 += load8(x + j) * load8(y + j)
      acc1 += load8(x + j + 8) * load8(y + j + 8)
      j += 16
    }
    if j + 8 <= n {
      acc0 += load8(x + j) * load8(y + j)
      j += 8
    }
    var s = (acc0 + acc1).sum()
    while j < n { s += x[j] * y[j]; j += 1 }
    return s
  }

  @inlinable @inline(__always)
  static func checkRange(_ offset: Int, _ count: Int, within total: Int) {
    precondition(offset >= 0 && count >= 0 && offset <= total - count,
                 "TinyNN: range \(offset)..<\(offset + count) outside 0..<\(total)")
  }

  // MARK: Array-level kernels

  /// dst[dstOffset ..< dstOffset+count] = src[srcOffset ..< srcOffset+count].
  @inlinable
  static func copy<S: NNScalar>(
    _ src: [S], from srcOffset: Int, to dst: inout [S], at dstOffset: Int, count: Int
  ) {
    checkRange(srcOffset, count, within: src.count)
    checkRange(dstOffset, count, within: dst.count)
    if count == 0 { return }  // an empty array may have no base address
    src.withUnsafeBufferPointer { s in
      dst.withUnsafeMutableBufferPointer { d in
        let sp = s.baseAddress!, dp = d.baseAddress!
        for k in 0..<count { dp[dstOffset + k] = sp[srcOffset + k] }
      }
    }
  }

  /// dst[dstOffset + k] = S(bytes[srcOffset + k]) / 255 for k < count: an
  /// image's bytes as the values in [0, 1] a network reads. A division, not
  /// a multiplication by 1/255 (which differs in the last bit for about half
  /// the bytes), so the byte forward equals the float forward on byte/255.
  @inlinable
  static func convertBytes<S: NNScalar>(
    _ bytes: [UInt8], from srcOffset: Int, to dst: inout [S], at dstOffset: Int, count: Int
  ) {
    checkRange(srcOffset, count, within: bytes.count)
    checkRange(dstOffset, count, within: dst.count)
    if count == 0 { return }
    bytes.withUnsafeBufferPointer { s in
      dst.withUnsafeMutableBufferPointer { d in
        let sp = s.baseAddress! + srcOffset
        if S.self == Float.self {
          // The concrete loop vectorises (zero-extend, convert, divide).
          UnsafeMutableRawPointer(d.baseAddress! + dstOffset).withMemoryRebound(to: Float.self, capacity: count) { dp in
            for k in 0..<count { dp[k] = Float(sp[k]) / 255 }
          }
        } else {
          let dp = d.baseAddress! + dstOffset
          for k in 0..<count { dp[k] = S(sp[k]) / 255 }
        }
      }
    }
  }

  /// One row of a dense layer: y = f(b + x·W).
  ///
  /// - W: `fanIn × fanOut` row-major at `params[weightOffset...]`, so row i
  ///   (W[i, :]) holds input i's weights to every output and the product is
  ///   a sum of contiguous axpys y += x_i·W[i, :] (vectorises over outputs).
  /// - b: `fanOut` values at `params[biasOffset...]`.
  /// - x: `fanIn` values at `values[inputOffset...]`; y: `fanOut` values at
  ///   `values[outputOffset...]` (same array, disjoint ranges).
  /// - `activation == nil` leaves y linear (the output layer).
  @inlinable
  static func denseForwardRow<S: NNScalar>(
    params: [S], weightOffset: Int, biasOffset: Int, fanIn: Int, fanOut: Int,
    values: inout [S], inputOffset: Int, outputOffset: Int, activation: Activation?
  ) {
    checkRange(weightOffset, fanIn * fanOut, within: params.count)
    checkRange(biasOffset, fanOut, within: params.count)
    checkRange(inputOffset, fanIn, within: values.count)
    checkRange(outputOffset, fanOut, within: values.count)
    precondition(inputOffset + fanIn <= outputOffset || outputOffset + fanOut <= inputOffset)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = UnsafePointer(pb.baseAddress! + weightOffset)
        let b = UnsafePointer(pb.baseAddress! + biasOffset)
        let x = UnsafePointer(vb.baseAddress! + inputOffset)
        let y = vb.baseAddress! + outputOffset
        if fanIn >= sparseInputFanIn {
          denseForwardRowSkippingZeros(w: w, b: b, x: x, y: y, fanIn: fanIn, fanOut: fanOut)
          activate(y, fanOut, activation)
          return
        }
        // Outputs in blocks of 32 (four SIMD8 accumulators held in
        // registers for the whole sweep over the inputs), so y is loaded and
        // stored once per block rather than once per input.
        var j = 0
        while j + 32 <= fanOut {
          var a0 = load8(b + j), a1 = load8(b + j + 8), a2 = load8(b + j + 16), a3 = load8(b + j + 24)
          var wRow = w + j
          for i in 0..<fanIn {
            let xi = x[i]
            a0 += xi * load8(wRow); a1 += xi * load8(wRow + 8)
            a2 += xi * load8(wRow + 16); a3 += xi * load8(wRow + 24)
            wRow += fanOut
          }
          store8(a0, y + j); store8(a1, y + j + 8); store8(a2, y + j + 16); store8(a3, y + j + 24)
          j += 32
        }
        while j + 8 <= fanOut {
          var a = load8(b + j)
          var wRow = w + j
          for i in 0..<fanIn {
            a += x[i] * load8(wRow)
            wRow += fanOut
          }
          store8(a, y + j)
          j += 8
        }
        while j < fanOut {
          var a = b[j]
          for i in 0..<fanIn { a += x[i] * w[i * fanOut + j] }
          y[j] = a
          j += 1
        }
        activate(y, fanOut, activation)
      }
    }
  }

  /// Fan-in from which `denseForwardRow` skips inputs that are exactly 0.
  /// Narrow layers (CartPole's 4 → 64 → 64) keep the plain sweep: their W
  /// sits in L1, and finding the zeros would cost more than it saves.
  @usableFromInline static let sparseInputFanIn = 256

  /// y = b + x·W (linear) visiting only the inputs that are not exactly 0.
  ///
  /// A wide layer's W (ConvNet: 1024 × 128, 512 KB of Float) streams from
  /// memory for every row, and its inputs — ReLU features, binary planes —
  /// are often half or more exactly 0. Inputs go in chunks of 64: one bit
  /// mask of the non-zero ones per chunk, then every output block adds the
  /// chunk's non-zero terms by walking the mask. Each output still receives
  /// b first and then the non-zero terms in input order — the very sum the
  /// plain sweep forms, less terms that are +0 or −0.
  @inlinable @inline(__always)
  static func denseForwardRowSkippingZeros<S: NNScalar>(
    w: UnsafePointer<S>, b: UnsafePointer<S>, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>,
    fanIn: Int, fanOut: Int
  ) {
    y.update(from: b, count: fanOut)
    var base = 0
    while base < fanIn {
      let chunk = nonzeroMask(x + base, min(64, fanIn - base))
      var j = 0
      while j + 32 <= fanOut {
        var a0 = load8(UnsafePointer(y + j)), a1 = load8(UnsafePointer(y + j + 8))
        var a2 = load8(UnsafePointer(y + j + 16)), a3 = load8(UnsafePointer(y + j + 24))
        var mask = chunk
        while mask != 0 {
          let i = base &+ mask.trailingZeroBitCount
          mask &= mask &- 1
          let xi = x[i], wRow = w + (i &* fanOut &+ j)
          a0 += xi * load8(wRow); a1 += xi * load8(wRow + 8)
          a2 += xi * load8(wRow + 16); a3 += xi * load8(wRow + 24)
        }
        store8(a0, y + j); store8(a1, y + j + 8); store8(a2, y + j + 16); store8(a3, y + j + 24)
        j += 32
      }
      while j < fanOut {
        var a = y[j]
        var mask = chunk
        while mask != 0 {
          let i = base &+ mask.trailingZeroBitCount
          mask &= mask &- 1
          a += x[i] * w[i &* fanOut &+ j]
        }
        y[j] = a
        j += 1
      }
      base += 64
    }
  }

  /// Bit t set ⇔ x[t] != 0 (NaN included), for t in 0..<n, n ≤ 64.
  /// Branch-free (`Bool` is one byte, 0 or 1): which inputs are 0 is data,
  /// and a branch on it would be mispredicted.
  @inlinable @inline(__always)
  static func nonzeroMask<S: NNScalar>(_ x: UnsafePointer<S>, _ n: Int) -> UInt64 {
    var mask: UInt64 = 0
    for t in 0..<n {
      mask |= UInt64(unsafeBitCast(x[t] != 0, to: UInt8.self)) &<< UInt64(t)
    }
    return mask
  }

  /// `v > 0 ? v : 0` in every lane (NaN → 0, as `Activation.apply`), on the
  /// concrete vector type: the generic `replacing(with:where:)` compiles to
  /// a lane-by-lane loop through the stack, the concrete one to one blend.
  @inlinable @inline(__always)
  static func relu8<S: NNScalar>(_ v: SIMD8<S>) -> SIMD8<S> {
    if S.self == Float.self {
      let f = unsafeBitCast(v, to: SIMD8<Float>.self)
      return unsafeBitCast(f.replacing(with: 0, where: .!(f .> 0)), to: SIMD8<S>.self)
    }
    if S.self == Double.self {
      let d = unsafeBitCast(v, to: SIMD8<Double>.self)
      return unsafeBitCast(d.replacing(with: 0, where: .!(d .> 0)), to: SIMD8<S>.self)
    }
    return v.replacing(with: 0, where: .!(v .> 0))
  }

  /// y[0..<n] = f(y[0..<n]); `nil` leaves y linear.
  @inlinable @inline(__always)
  static func activate<S: NNScalar>(
    _ y: UnsafeMutablePointer<S>, _ n: Int, _ activation: Activation?
  ) {
    switch activation {
    case nil: break
    case .relu?:
      // Lane-wise selects: a scalar `y > 0 ? y : 0` compiles to a branch,
      // mispredicted on about half the units of a ReLU layer.
      var j = 0
      while j + 8 <= n { store8(relu8(load8(UnsafePointer(y + j))), y + j); j += 8 }
      while j < n { y[j] = y[j] > 0 ? y[j] : 0; j += 1 }
    case .tanh?:
      var j = 0
      while j + 8 <= n { store8(S.tanh8(load8(UnsafePointer(y + j))), y + j); j += 8 }
      if j < n {
        // The tail goes through the same vector code, so every unit of
        // a layer sees the same tanh.
        var tail = SIMD8<S>()
        for k in j..<n { tail[k - j] = y[k] }
        tail = S.tanh8(tail)
        for k in j..<n { y[k] = tail[k - j] }
      }
    }
  }

  /// Backward of a dense layer over rows 0..<batch.
  ///
  /// With x the layer input (row r at `values[inputOffset + r·fanIn]`) and
  /// δ = dL/dz the gradient at the layer's pre-activation (row r at
  /// `deltas[outputDeltaOffset + r·fanOut]`):
  /// - dW[i, :] += Σ_r x[r, i]·δ[r, :]   (axpy, same layout as W)
  /// - db       += Σ_r δ[r, :]
  /// - if `inputDeltaOffset` is non-nil, the previous layer's pre-activation
  ///   gradient δ_prev[r, i] = (Σ_j W[i, j]·δ[r, j])·f'(x[r, i]), written (=)
  ///   at `deltas[inputDeltaOffset + r·fanIn]` — a dot product of row i of W
  ///   with row r of δ, both contiguous. `inputActivation` is the f that
  ///   produced x. The first layer passes nil: nobody needs dL/d(input).
  @inlinable
  static func denseBackward<S: NNScalar>(
    params: [S], weightOffset: Int, fanIn: Int, fanOut: Int, batch: Int,
    values: [S], inputOffset: Int,
    deltas: inout [S], outputDeltaOffset: Int, inputDeltaOffset: Int?,
    inputActivation: Activation,
    gradients: inout [S], weightGradientOffset: Int, biasGradientOffset: Int
  ) {
    checkRange(weightOffset, fanIn * fanOut, within: params.count)
    checkRange(inputOffset, batch * fanIn, within: values.count)
    checkRange(outputDeltaOffset, batch * fanOut, within: deltas.count)
    if let d = inputDeltaOffset {
      checkRange(d, batch * fanIn, within: deltas.count)
      precondition(d + batch * fanIn <= outputDeltaOffset
                   || outputDeltaOffset + batch * fanOut <= d)
    }
    checkRange(weightGradientOffset, fanIn * fanOut, within: gradients.count)
    checkRange(biasGradientOffset, fanOut, within: gradients.count)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeBufferPointer { vb in
        deltas.withUnsafeMutableBufferPointer { db in
          gradients.withUnsafeMutableBufferPointer { gb in
            let w = UnsafePointer(pb.baseAddress! + weightOffset)
            let xs = UnsafePointer(vb.baseAddress! + inputOffset)
            let dz = UnsafePointer(db.baseAddress! + outputDeltaOffset)
            let dW = gb.baseAddress! + weightGradientOffset
            let dB = gb.baseAddress! + biasGradientOffset
            for r in 0..<batch { axpy(1, dz + r * fanOut, dB, fanOut) }
            let dx: UnsafeMutablePointer<S>? = inputDeltaOffset.map { db.baseAddress! + $0 }
            // Rows in blocks of four: each W/dW row chunk is loaded once per
            // block instead of once per row, and the four dot products run as
            // four independent SIMD accumulators.
            var r = 0
            while r + 4 <= batch {
              backwardBlock4(w: w, xs: xs, dz: dz, dW: dW, dx: dx, row: r,
                             fanIn: fanIn, fanOut: fanOut, activation: inputActivation)
              r += 4
            }
            while r < batch {
              let dzRow = dz + r * fanOut
              for i in 0..<fanIn {
                let xi = xs[r * fanIn + i]
                axpy(xi, dzRow, dW + i * fanOut, fanOut)
                if let dx {
                  dx[r * fanIn + i] = dot(w + i * fanOut, dzRow, fanOut)
                    * inputActivation.derivative(output: xi)
                }
              }
              r += 1
            }
          }
        }
      }
    }
  }

  /// `denseBackward`'s body for rows r ..< r+4 (see there for the math).
  @inlinable @inline(__always)
  static func backwardBlock4<S: NNScalar>(
    w: UnsafePointer<S>, xs: UnsafePointer<S>, dz: UnsafePointer<S>,
    dW: UnsafeMutablePointer<S>, dx: UnsafeMutablePointer<S>?, row r: Int,
    fanIn: Int, fanOut: Int, activation: Activation
  ) {
    let d0 = dz + r * fanOut, d1 = d0 + fanOut, d2 = d1 + fanOut, d3 = d2 + fanOut
    // An input that is 0 in all four rows adds nothing to dW, and after a
    // ReLU its δ_prev is 0 too (f'(0) = 0): skip its rows of W and dW.
    // ConvNet features are often dead for a whole rollout (consecutive
    // frames are alike); a tanh layer's δ_prev must still be computed.
    let skipZeroInputs = dx == nil || activation == .relu
    for i in 0..<fanIn {
      let x0 = xs[r * fanIn + i], x1 = xs[(r + 1) * fanIn + i]
      let x2 = xs[(r + 2) * fanIn + i], x3 = xs[(r + 3) * fanIn + i]
      if skipZeroInputs && x0 == 0 && x1 == 0 && x2 == 0 && x3 == 0 {
        if let dx {
          dx[r * fanIn + i] = 0; dx[(r + 1) * fanIn + i] = 0
          dx[(r + 2) * fanIn + i] = 0; dx[(r + 3) * fanIn + i] = 0
        }
        continue
      }
      let wRow = w + i * fanOut, gRow = dW + i * fanOut
      var a0 = SIMD8<S>(), a1 = SIMD8<S>(), a2 = SIMD8<S>(), a3 = SIMD8<S>()
      var j = 0
      while j + 8 <= fanOut {
        let v0 = load8(d0 + j), v1 = load8(d1 + j), v2 = load8(d2 + j), v3 = load8(d3 + j)
        var g = load8(UnsafePointer(gRow + j))
        g += x0 * v0 + x1 * v1
        g += x2 * v2 + x3 * v3
        store8(g, gRow + j)
        if dx != nil {
          let wv = load8(wRow + j)
          a0 += wv * v0; a1 += wv * v1; a2 += wv * v2; a3 += wv * v3
        }
        j += 8
      }
      var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
      while j < fanOut {
        gRow[j] += x0 * d0[j] + x1 * d1[j] + x2 * d2[j] + x3 * d3[j]
        let wj = wRow[j]
        s0 += wj * d0[j]; s1 += wj * d1[j]; s2 += wj * d2[j]; s3 += wj * d3[j]
        j += 1
      }
      if let dx {
        dx[r * fanIn + i] = s0 * activation.derivative(output: x0)
        dx[(r + 1) * fanIn + i] = s1 * activation.derivative(output: x1)
        dx[(r + 2) * fanIn + i] = s2 * activation.derivative(output: x2)
        dx[(r + 3) * fanIn + i] = s3 * activation.derivative(output: x3)
      }
    }
  }

  /// Σ x[k]² over `range`.
  @inlinable
  static func sumOfSquares<S: NNScalar>(_ x: [S], range: Range<Int>) -> S {
    checkRange(range.lowerBound, range.count, within: x.count)
    if range.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { b in
      let p = UnsafePointer(b.baseAddress! + range.lowerBound)
      return dot(p, p, range.count)
    }
  }

  /// x[k] *= factor over `range`.
  @inlinable
  static func scale<S: NNScalar>(_ x: inout [S], range: Range<Int>, by factor: S) {
    checkRange(range.lowerBound, range.count, within: x.count)
    if range.isEmpty { return }
    x.withUnsafeMutableBufferPointer { b in
      let p = b.baseAddress! + range.lowerBound
      var j = 0
      while j + 8 <= range.count { store8(load8(UnsafePointer(p + j)) * factor, p + j); j += 8 }
      while j < range.count { p[j] *= factor; j += 1 }
    }
  }
}
