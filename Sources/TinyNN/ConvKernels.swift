// ConvKernels.swift — the convolution's loops; with Kernels.swift, the only
// files in TinyNN with unsafe code, under the same rules: every range is
// checked with `precondition` once per call, then plain pointer loops run
// inside tightly scoped buffer-pointer closures.
//
// Why scatter rather than im2col or a gather per output: MinAtar's
// observations are binary planes with most cells empty (Breakout: ~30 of 400
// set). Walking the *input* cells and skipping the empty ones, each set cell
// adds v·W[(ky, kx, c), :] to the ≤ k² outputs it feeds — an axpy over the
// filters — so forward and dW cost in proportion to the set cells, while a
// dense input costs exactly the multiply-adds of the gather (every (output,
// tap) pair is one (input cell, tap) pair). For a fixed output the taps still
// arrive in (ky, kx, c) order, the order of the formula, and skipping an exact
// 0 changes no sum (unless W holds ±∞ or NaN, which θ never does for long).

extension Kernels {
  /// Calls `body(tap, output position)` for every output that input cell
  /// (iy, ix) feeds, in (ky, kx) order — output (iy − ky, ix − kx) must
  /// exist — with tap = ky·k + kx (the weight row of channel c is tap·C + c).
  @inlinable @inline(__always)
  static func forEachOutput(ofCell iy: Int, _ ix: Int, _ conv: Convolution, _ body: (Int, Int) -> Void) {
    let k = conv.kernelSize
    let outputHeight = conv.outputHeight, outputWidth = conv.outputWidth
    for ky in max(0, iy - outputHeight + 1)...min(k - 1, iy) {
      for kx in max(0, ix - outputWidth + 1)...min(k - 1, ix) {
        body(ky * k + kx, (iy - ky) * outputWidth + (ix - kx))
      }
    }
  }

  /// Calls `body(v, weight row, output position)` for every non-zero input
  /// v = x[iy, ix, c] of one row and every output it feeds (weight row
  /// (ky·k + kx)·C + c), input cell by input cell: the scatter that forward
  /// and dW share (see the file's comment).
  ///
  /// The inputs of one plane row (width·C values, [column][channel]) are
  /// tested branch-free into 64-bit masks, and only the set bits are walked:
  /// a per-value `!= 0` branch is mispredicted on the sparse planes and cost
  /// more than the multiply-adds it guarded. Bit t of a row's mask is
  /// (ix, c) = (t / C, t mod C); the division is a multiply and a shift
  /// (exact for t < 2^20 / C, checked in `Convolution.init`'s shapes). The
  /// set bits come in ascending t, so the inputs are visited in exactly the
  /// (iy, ix, c) order of the plain walk and every output's sum keeps its
  /// order.
  @inlinable @inline(__always)
  static func forEachNonzeroTap<S: NNScalar>(
    _ conv: Convolution, _ x: UnsafePointer<S>, _ body: (S, Int, Int) -> Void
  ) {
    let channels = conv.channels, rowValues = conv.width * channels
    let k = conv.kernelSize
    let outputHeight = conv.outputHeight, outputWidth = conv.outputWidth
    let reciprocal = ((1 << 20) + channels - 1) / channels
    for iy in 0..<conv.height {
      let rowStart = x + iy * rowValues
      let kyLow = max(0, iy - outputHeight + 1), kyHigh = min(k - 1, iy)
      var base = 0
      while base < rowValues {
        var mask = nonzeroMask(rowStart + base, min(64, rowValues - base))
        while mask != 0 {
          let t = base &+ mask.trailingZeroBitCount
          mask &= mask &- 1
          let ix = (t &* reciprocal) &>> 20
          let c = t &- ix &* channels
          let v = rowStart[t]
          let kxLow = max(0, ix - outputWidth + 1), kxHigh = min(k - 1, ix)
          for ky in kyLow...kyHigh {
            for kx in kxLow...kxHigh {
              body(v, (ky &* k &+ kx) &* channels &+ c, (iy &- ky) &* outputWidth &+ (ix &- kx))
            }
          }
        }
        base += 64
      }
    }
  }

  /// y[0..<n] += a · x[0..<n] for the convolution's filter vectors: two
  /// SIMD8 halves when n is 16 (MinAtar's), else `axpy`. Each lane is
  /// y + a·x, the very operation `axpy` performs.
  @inlinable @inline(__always)
  static func filterAxpy<S: NNScalar>(
    _ a: S, _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int
  ) {
    if n == 16 {
      let lo = load8(UnsafePointer(y)) + a * load8(x)
      let hi = load8(UnsafePointer(y + 8)) + a * load8(x + 8)
      store8(lo, y); store8(hi, y + 8)
    } else {
      axpy(a, x, y, n)
    }
  }

  /// `Convolution.forward` for one row (see there for the math and layout).
  @inlinable
  static func convolutionForwardRow<S: NNScalar>(
    _ conv: Convolution, params: [S], values: inout [S], inputOffset: Int, outputOffset: Int,
    activation: Activation?
  ) {
    let filters = conv.filters
    checkRange(conv.parameterOffset, conv.patchSize * filters, within: params.count)
    checkRange(conv.biasOffset, filters, within: params.count)
    checkRange(inputOffset, conv.inputCount, within: values.count)
    checkRange(outputOffset, conv.outputCount, within: values.count)
    precondition(inputOffset + conv.inputCount <= outputOffset
                 || outputOffset + conv.outputCount <= inputOffset)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = UnsafePointer(pb.baseAddress! + conv.parameterOffset)
        let b = UnsafePointer(pb.baseAddress! + conv.biasOffset)
        let x = UnsafePointer(vb.baseAddress! + inputOffset)
        let y = vb.baseAddress! + outputOffset
        // y = b at every position (a plain loop: 64 tiny memmove calls cost
        // more than the stores).
        for p in 0..<(conv.outputHeight * conv.outputWidth) {
          let out = y + p * filters
          var f = 0
          while f + 8 <= filters { store8(load8(b + f), out + f); f += 8 }
          while f < filters { out[f] = b[f]; f += 1 }
        }
        forEachNonzeroTap(conv, x) { v, weightRow, position in
          filterAxpy(v, w + weightRow &* filters, y + position &* filters, filters)
        }
        activate(y, conv.outputCount, activation)
      }
    }
  }

  /// `Convolution.backward`: for every output position of rows 0..<batch,
  /// db += δ[oy, ox, :] and dW[(ky, kx, c), :] += x[oy+ky, ox+kx, c]·δ[oy, ox, :]
  /// (walked by input cell, skipping empty ones, as the forward pass).
  @inlinable
  static func convolutionBackward<S: NNScalar>(
    _ conv: Convolution, batch: Int, inputs: [S], inputOffset: Int, deltas: [S], deltaOffset: Int,
    gradients: inout [S]
  ) {
    let filters = conv.filters
    precondition(batch >= 0, "TinyNN: negative batch")
    checkRange(inputOffset, batch * conv.inputCount, within: inputs.count)
    checkRange(deltaOffset, batch * conv.outputCount, within: deltas.count)
    checkRange(conv.parameterOffset, conv.parameterCount, within: gradients.count)
    if batch == 0 { return }
    inputs.withUnsafeBufferPointer { xb in
      deltas.withUnsafeBufferPointer { db in
        gradients.withUnsafeMutableBufferPointer { gb in
          let dW = gb.baseAddress! + conv.parameterOffset
          let dB = gb.baseAddress! + conv.biasOffset
          for r in 0..<batch {
            let x = xb.baseAddress! + inputOffset + r * conv.inputCount
            let dz = db.baseAddress! + deltaOffset + r * conv.outputCount
            for p in 0..<(conv.outputHeight * conv.outputWidth) { axpy(1, dz + p * filters, dB, filters) }
            forEachNonzeroTap(conv, UnsafePointer(x)) { v, weightRow, position in
              filterAxpy(v, dz + position &* filters, dW + weightRow &* filters, filters)
            }
          }
        }
      }
    }
  }

  /// `Convolution.inputGradient`: dx[iy, ix, c] = Σ over the outputs that
  /// cell feeds of W[(ky, kx, c), :]·δ[iy − ky, ix − kx, :].
  @inlinable
  static func convolutionInputGradient<S: NNScalar>(
    _ conv: Convolution, params: [S], batch: Int, deltas: [S], deltaOffset: Int,
    into inputGradients: inout [S], at offset: Int
  ) {
    let filters = conv.filters, channels = conv.channels
    precondition(batch >= 0, "TinyNN: negative batch")
    checkRange(conv.parameterOffset, conv.patchSize * filters, within: params.count)
    checkRange(deltaOffset, batch * conv.outputCount, within: deltas.count)
    checkRange(offset, batch * conv.inputCount, within: inputGradients.count)
    if batch == 0 { return }
    params.withUnsafeBufferPointer { pb in
      deltas.withUnsafeBufferPointer { db in
        inputGradients.withUnsafeMutableBufferPointer { gb in
          let w = UnsafePointer(pb.baseAddress! + conv.parameterOffset)
          for r in 0..<batch {
            let dx = gb.baseAddress! + offset + r * conv.inputCount
            let dz = UnsafePointer(db.baseAddress! + deltaOffset + r * conv.outputCount)
            for iy in 0..<conv.height {
              for ix in 0..<conv.width {
                for c in 0..<channels {
                  var sum: S = 0
                  forEachOutput(ofCell: iy, ix, conv) { tap, position in
                    sum += dot(w + (tap * channels + c) * filters, dz + position * filters, filters)
                  }
                  dx[(iy * conv.width + ix) * channels + c] = sum
                }
              }
            }
          }
        }
      }
    }
  }
}

// MARK: - Conv2D: register-blocked products over the patches where they lie
//
// Every `Conv2D` product is a matrix product whose one operand is the input
// (or δ) read in place: forward, y[m, f] = b[f] + Σ_k′ patch_m[k′]·Wp[k′, f]
// over output positions m of all the rows; dW[k′, f] = Σ_m patch_m[k′]·δ[m, f];
// and the input gradient, dpatch_m[k′] = Σ_f δ[m, f]·Wq[f, k′], added back
// where patch m lies. Each runs in blocks of 6 rows × 16 lanes: six SIMD16
// accumulators (12 ymm registers on AVX2, 6 zmm on AVX-512), and per step
// one 16-wide load and six broadcasts for six fused multiply-adds. The
// patches are read as runs of contiguous values (see `Conv2D`), so there is
// no im2col copy: a position's patch is a corner pointer plus run offsets.
//
// Each output's sum runs over k′ (or m, or f) in one fixed order whatever
// block it falls in — a block past the last position repeats the last one
// and drops the copies — so a K-row forward gives each row the bits of a
// one-row forward.

extension Kernels {
  /// c_j += Σ_{l < count} a_j[l] · w[l·ldw ..< l·ldw + 16] for j < 6.
  @inlinable @inline(__always)
  static func multiplyAdd6x16<S: NNScalar>(
    _ a0: UnsafePointer<S>, _ a1: UnsafePointer<S>, _ a2: UnsafePointer<S>,
    _ a3: UnsafePointer<S>, _ a4: UnsafePointer<S>, _ a5: UnsafePointer<S>,
    count: Int, _ w: UnsafePointer<S>, _ ldw: Int,
    _ c0: inout SIMD16<S>, _ c1: inout SIMD16<S>, _ c2: inout SIMD16<S>,
    _ c3: inout SIMD16<S>, _ c4: inout SIMD16<S>, _ c5: inout SIMD16<S>
  ) {
    var wp = w
    for l in 0..<count {
      let wv = load16(wp)
      wp += ldw
      c0 = c0.addingProduct(SIMD16(repeating: a0[l]), wv)
      c1 = c1.addingProduct(SIMD16(repeating: a1[l]), wv)
      c2 = c2.addingProduct(SIMD16(repeating: a2[l]), wv)
      c3 = c3.addingProduct(SIMD16(repeating: a3[l]), wv)
      c4 = c4.addingProduct(SIMD16(repeating: a4[l]), wv)
      c5 = c5.addingProduct(SIMD16(repeating: a5[l]), wv)
    }
  }

  /// Scalars of `conv2DPackWeights`' output: Wp (patchSize × paddedFilters)
  /// and the padded bias.
  @inlinable
  static func conv2DPackedCount(_ conv: Conv2D) -> Int { (conv.patchSize + 1) * conv.paddedFilters }

  /// Scalars of `conv2DPackInputGradientWeights`' output (filters × runs ×
  /// paddedRunLength).
  @inlinable
  static func conv2DGradientPackedCount(_ conv: Conv2D) -> Int { conv.filters * conv.runs * conv.paddedRunLength }

  /// Wp[k′, f] = W[f, k′] (k′ in the patch's memory order, f padded with 0
  /// to `paddedFilters`), then b padded: the forward's 16-wide loads over f.
  @inlinable
  static func conv2DPackWeights<S: NNScalar>(_ conv: Conv2D, params: [S], into values: inout [S], at offset: Int) {
    let F = conv.filters, Fp = conv.paddedFilters, K = conv.patchSize
    checkRange(conv.parameterOffset, conv.parameterCount, within: params.count)
    checkRange(offset, conv2DPackedCount(conv), within: values.count)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = pb.baseAddress! + conv.parameterOffset, b = pb.baseAddress! + conv.biasOffset
        let out = vb.baseAddress! + offset
        if Fp != F { out.update(repeating: 0, count: (K + 1) * Fp) }
        for f in 0..<F {
          if conv.inputLayout == .channelsFirst {
            // k′ is PyTorch's own order: a transpose, read contiguously.
            let row = w + f * K
            for k in 0..<K { out[k * Fp + f] = row[k] }
          } else {
            for k in 0..<K { out[k * Fp + f] = w[conv.weightIndex(filter: f, patch: k)] }
          }
          out[K * Fp + f] = b[f]
        }
      }
    }
  }

  /// Wq[f, r, l] = W[f, k′ = r·runLength + l] for l < runLength, 0 up to
  /// `paddedRunLength`: the input gradient's 16-wide loads along a run.
  @inlinable
  static func conv2DPackInputGradientWeights<S: NNScalar>(
    _ conv: Conv2D, params: [S], into values: inout [S], at offset: Int
  ) {
    let F = conv.filters, L = conv.runLength, Lp = conv.paddedRunLength, R = conv.runs
    checkRange(conv.parameterOffset, conv.patchSize * F, within: params.count)
    checkRange(offset, conv2DGradientPackedCount(conv), within: values.count)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = pb.baseAddress! + conv.parameterOffset
        let out = vb.baseAddress! + offset
        for f in 0..<F {
          for r in 0..<R {
            let run = out + (f * R + r) * Lp
            for l in 0..<L { run[l] = w[conv.weightIndex(filter: f, patch: r * L + l)] }
            for l in L..<Lp { run[l] = 0 }
          }
        }
      }
    }
  }

  /// Forward of `rows` consecutive rows, all in `values`: packed weights
  /// (`conv2DPackWeights`) at `packedOffset`, input rows at `inputOffset`
  /// (`conv.inputLayout`), output rows ReLU(b + W∗x) at `outputOffset`,
  /// [position][filter] (`.channelsLast`) or [filter][position]
  /// (`.channelsFirst`, PyTorch's flatten order).
  @inlinable
  static func conv2DForwardRows<S: NNScalar>(
    _ conv: Conv2D, values: inout [S], packedOffset: Int, inputOffset: Int, rows: Int,
    outputOffset: Int, outputLayout: PlaneLayout
  ) {
    let F = conv.filters, Fp = conv.paddedFilters, P = conv.positions, K = conv.patchSize
    precondition(rows >= 0, "TinyNN: negative row count")
    checkRange(packedOffset, conv2DPackedCount(conv), within: values.count)
    checkRange(inputOffset, rows * conv.inputCount, within: values.count)
    checkRange(outputOffset, rows * conv.outputCount, within: values.count)
    precondition(inputOffset + rows * conv.inputCount <= outputOffset
                 || outputOffset + rows * conv.outputCount <= inputOffset)
    if rows == 0 { return }
    values.withUnsafeMutableBufferPointer { vb in
      let base = vb.baseAddress!
      let w = UnsafePointer(base + packedOffset), bias = w + K * Fp
      let x = UnsafePointer(base + inputOffset), y = base + outputOffset
      let M = rows * P, OW = conv.outputWidth, inputCount = conv.inputCount
      let L = conv.runLength, groups = conv.runGroups, k = conv.kernelSize
      let groupStride = conv.groupStride, runStride = conv.runStride
      @inline(__always) func corner(_ m: Int) -> UnsafePointer<S> {
        let r = m / P, p = m - r * P, oy = p / OW
        return x + r * inputCount + conv.cornerOffset(oy, p - oy * OW)
      }
      for fb in stride(from: 0, to: F, by: 16) {
        let lanes = min(16, F - fb), start = load16(bias + fb)
        var m = 0
        while m < M {
          let last = M - 1
          let p0 = corner(m), p1 = corner(min(m + 1, last)), p2 = corner(min(m + 2, last))
          let p3 = corner(min(m + 3, last)), p4 = corner(min(m + 4, last)), p5 = corner(min(m + 5, last))
          var c0 = start, c1 = start, c2 = start, c3 = start, c4 = start, c5 = start
          var wr = w + fb
          for g in 0..<groups {
            for ky in 0..<k {
              let o = g * groupStride + ky * runStride
              multiplyAdd6x16(p0 + o, p1 + o, p2 + o, p3 + o, p4 + o, p5 + o, count: L, wr, Fp,
                              &c0, &c1, &c2, &c3, &c4, &c5)
              wr += L * Fp
            }
          }
          // Positions past the last are copies of it: dropped.
          @inline(__always) func store(_ v: SIMD16<S>, _ m: Int) {
            let r = m / P, p = m - r * P, out = y + r * P * F
            let a = relu16(v)
            if outputLayout == .channelsLast {
              storePartial16(a, out + p * F + fb, lanes)
            } else {
              for i in 0..<lanes { out[(fb + i) * P + p] = a[i] }
            }
          }
          store(c0, m)
          if m + 1 < M { store(c1, m + 1) }
          if m + 2 < M { store(c2, m + 2) }
          if m + 3 < M { store(c3, m + 3) }
          if m + 4 < M { store(c4, m + 4) }
          if m + 5 < M { store(c5, m + 5) }
          m += 6
        }
      }
    }
  }

  /// δ of `batch` output rows re-laid as [m][paddedFilters] (m = row ·
  /// positions + position; lanes past `filters` 0) at `to`, from rows at
  /// `from` stored as `layout` says ([filter][position] for the last
  /// convolution, whose output a dense layer read; [position][filter]
  /// otherwise): the weight and input gradients' 16-wide loads over f.
  @inlinable
  static func conv2DGatherDeltas<S: NNScalar>(
    _ conv: Conv2D, batch: Int, deltas: inout [S], from source: Int, layout: PlaneLayout, to target: Int
  ) {
    let F = conv.filters, Fp = conv.paddedFilters, P = conv.positions
    checkRange(source, batch * conv.outputCount, within: deltas.count)
    checkRange(target, batch * P * Fp, within: deltas.count)
    precondition(source + batch * conv.outputCount <= target || target + batch * P * Fp <= source)
    if batch == 0 { return }
    deltas.withUnsafeMutableBufferPointer { db in
      let src = UnsafePointer(db.baseAddress! + source), dst = db.baseAddress! + target
      for r in 0..<batch {
        let s = src + r * P * F, d = dst + r * P * Fp
        for p in 0..<P {
          let out = d + p * Fp
          if layout == .channelsFirst {
            for f in 0..<F { out[f] = s[f * P + p] }
          } else {
            for f in 0..<F { out[f] = s[p * F + f] }
          }
          for f in F..<Fp { out[f] = 0 }
        }
      }
    }
  }

  /// Backward of rows 0..<batch: adds (+=) dL/dW (PyTorch's layout) and
  /// dL/db into `gradients`, from the input rows at `values[inputOffset…]`
  /// and δ = dL/d(pre-activation output) at `deltas[deltaOffset…]` as
  /// [m][paddedFilters] (`conv2DGatherDeltas`, or the layer's own rows when
  /// filters is a multiple of 16). With `inputGradient` (the input
  /// gradient's packed weights in `values`, where to write in `deltas`), also
  /// writes (=) dL/d(input)·[input > 0] — the δ of a previous ReLU layer
  /// whose output the input is — as `inputLayout` stores the input.
  @inlinable
  static func conv2DBackward<S: NNScalar>(
    _ conv: Conv2D, batch: Int, values: [S], inputOffset: Int, deltas: inout [S], deltaOffset: Int,
    inputGradient: (packedOffset: Int, offset: Int)?, gradients: inout [S]
  ) {
    let F = conv.filters, Fp = conv.paddedFilters, P = conv.positions
    precondition(batch >= 0, "TinyNN: negative batch")
    checkRange(inputOffset, batch * conv.inputCount, within: values.count)
    checkRange(deltaOffset, batch * P * Fp, within: deltas.count)
    checkRange(conv.parameterOffset, conv.parameterCount, within: gradients.count)
    if let target = inputGradient {
      checkRange(target.packedOffset, conv2DGradientPackedCount(conv), within: values.count)
      checkRange(target.offset, batch * conv.inputCount, within: deltas.count)
      precondition(target.offset + batch * conv.inputCount <= deltaOffset
                   || deltaOffset + batch * P * Fp <= target.offset)
    }
    if batch == 0 { return }
    values.withUnsafeBufferPointer { vb in
      deltas.withUnsafeMutableBufferPointer { db in
        gradients.withUnsafeMutableBufferPointer { gb in
          let x = vb.baseAddress! + inputOffset, delta = UnsafePointer(db.baseAddress! + deltaOffset)
          let gW = gb.baseAddress! + conv.parameterOffset, gB = gb.baseAddress! + conv.biasOffset
          let M = batch * P
          // db[f] += Σ_m δ[m, f].
          for fb in stride(from: 0, to: F, by: 16) {
            var sum = SIMD16<S>()
            for m in 0..<M { sum += load16(delta + m * Fp + fb) }
            for i in 0..<min(16, F - fb) { gB[fb + i] += sum[i] }
          }
          conv2DWeightGradient(conv, x, batch, delta, gW)
          if let target = inputGradient {
            conv2DInputGradient(conv, vb.baseAddress! + target.packedOffset, batch, delta,
                                db.baseAddress! + target.offset, x)
          }
        }
      }
    }
  }

  /// dW[f, k′] += Σ_m patch_m[k′]·δ[m, f]: blocks of 6 patch values × 16
  /// filters, the sum over every position of every row held in registers.
  @inlinable @inline(__always)
  static func conv2DWeightGradient<S: NNScalar>(
    _ conv: Conv2D, _ x: UnsafePointer<S>, _ batch: Int, _ delta: UnsafePointer<S>,
    _ gW: UnsafeMutablePointer<S>
  ) {
    let F = conv.filters, Fp = conv.paddedFilters, K = conv.patchSize
    let OH = conv.outputHeight, OW = conv.outputWidth, step = conv.cornerStep, inputCount = conv.inputCount
    for fb in stride(from: 0, to: F, by: 16) {
      let lanes = min(16, F - fb)
      var kb = 0
      while kb < K {
        let o0 = conv.patchOffset(kb), o1 = conv.patchOffset(min(kb + 1, K - 1))
        let o2 = conv.patchOffset(min(kb + 2, K - 1)), o3 = conv.patchOffset(min(kb + 3, K - 1))
        let o4 = conv.patchOffset(min(kb + 4, K - 1)), o5 = conv.patchOffset(min(kb + 5, K - 1))
        var c0 = SIMD16<S>(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
        var d = delta + fb
        for r in 0..<batch {
          let row = x + r * inputCount
          for oy in 0..<OH {
            var q = row + conv.cornerOffset(oy, 0)
            for _ in 0..<OW {
              let dv = load16(d)
              c0 = c0.addingProduct(SIMD16(repeating: q[o0]), dv)
              c1 = c1.addingProduct(SIMD16(repeating: q[o1]), dv)
              c2 = c2.addingProduct(SIMD16(repeating: q[o2]), dv)
              c3 = c3.addingProduct(SIMD16(repeating: q[o3]), dv)
              c4 = c4.addingProduct(SIMD16(repeating: q[o4]), dv)
              c5 = c5.addingProduct(SIMD16(repeating: q[o5]), dv)
              q += step
              d += Fp
            }
          }
        }
        @inline(__always) func add(_ c: SIMD16<S>, _ k: Int) {
          for i in 0..<lanes { gW[conv.weightIndex(filter: fb + i, patch: k)] += c[i] }
        }
        add(c0, kb)
        if kb + 1 < K { add(c1, kb + 1) }
        if kb + 2 < K { add(c2, kb + 2) }
        if kb + 3 < K { add(c3, kb + 3) }
        if kb + 4 < K { add(c4, kb + 4) }
        if kb + 5 < K { add(c5, kb + 5) }
        kb += 6
      }
    }
  }

  /// dx = Σ over the patches of dpatch_m[k′] = Σ_f δ[m, f]·Wq[f, k′], then
  /// dx ·= [x > 0]: blocks of 6 positions × 16 values of one run, each
  /// block's sums added where its patches lie (overlapping patches add in
  /// position order).
  @inlinable @inline(__always)
  static func conv2DInputGradient<S: NNScalar>(
    _ conv: Conv2D, _ wq: UnsafePointer<S>, _ batch: Int, _ delta: UnsafePointer<S>,
    _ dx: UnsafeMutablePointer<S>, _ x: UnsafePointer<S>
  ) {
    let F = conv.filters, Fp = conv.paddedFilters, P = conv.positions, OW = conv.outputWidth
    let L = conv.runLength, Lp = conv.paddedRunLength, R = conv.runs, inputCount = conv.inputCount
    let M = batch * P, total = batch * inputCount
    dx.update(repeating: 0, count: total)
    @inline(__always) func corner(_ m: Int) -> UnsafeMutablePointer<S> {
      let r = m / P, p = m - r * P, oy = p / OW
      return dx + r * inputCount + conv.cornerOffset(oy, p - oy * OW)
    }
    for run in 0..<R {
      let runOffset = conv.runOffset(run)
      for chunk in stride(from: 0, to: L, by: 16) {
        let lanes = min(16, L - chunk), w = wq + run * Lp + chunk
        var m = 0
        while m < M {
          let last = M - 1
          var c0 = SIMD16<S>(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
          multiplyAdd6x16(delta + m * Fp, delta + min(m + 1, last) * Fp, delta + min(m + 2, last) * Fp,
                          delta + min(m + 3, last) * Fp, delta + min(m + 4, last) * Fp,
                          delta + min(m + 5, last) * Fp, count: F, w, R * Lp,
                          &c0, &c1, &c2, &c3, &c4, &c5)
          @inline(__always) func add(_ c: SIMD16<S>, _ m: Int) {
            let at = corner(m) + runOffset + chunk
            storePartial16(loadPartial16(UnsafePointer(at), lanes) + c, at, lanes)
          }
          add(c0, m)
          if m + 1 < M { add(c1, m + 1) }
          if m + 2 < M { add(c2, m + 2) }
          if m + 3 < M { add(c3, m + 3) }
          if m + 4 < M { add(c4, m + 4) }
          if m + 5 < M { add(c5, m + 5) }
          m += 6
        }
      }
    }
    var e = 0
    while e + 16 <= total {
      store16(reluGate16(load16(UnsafePointer(dx + e)), load16(x + e)), dx + e)
      e += 16
    }
    while e < total { if !(x[e] > 0) { dx[e] = 0 }; e += 1 }
  }
}
