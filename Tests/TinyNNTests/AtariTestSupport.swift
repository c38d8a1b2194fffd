// AtariTestSupport.swift — a reference AtariNet in plain Double loops,
// written from PyTorch's definitions (Conv2d over [c][y][x] with weights
// [f][c][ky][kx], flatten [f][y][x], Linear [out][in]), independent of the
// library's kernels and of its internal layouts: forward, backward, and the
// problems the Atari tests share.

import TinyNN

/// One row through the reference network: every layer's pre-activation z
/// (convolutions [f][oy][ox], dense layers as vectors) and its input a
/// (the row's input, then ReLU of the layer before).
struct ReferenceAtariRow {
  var inputs: [[Double]] = []
  var preActivations: [[Double]] = []

  init(_ net: AtariNet, params p: [Double], input: [Double]) {
    var a = input
    for conv in net.convolutions {
      let (k, s, c, h, w) = (conv.kernelSize, conv.stride, conv.channels, conv.height, conv.width)
      let (oh, ow, f) = (conv.outputHeight, conv.outputWidth, conv.filters)
      var z = [Double](repeating: 0, count: f * oh * ow)
      for filter in 0..<f {
        for oy in 0..<oh {
          for ox in 0..<ow {
            var sum = p[conv.biasOffset + filter]
            for channel in 0..<c {
              for ky in 0..<k {
                for kx in 0..<k {
                  let weight = p[conv.parameterOffset + ((filter * c + channel) * k + ky) * k + kx]
                  sum += weight * a[(channel * h + s * oy + ky) * w + s * ox + kx]
                }
              }
            }
            z[(filter * oh + oy) * ow + ox] = sum
          }
        }
      }
      inputs.append(a)
      preActivations.append(z)
      a = z.map { max($0, 0) }
    }
    for layer in net.dense {
      var z = [Double](repeating: 0, count: layer.outputs)
      for j in 0..<layer.outputs {
        var sum = p[layer.biasOffset + j]
        for i in 0..<layer.inputs { sum += p[layer.weightOffset + j * layer.inputs + i] * a[i] }
        z[j] = sum
      }
      inputs.append(a)
      preActivations.append(z)
      a = z.map { max($0, 0) }
    }
  }

  var output: [Double] { preActivations.last! }

  /// The smallest |z| over the hidden units (not the linear outputs): the
  /// distance from a ReLU kink.
  var kinkMargin: Double { preActivations.dropLast().joined().map(abs).min() ?? .infinity }
}

/// dL/dθ (+= into `gradients`) for one row with dL/d(output) = c, by the
/// chain rule written out unit by unit on the reference row.
func referenceAtariBackward(_ net: AtariNet, params p: [Double], row: ReferenceAtariRow, outputGradient c: [Double],
                            into g: inout [Double]) {
  let convCount = net.convolutions.count
  var delta = c
  for l in stride(from: net.dense.count - 1, through: 0, by: -1) {
    let layer = net.dense[l], a = row.inputs[convCount + l]
    var previous = [Double](repeating: 0, count: layer.inputs)
    for j in 0..<layer.outputs {
      g[layer.biasOffset + j] += delta[j]
      for i in 0..<layer.inputs {
        g[layer.weightOffset + j * layer.inputs + i] += delta[j] * a[i]
        previous[i] += p[layer.weightOffset + j * layer.inputs + i] * delta[j]
      }
    }
    delta = zip(previous, a).map { $1 > 0 ? $0 : 0 }
  }
  for l in stride(from: convCount - 1, through: 0, by: -1) {
    let conv = net.convolutions[l], a = row.inputs[l]
    let (k, s, ch, h, w) = (conv.kernelSize, conv.stride, conv.channels, conv.height, conv.width)
    let (oh, ow) = (conv.outputHeight, conv.outputWidth)
    var previous = [Double](repeating: 0, count: a.count)
    for f in 0..<conv.filters {
      for oy in 0..<oh {
        for ox in 0..<ow {
          let d = delta[(f * oh + oy) * ow + ox]
          g[conv.biasOffset + f] += d
          for channel in 0..<ch {
            for ky in 0..<k {
              for kx in 0..<k {
                let wi = conv.parameterOffset + ((f * ch + channel) * k + ky) * k + kx
                let xi = (channel * h + s * oy + ky) * w + s * ox + kx
                g[wi] += d * a[xi]
                previous[xi] += p[wi] * d
              }
            }
          }
        }
      }
    }
    delta = zip(previous, a).map { $1 > 0 ? $0 : 0 }
  }
}

/// A random AtariNet problem: `batch` input rows of values k/255 (an
/// image's bytes), loss weights c; L = Σ_r Σ_k c[r,k]·y[r,k].
struct AtariProblem {
  var net: AtariNet
  var params: [Double]
  var bytes: [UInt8]
  var coefficients: [[Double]]

  init(_ net: AtariNet, batch: Int, seed: UInt64, biases: Double = 0.1) {
    self.net = net
    var rng = TestRNG(seed: seed)
    params = parameters(for: net, count: net.parameterRange.upperBound + 3, biases: biases, rng: &rng)
    bytes = (0..<(batch * net.inputs)).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 56) }
    coefficients = (0..<batch).map { _ in rng.vector(net.outputs, -2, 2) }
  }

  var batch: Int { coefficients.count }
  /// The inputs as the float forward takes them: byte/255.
  var inputs: [Double] { bytes.map { Double($0) / 255 } }
  func row(_ r: Int) -> [Double] { Array(inputs[(r * net.inputs)..<((r + 1) * net.inputs)]) }

  func loss(_ p: [Double]) -> Double {
    var ws: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: batch)
    net.forward(params: p, input: inputs, inputOffset: 0, rows: batch, firstRow: 0, workspace: &ws)
    var total = 0.0
    for r in 0..<batch {
      for k in 0..<net.outputs { total += coefficients[r][k] * ws.output(row: r, index: k) }
    }
    return total
  }

  /// Forward row by row, backward over the batch, into gradients starting
  /// at `initial`, in `workspace` (a fresh one if nil).
  func analytic(initial: [Double], workspace: NetworkWorkspace<Double>? = nil) -> [Double] {
    var ws = workspace ?? net.makeWorkspace(maxBatch: batch)
    let x = inputs
    for r in 0..<batch {
      net.forward(params: params, input: x, inputOffset: r * net.inputs, row: r, workspace: &ws)
      for k in 0..<net.outputs { ws.setOutputGradient(row: r, index: k, value: coefficients[r][k]) }
    }
    var g = initial
    net.backward(params: params, batch: batch, workspace: &ws, gradients: &g)
    return g
  }

  /// The reference network's gradient.
  func reference() -> [Double] {
    var g = [Double](repeating: 0, count: params.count)
    for r in 0..<batch {
      let row = ReferenceAtariRow(net, params: params, input: self.row(r))
      referenceAtariBackward(net, params: params, row: row, outputGradient: coefficients[r], into: &g)
    }
    return g
  }

  var kinkMargin: Double {
    (0..<batch).map { ReferenceAtariRow(net, params: params, input: row($0)).kinkMargin }.min()!
  }

  /// The first problem from `seed` on whose hidden units all stay ≥
  /// `margin` from the ReLU kink, so ±h never crosses it.
  static func awayFromKinks(_ net: AtariNet, batch: Int, seed: UInt64, margin: Double = 1e-4) -> AtariProblem {
    var seed = seed
    while true {
      let problem = AtariProblem(net, batch: batch, seed: seed)
      if problem.kinkMargin >= margin { return problem }
      seed += 1
    }
  }
}

/// Small stacks with the paper's structure, cheap enough to check every
/// parameter by finite differences: 16-multiple filters (the convolutions'
/// δ used in place, 2-wide runs of 32 values), and odd ones (11 and 13
/// filters: padded lanes, gathered δ, a 22-value run, a dense fan-in of 117).
enum SmallAtariNets {
  static func even(outputs: Int = 3, hidden: [Int] = [5], name: String = "a", offset: Int = 4) -> AtariNet {
    AtariNet(channels: 2, height: 10, width: 10,
             convolutions: [.init(filters: 16, kernelSize: 4, stride: 2), .init(filters: 16, kernelSize: 2, stride: 2)],
             hidden: hidden, outputs: outputs, name: name, parameterOffset: offset)
  }

  static func odd(outputs: Int = 2, hidden: [Int] = [4], name: String = "b", offset: Int = 1) -> AtariNet {
    AtariNet(channels: 3, height: 9, width: 9,
             convolutions: [.init(filters: 11, kernelSize: 3, stride: 2), .init(filters: 13, kernelSize: 2, stride: 1)],
             hidden: hidden, outputs: outputs, name: name, parameterOffset: offset)
  }
}
