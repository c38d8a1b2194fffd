// ConvKernels.swift — the convolution's loops; with Kernels.swift, the only
// files in TinyNN with unsafe code, under the same rules: every range is
// checked with `precondition` once per call, then plain pointer loops run
// inside tightly scoped buffer-pointer closures.
//
// Why no im2col: with stride 1 and [row][column][channel] storage, the k·C
// inputs of one patch row are already contiguous, and so are the k·C weight
// rows they meet. Each output position is therefore k small dense products
// (k·C inputs × `filters` outputs) read straight from the input, vectorised
// over the filters like `MLP`'s layers — no patch matrix to build or store.

extension Kernels {
  /// y[0..<m] += Σ_i x[i]·W[i, :] for W `n × m` row-major: the filters in
  /// blocks of 16 (two SIMD8 accumulators held across the sweep over the
  /// inputs), then 8, then one by one.
  @inlinable @inline(__always)
  static func accumulateRowTimesMatrix<S: NNScalar>(
    _ x: UnsafePointer<S>, _ n: Int, _ w: UnsafePointer<S>, _ m: Int, _ y: UnsafeMutablePointer<S>
  ) {
    var j = 0
    while j + 16 <= m {
      var a0 = load8(UnsafePointer(y + j)), a1 = load8(UnsafePointer(y + j + 8))
      var wRow = w + j
      for i in 0..<n {
        let xi = x[i]
        a0 += xi * load8(wRow); a1 += xi * load8(wRow + 8)
        wRow += m
      }
      store8(a0, y + j); store8(a1, y + j + 8)
      j += 16
    }
    while j + 8 <= m {
      var a = load8(UnsafePointer(y + j))
      var wRow = w + j
      for i in 0..<n { a += x[i] * load8(wRow); wRow += m }
      store8(a, y + j)
      j += 8
    }
    while j < m {
      var a = y[j]
      for i in 0..<n { a += x[i] * w[i * m + j] }
      y[j] = a
      j += 1
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
    let k = conv.kernelSize, patchRow = conv.kernelSize * conv.channels
    let rowStride = conv.width * conv.channels, outputWidth = conv.outputWidth
    params.withUnsafeBufferPointer { pb in
      values.withUnsafeMutableBufferPointer { vb in
        let w = UnsafePointer(pb.baseAddress! + conv.parameterOffset)
        let b = UnsafePointer(pb.baseAddress! + conv.biasOffset)
        let x = UnsafePointer(vb.baseAddress! + inputOffset)
        let y = vb.baseAddress! + outputOffset
        for oy in 0..<conv.outputHeight {
          for ox in 0..<outputWidth {
            let out = y + (oy * outputWidth + ox) * filters
            for f in 0..<filters { out[f] = b[f] }
            let patch = x + oy * rowStride + ox * conv.channels
            for ky in 0..<k {
              accumulateRowTimesMatrix(patch + ky * rowStride, patchRow,
                                       w + ky * patchRow * filters, filters, out)
            }
          }
        }
        activate(y, conv.outputCount, activation)
      }
    }
  }

  /// `Convolution.backward`: dW[(ky, kx, c), :] += x[oy+ky, ox+kx, c]·δ[oy, ox, :]
  /// and db += δ[oy, ox, :], over every output position of rows 0..<batch.
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
    let k = conv.kernelSize, patchRow = conv.kernelSize * conv.channels
    let rowStride = conv.width * conv.channels, outputWidth = conv.outputWidth
    inputs.withUnsafeBufferPointer { xb in
      deltas.withUnsafeBufferPointer { db in
        gradients.withUnsafeMutableBufferPointer { gb in
          let dW = gb.baseAddress! + conv.parameterOffset
          let dB = gb.baseAddress! + conv.biasOffset
          for r in 0..<batch {
            let x = xb.baseAddress! + inputOffset + r * conv.inputCount
            let dz = db.baseAddress! + deltaOffset + r * conv.outputCount
            for oy in 0..<conv.outputHeight {
              for ox in 0..<outputWidth {
                let delta = dz + (oy * outputWidth + ox) * filters
                axpy(1, delta, dB, filters)
                let patch = x + oy * rowStride + ox * conv.channels
                for ky in 0..<k {
                  let xRow = patch + ky * rowStride
                  let gRows = dW + ky * patchRow * filters
                  for i in 0..<patchRow { axpy(xRow[i], delta, gRows + i * filters, filters) }
                }
              }
            }
          }
        }
      }
    }
  }

  /// `Convolution.inputGradient`: dx[oy+ky, ox+kx, c] = Σ over the outputs
  /// that see it of W[(ky, kx, c), :]·δ[oy, ox, :].
  @inlinable
  static func convolutionInputGradient<S: NNScalar>(
    _ conv: Convolution, params: [S], batch: Int, deltas: [S], deltaOffset: Int,
    into inputGradients: inout [S], at offset: Int
  ) {
    let filters = conv.filters
    precondition(batch >= 0, "TinyNN: negative batch")
    checkRange(conv.parameterOffset, conv.patchSize * filters, within: params.count)
    checkRange(deltaOffset, batch * conv.outputCount, within: deltas.count)
    checkRange(offset, batch * conv.inputCount, within: inputGradients.count)
    if batch == 0 { return }
    let k = conv.kernelSize, patchRow = conv.kernelSize * conv.channels
    let rowStride = conv.width * conv.channels, outputWidth = conv.outputWidth
    params.withUnsafeBufferPointer { pb in
      deltas.withUnsafeBufferPointer { db in
        inputGradients.withUnsafeMutableBufferPointer { gb in
          let w = UnsafePointer(pb.baseAddress! + conv.parameterOffset)
          for r in 0..<batch {
            let dx = gb.baseAddress! + offset + r * conv.inputCount
            let dz = UnsafePointer(db.baseAddress! + deltaOffset + r * conv.outputCount)
            for i in 0..<conv.inputCount { dx[i] = 0 }
            for oy in 0..<conv.outputHeight {
              for ox in 0..<outputWidth {
                let delta = dz + (oy * outputWidth + ox) * filters
                let patch = dx + oy * rowStride + ox * conv.channels
                for ky in 0..<k {
                  let wRows = w + ky * patchRow * filters
                  for i in 0..<patchRow {
                    patch[ky * rowStride + i] += dot(wRows + i * filters, delta, filters)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
