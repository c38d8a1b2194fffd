// 2. Network forward+backward, as a worker runs it: forward n rows one at a
// time (n = the default rollout length), backward over the batch of n into a
// zeroed gradient, clip.

import Envs
import Algorithms
import TinyNN

/// The A3C network for CartPole-v1: 4 → 64 → 64 → (2 logits + 1 value).
let a3cNetwork = MLP(inputs: 4, hidden: [64, 64], outputs: 3, activation: .tanh, name: "actor_critic")

func benchNetwork(_ bench: Bench) {
  bench.report.section("2. network \(shapeDescription(a3cNetwork)) (Float, rollouts of \(Hyperparameters().nSteps) rows)")
  let repeats = bench.repeats(7, quick: 3)
  let duration = bench.options.quick ? 0.1 : 0.25
  var kernel = NetworkKernel(a3cNetwork)
  var both: [Double] = [], forward: [Double] = []
  // Interleaved: the drift of the machine hits both figures alike.
  for _ in 0..<repeats {
    bench.stopIfInterrupted()
    both.append(rate(for: duration, unitsPerCall: kernel.rows) { kernel.forwardBackward() })
    forward.append(rate(for: duration, unitsPerCall: kernel.rows) { kernel.forwardOnly() })
  }
  kernel.sink()
  bench.report.add("network.forward_backward", "forward+backward+clip, rows/s", unit: "rows/s", samples: both)
  bench.report.add("network.forward", "forward only, rows/s", unit: "rows/s", samples: forward)
}

func shapeDescription(_ net: MLP) -> String {
  ([net.inputs] + net.hidden + [net.outputs]).map(String.init).joined(separator: "→") + " \(net.activation.rawValue)"
}

/// Everything one worker update touches in the network, preallocated.
private struct NetworkKernel {
  let net: MLP
  let rows = Hyperparameters().nSteps
  var params: [Float]
  var gradient: [Float]
  var work: MLPWorkspace<Float>
  var inputs: [Float]
  var checksum: Float = 0

  init(_ net: MLP) {
    self.net = net
    var rng = Xoshiro256(seed: 7)
    params = [Float](repeating: 0, count: net.parameterCount)
    net.initialize(&params, rng: &rng, outputGain: 0.01)
    gradient = [Float](repeating: 0, count: net.parameterCount)
    work = net.makeWorkspace(maxBatch: rows + 1)
    inputs = (0..<(rows * net.inputs)).map { _ in Float(rng.uniform(-0.05, 0.05)) }
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
