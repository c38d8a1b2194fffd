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
