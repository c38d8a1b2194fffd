// ConvKernels.swift — the convolutions' loops: MinAtar's `Convolution`
// (below) and the `Conv2D`s of an `AtariNet` (further down). One of TinyNN's
// files with unsafe code, under Kernels.swift's rules: every range is
// checked with `precondition` once per call, then plain pointer loops run
// inside tightly scoped buffer-pointer closures.
//
// MinAtar keeps its scatter: the `Conv2D` kernels' dense product measured
// slower on Breakout-like planes (forward ≈ 4 µs against ≈ 0.7 µs per row,
// backward ≈ 2–4 µs against ≈ 1.5 µs).
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

/// Output positions m = 0, 1, …, last of consecutive rows in order, with
/// each one's row, position in its row and patch corner (input offset),
/// stepped without divisions. Stepping at the last position stays there.
@usableFromInline
struct PositionWalk {
  @usableFromInline let positions, outputWidth, cornerStep, lineStep, inputCount, last: Int
  @usableFromInline var m = 0, row = 0, position = 0, column = 0, corner = 0, lineStart = 0

  @inlinable
  init(_ conv: Conv2D, rows: Int) {
    positions = conv.positions
    outputWidth = conv.outputWidth
    cornerStep = conv.cornerStep
    lineStep = conv.cornerLineStep
    inputCount = conv.inputCount
    last = rows * conv.positions - 1
  }

  @inlinable @inline(__always)
  mutating func step() {
    if m == last { return }
    m += 1
    position += 1
    column += 1
    corner += cornerStep
    if column == outputWidth {
      column = 0
      lineStart += lineStep
      if position == positions {
        position = 0
        row += 1
        lineStart = row * inputCount
      }
      corner = lineStart
    }
  }
}

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
  /// Written in order (its lines are cold: the dense layers' weights
  /// streamed through the cache since the last call), W read across its
  /// filters' rows.
  @inlinable
  static func conv2DPackWeights<S: NNScalar>(_ conv: Conv2D, params: [S], into values: inout [S], at offset: Int) {
    let F = conv.filters, Fp = conv.paddedFilters, K = conv.patchSize, k = conv.kernelSize
    let C = conv.channels
    checkRange(conv.parameterOffset, conv.parameterCount, within: params.count)
    checkRange(offset, conv2DPackedCount(conv), within: values.count)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = pb.baseAddress! + conv.parameterOffset, b = pb.baseAddress! + conv.biasOffset
        var out = vb.baseAddress! + offset
        @inline(__always) func row(_ torch: Int) {
          var f = 0
          while f < F { out[f] = w[f &* K &+ torch]; f &+= 1 }
          while f < Fp { out[f] = 0; f &+= 1 }
          out += Fp
        }
        if conv.inputLayout == .channelsFirst {
          for kk in 0..<K { row(kk) }
        } else {
          // k′ = (ky·k + kx)·C + c; PyTorch's (c·k + ky)·k + kx.
          for tap in 0..<(k * k) {
            for c in 0..<C { row(c &* k &* k &+ tap) }
          }
        }
        for f in 0..<F { out[f] = b[f] }
        for f in F..<Fp { out[f] = 0 }
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
    let k = conv.kernelSize, C = conv.channels
    checkRange(conv.parameterOffset, conv.patchSize * F, within: params.count)
    checkRange(offset, conv2DGradientPackedCount(conv), within: values.count)
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        var w = pb.baseAddress! + conv.parameterOffset
        let out = vb.baseAddress! + offset
        if Lp != L { out.update(repeating: 0, count: F * R * Lp) }
        for f in 0..<F {
          for c in 0..<C {
            for ky in 0..<k {
              let (run, index) = conv.runPosition(channel: c, ky: ky, kx: 0)
              let step = conv.inputLayout == .channelsFirst ? 1 : C
              var o = (f * R + run) * Lp + index
              for kx in 0..<k {
                out[o] = w[kx]
                o += step
              }
              w += k
            }
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
      let M = rows * P, L = conv.runLength, groups = conv.runGroups, k = conv.kernelSize
      let groupStride = conv.groupStride, runStride = conv.runStride
      for fb in stride(from: 0, to: F, by: 16) {
        let lanes = min(16, F - fb), start = load16(bias + fb)
        var walk = PositionWalk(conv, rows: rows)
        var m = 0
        while m < M {
          let p0 = x + walk.corner, r0 = walk.row, s0 = walk.position; walk.step()
          let p1 = x + walk.corner, r1 = walk.row, s1 = walk.position; walk.step()
          let p2 = x + walk.corner, r2 = walk.row, s2 = walk.position; walk.step()
          let p3 = x + walk.corner, r3 = walk.row, s3 = walk.position; walk.step()
          let p4 = x + walk.corner, r4 = walk.row, s4 = walk.position; walk.step()
          let p5 = x + walk.corner, r5 = walk.row, s5 = walk.position; walk.step()
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
          conv2DStoreOutput(c0, y, r0, s0, fb, lanes, F, P, outputLayout)
          if m + 1 < M { conv2DStoreOutput(c1, y, r1, s1, fb, lanes, F, P, outputLayout) }
          if m + 2 < M { conv2DStoreOutput(c2, y, r2, s2, fb, lanes, F, P, outputLayout) }
          if m + 3 < M { conv2DStoreOutput(c3, y, r3, s3, fb, lanes, F, P, outputLayout) }
          if m + 4 < M { conv2DStoreOutput(c4, y, r4, s4, fb, lanes, F, P, outputLayout) }
          if m + 5 < M { conv2DStoreOutput(c5, y, r5, s5, fb, lanes, F, P, outputLayout) }
          m += 6
        }
      }
    }
  }

  /// ReLU(v)'s lanes 0..<lanes as filters fb… of position p of row r.
  @inlinable @inline(__always)
  static func conv2DStoreOutput<S: NNScalar>(
    _ v: SIMD16<S>, _ y: UnsafeMutablePointer<S>, _ r: Int, _ p: Int, _ fb: Int, _ lanes: Int,
    _ F: Int, _ P: Int, _ layout: PlaneLayout
  ) {
    let a = relu16(v), out = y + r * P * F
    if layout == .channelsLast {
      storePartial16(a, out + p * F + fb, lanes)
    } else {
      let column = out + fb * P + p
      for i in 0..<lanes { column[i * P] = a[i] }
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
        if Fp != F { d.update(repeating: 0, count: P * Fp) }
        if layout == .channelsFirst {
          for f in 0..<F {
            let plane = s + f * P
            for p in 0..<P { d[p * Fp + f] = plane[p] }
          }
        } else {
          for p in 0..<P { (d + p * Fp).update(from: s + p * F, count: F) }
        }
      }
    }
  }

  /// Scalars of `conv2DBackward`'s weight-gradient scratch: patchSize ×
  /// paddedFilters.
  @inlinable
  static func conv2DWeightGradientScratchCount(_ conv: Conv2D) -> Int { conv.patchSize * conv.paddedFilters }

  /// Backward of rows 0..<batch: adds (+=) dL/dW (PyTorch's layout) and
  /// dL/db into `gradients`, from the input rows at `values[inputOffset…]`
  /// and δ = dL/d(pre-activation output) at `deltas[deltaOffset…]` as
  /// [m][paddedFilters] (`conv2DGatherDeltas`, or the layer's own rows when
  /// filters is a multiple of 16), summing dW first in `deltas[scratch…]`
  /// (`conv2DWeightGradientScratchCount`). With `inputGradient` (the input
  /// gradient's packed weights in `values`, where to write in `deltas`), also
  /// writes (=) dL/d(input)·[input > 0] — the δ of a previous ReLU layer
  /// whose output the input is — as `inputLayout` stores the input.
  @inlinable
  static func conv2DBackward<S: NNScalar>(
    _ conv: Conv2D, batch: Int, values: [S], inputOffset: Int, deltas: inout [S], deltaOffset: Int,
    weightGradientScratch scratch: Int, inputGradient: (packedOffset: Int, offset: Int)?, gradients: inout [S]
  ) {
    let F = conv.filters, Fp = conv.paddedFilters, P = conv.positions, K = conv.patchSize
    precondition(batch >= 0, "TinyNN: negative batch")
    checkRange(inputOffset, batch * conv.inputCount, within: values.count)
    checkRange(deltaOffset, batch * P * Fp, within: deltas.count)
    checkRange(scratch, K * Fp, within: deltas.count)
    precondition(scratch + K * Fp <= deltaOffset || deltaOffset + batch * P * Fp <= scratch)
    checkRange(conv.parameterOffset, conv.parameterCount, within: gradients.count)
    if let target = inputGradient {
      checkRange(target.packedOffset, conv2DGradientPackedCount(conv), within: values.count)
      checkRange(target.offset, batch * conv.inputCount, within: deltas.count)
      precondition(target.offset + batch * conv.inputCount <= deltaOffset
                   || deltaOffset + batch * P * Fp <= target.offset)
      precondition(target.offset + batch * conv.inputCount <= scratch || scratch + K * Fp <= target.offset)
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
          let packed = db.baseAddress! + scratch
          packed.update(repeating: 0, count: K * Fp)
          // Rows in tiles of 4, so a tile's δ and the input lines its
          // patches read stay in L2 across the passes over the weights.
          var first = 0
          while first < batch {
            let rows = min(4, batch - first)
            conv2DWeightGradient(conv, x + first * conv.inputCount, rows, delta + first * P * Fp, packed)
            first += rows
          }
          // dW[f, c, ky, kx] += packed[k′, f].
          for kk in 0..<K {
            let column = gW + conv.torchPatchIndex(kk), row = packed + kk * Fp
            for f in 0..<F { column[f * K] += row[f] }
          }
          if let target = inputGradient {
            conv2DInputGradient(conv, vb.baseAddress! + target.packedOffset, batch, delta,
                                db.baseAddress! + target.offset, x)
          }
        }
      }
    }
  }

  /// packed[k′, f] += Σ_m patch_m[k′]·δ[m, f] over the positions of `batch`
  /// rows: blocks of 6 patch values × 16 filters, the sum over the rows'
  /// positions held in registers.
  @inlinable @inline(__always)
  static func conv2DWeightGradient<S: NNScalar>(
    _ conv: Conv2D, _ x: UnsafePointer<S>, _ batch: Int, _ delta: UnsafePointer<S>,
    _ packed: UnsafeMutablePointer<S>
  ) {
    let F = conv.filters, Fp = conv.paddedFilters, K = conv.patchSize
    let OH = conv.outputHeight, OW = conv.outputWidth, step = conv.cornerStep, inputCount = conv.inputCount
    let lineStep = conv.cornerLineStep
    for fb in stride(from: 0, to: F, by: 16) {
      var kb = 0
      while kb < K {
        let o0 = conv.patchOffset(kb), o1 = conv.patchOffset(min(kb + 1, K - 1))
        let o2 = conv.patchOffset(min(kb + 2, K - 1)), o3 = conv.patchOffset(min(kb + 3, K - 1))
        let o4 = conv.patchOffset(min(kb + 4, K - 1)), o5 = conv.patchOffset(min(kb + 5, K - 1))
        var c0 = SIMD16<S>(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
        var d = delta + fb
        for r in 0..<batch {
          var line = x + r * inputCount
          for _ in 0..<OH {
            var q = line
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
            line += lineStep
          }
        }
        let out = packed + kb * Fp + fb
        store16(load16(UnsafePointer(out)) + c0, out)
        if kb + 1 < K { store16(load16(UnsafePointer(out + Fp)) + c1, out + Fp) }
        if kb + 2 < K { store16(load16(UnsafePointer(out + 2 * Fp)) + c2, out + 2 * Fp) }
        if kb + 3 < K { store16(load16(UnsafePointer(out + 3 * Fp)) + c3, out + 3 * Fp) }
        if kb + 4 < K { store16(load16(UnsafePointer(out + 4 * Fp)) + c4, out + 4 * Fp) }
        if kb + 5 < K { store16(load16(UnsafePointer(out + 5 * Fp)) + c5, out + 5 * Fp) }
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
    let F = conv.filters, Fp = conv.paddedFilters, P = conv.positions
    let L = conv.runLength, Lp = conv.paddedRunLength, R = conv.runs, inputCount = conv.inputCount
    let M = batch * P, total = batch * inputCount
    dx.update(repeating: 0, count: total)
    var walk = PositionWalk(conv, rows: batch)
    var m = 0
    while m < M {
      let first = walk.m
      let q0 = dx + walk.corner; walk.step()
      let q1 = dx + walk.corner; walk.step()
      let q2 = dx + walk.corner; walk.step()
      let q3 = dx + walk.corner; walk.step()
      let q4 = dx + walk.corner; walk.step()
      let q5 = dx + walk.corner; walk.step()
      let d0 = delta + first * Fp, d1 = delta + min(first + 1, M - 1) * Fp, d2 = delta + min(first + 2, M - 1) * Fp
      let d3 = delta + min(first + 3, M - 1) * Fp, d4 = delta + min(first + 4, M - 1) * Fp
      let d5 = delta + min(first + 5, M - 1) * Fp
      for run in 0..<R {
        let runOffset = conv.runOffset(run)
        for chunk in stride(from: 0, to: L, by: 16) {
          let lanes = min(16, L - chunk), at = runOffset + chunk
          var c0 = SIMD16<S>(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
          multiplyAdd6x16(d0, d1, d2, d3, d4, d5, count: F, wq + run * Lp + chunk, R * Lp,
                          &c0, &c1, &c2, &c3, &c4, &c5)
          addPartial16(c0, q0 + at, lanes)
          if m + 1 < M { addPartial16(c1, q1 + at, lanes) }
          if m + 2 < M { addPartial16(c2, q2 + at, lanes) }
          if m + 3 < M { addPartial16(c3, q3 + at, lanes) }
          if m + 4 < M { addPartial16(c4, q4 + at, lanes) }
          if m + 5 < M { addPartial16(c5, q5 + at, lanes) }
        }
      }
      m += 6
    }
    var e = 0
    while e + 16 <= total {
      store16(reluGate16(load16(UnsafePointer(dx + e)), load16(x + e)), dx + e)
      e += 16
    }
    while e < total { if !(x[e] > 0) { dx[e] = 0 }; e += 1 }
  }

  /// p[0..<n] += v's lanes 0..<n (n ≤ 16).
  @inlinable @inline(__always)
  static func addPartial16<S: NNScalar>(_ v: SIMD16<S>, _ p: UnsafeMutablePointer<S>, _ n: Int) {
    if n == 16 { store16(load16(UnsafePointer(p)) + v, p); return }
    for i in 0..<n { p[i] += v[i] }
  }
}
