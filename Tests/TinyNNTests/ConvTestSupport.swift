// ConvTestSupport.swift — naive reference passes for the convolution and the
// ConvNet, written from the documented layouts with plain nested loops, and
// independent of the library's kernels.

import TinyNN

/// y[oy, ox, f] = b[f] + Σ_{ky, kx, c} x[oy+ky, ox+kx, c]·W[(ky·k + kx)·C + c, f],
/// every index spelled out. Returns the pre-activation output, [oy][ox][f].
func referenceConvolution(_ conv: Convolution, params: [Double], input: [Double]) -> [Double] {
  let k = conv.kernelSize, c = conv.channels, f = conv.filters
  var y = [Double](repeating: 0, count: conv.outputCount)
  for oy in 0..<conv.outputHeight {
    for ox in 0..<conv.outputWidth {
      for filter in 0..<f {
        var s = params[conv.biasOffset + filter]
        for ky in 0..<k {
          for kx in 0..<k {
            for channel in 0..<c {
              let xIndex = ((oy + ky) * conv.width + (ox + kx)) * c + channel
              let wIndex = conv.parameterOffset + ((ky * k + kx) * c + channel) * f + filter
              s += input[xIndex] * params[wIndex]
            }
          }
        }
        y[(oy * conv.outputWidth + ox) * f + filter] = s
      }
    }
  }
  return y
}

/// f(z) as the library defines it (ReLU maps z ≤ 0 to 0).
func referenceActivation(_ activation: Activation, _ z: Double) -> Double {
  activation == .tanh ? Double.tanh(z) : max(z, 0)
}

/// The ConvNet's output for one input row: the reference convolution, its
/// activation, then the reference dense head.
func referenceConvNetOutput(_ net: ConvNet, params: [Double], input: [Double]) -> [Double] {
  let features = referenceConvolution(net.convolution, params: params, input: input)
    .map { referenceActivation(net.activation, $0) }
  return referencePreActivations(net.head, params: params, input: features).last!
}

/// Every pre-activation the ConvNet computes for one row (convolution, then
/// the head's hidden layers): their distance from 0 is the distance from a
/// ReLU kink.
func referenceConvNetHiddenPreActivations(_ net: ConvNet, params: [Double],
                                          input: [Double]) -> [Double] {
  let z = referenceConvolution(net.convolution, params: params, input: input)
  let features = z.map { referenceActivation(net.activation, $0) }
  return z + referencePreActivations(net.head, params: params, input: features).dropLast().joined()
}
