// 2. Network forward+backward, as a worker runs it: forward n rows one at a
// time (n = the default rollout length), backward over the batch of n into a
// zeroed gradient, clip. For CartPole's MLP and for MinAtar's ConvNet.

import Envs
import Algorithms
import TinyNN

/// The A3C network for CartPole-v1: 4 → 64 → 64 → (2 logits + 1 value).
let a3cNetwork = MLP(inputs: 4, hidden: [64, 64], outputs: 3, activation: .tanh, name: "actor_critic")
/// The A3C network for MinAtar Breakout: 10×10×4 planes → 3×3 conv, 16
/// filters → 128 → (6 logits + 1 value).
let minAtarNetwork = ConvNet(channels: 4, outputs: 7, name: "actor_critic")

func benchNetwork(_ bench: Bench) {
  bench.report.section("2. network \(shapeDescription(a3cNetwork)) (Float, rollouts of \(Hyperparameters().nSteps) rows)")
  let repeats = bench.repeats(7, quick: 3)
  let duration = bench.options.quick ? 0.1 : 0.25
  var kernel = NetworkKernel(a3cNetwork, inputs: { rng in Float(rng.uniform(-0.05, 0.05)) })
  // MinAtar's planes are 0/1 with few cells set (Breakout: ~30 of 400).
  var convKernel = NetworkKernel(minAtarNetwork, inputs: { rng in rng.uniform(0, 1) < 0.08 ? 1 : 0 })
  var both: [Double] = [], forward: [Double] = [], convBoth: [Double] = [], convForward: [Double] = []
  // Interleaved: the drift of the machine hits every figure alike.
  for _ in 0..<repeats {
    bench.stopIfInterrupted()
    both.append(rate(for: duration, unitsPerCall: kernel.rows) { kernel.forwardBackward() })
    forward.append(rate(for: duration, unitsPerCall: kernel.rows) { kernel.forwardOnly() })
    convBoth.append(rate(for: duration, unitsPerCall: convKernel.rows) { convKernel.forwardBackward() })
    convForward.append(rate(for: duration, unitsPerCall: convKernel.rows) { convKernel.forwardOnly() })
  }
  kernel.sink()
  convKernel.sink()
  bench.report.add("network.forward_backward", "forward+backward+clip, rows/s", unit: "rows/s", samples: both)
  bench.report.add("network.forward", "forward only, rows/s", unit: "rows/s", samples: forward)
  bench.report.add("network.conv.forward_backward", "MinAtar ConvNet forward+backward+clip, rows/s",
                   unit: "rows/s", samples: convBoth)
  bench.report.add("network.conv.forward", "MinAtar ConvNet forward only, rows/s",
                   unit: "rows/s", samples: convForward)
}

func shapeDescription(_ net: MLP) -> String {
  ([net.inputs] + net.hidden + [net.outputs]).map(String.init).joined(separator: "→") + " \(net.activation.rawValue)"
}

/// Everything one worker update touches in the network, preallocated.
private struct NetworkKernel<N: Network> {
  let net: N
  let rows = Hyperparameters().nSteps
  var params: [Float]
  var gradient: [Float]
  var work: NetworkWorkspace<Float>
  var inputs: [Float]
  var checksum: Float = 0

  /// `inputs` draws each input value.
  init(_ net: N, inputs draw: (inout Xoshiro256) -> Float) {
    self.net = net
    var rng = Xoshiro256(seed: 7)
    params = [Float](repeating: 0, count: net.parameterCount)
    net.initialize(&params, rng: &rng, outputGain: 0.01)
    gradient = [Float](repeating: 0, count: net.parameterCount)
    work = net.makeWorkspace(maxBatch: rows + 1)
    inputs = (0..<(rows * net.inputs)).map { _ in draw(&rng) }
    for i in work.outputGradient.indices { work.outputGradient[i] = Float(rng.uniform(-1, 1)) }
  }

  mutating func forwardOnly() {
    for r in 0..<rows {
      net.forward(params: params, input: inputs, inputOffset: r * net.inputs, row: r, workspace: &work)
    }
    checksum += work.output(row: rows - 1, index: 0)
  }

  mutating func forwardBackward() {
    forwardOnly()
    for j in gradient.indices { gradient[j] = 0 }
    net.backward(params: params, batch: rows, workspace: &work, gradients: &gradient)
    checksum += clipGradientNorm(&gradient, maxNorm: 5)
  }

  func sink() {
    blackHole(checksum)
    blackHole(gradient)
  }
}
