// 2. Network forward+backward, as a worker runs it: forward n rows one at a
// time (n = the default rollout length), backward over the batch of n into a
// zeroed gradient, clip. For CartPole's MLP and for MinAtar's ConvNet.

import Algorithms
import CMallocCounter
import BuiltInEnvs
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
  var rng = Xoshiro256(seed: 7)
  let rows = Hyperparameters().nSteps
  var kernel = NetworkKernel(
    a3cNetwork, inputs: (0..<(rows * a3cNetwork.inputs)).map { _ in Float(rng.uniform(-0.05, 0.05)) })
  var convKernel = NetworkKernel(minAtarNetwork, inputs: breakoutRollout(rows: rows, rng: &rng))
  var both: [Double] = [], forward: [Double] = [], convBoth: [Double] = [], convForward: [Double] = []
  // Interleaved: the drift of the machine hits every figure alike.
  for _ in 0..<repeats {
    bench.stopIfInterrupted()
    both.append(rate(for: duration, unitsPerCall: kernel.rows) { kernel.forwardBackward() })
    forward.append(rate(for: duration, unitsPerCall: kernel.rows) { kernel.forwardOnly() })
    convBoth.append(rate(for: duration, unitsPerCall: convKernel.rows) { convKernel.forwardBackward() })
    convForward.append(rate(for: duration, unitsPerCall: convKernel.rows) { convKernel.forwardOnly() })
  }
  // The kernels have run: a further rollout must not touch the heap.
  let allocationsBefore = mc_allocations()
  for _ in 0..<10 { convKernel.forwardBackward() }
  let convAllocations = mc_allocations() - allocationsBefore
  kernel.sink()
  convKernel.sink()
  bench.report.add("network.forward_backward", "forward+backward+clip, rows/s", unit: "rows/s", samples: both)
  bench.report.add("network.forward", "forward only, rows/s", unit: "rows/s", samples: forward)
  bench.report.add("network.conv.forward_backward", "MinAtar ConvNet forward+backward+clip, rows/s",
                   unit: "rows/s", samples: convBoth)
  bench.report.add("network.conv.forward", "MinAtar ConvNet forward only, rows/s",
                   unit: "rows/s", samples: convForward)
  bench.report.note("MinAtar ConvNet: \(minAtarNetwork.parameterCount) parameters; heap allocations in "
                    + "10 forward+backward rollouts: \(convAllocations)")
  benchBatchedForward(bench, repeats: repeats, duration: duration)
  benchRecurrent(bench, repeats: repeats, duration: duration)
}

/// `--net lstm`'s network as a worker runs it on CartPoleNoVel-v1 with
/// `--hidden 64`: 2 → 64 tanh → LSTM(64) → 3, one rollout of n steps forward
/// in order, then truncated backpropagation through it, then clip. Against
/// the same rollout through the MLP of the same torso (2 → 64 tanh → 3).
private func benchRecurrent(_ bench: Bench, repeats: Int, duration: Double) {
  let rows = Hyperparameters().nSteps
  let torso = MLP(inputs: 2, hidden: [], outputs: 64, activation: .tanh, name: "torso")
  let net = RecurrentNetwork(torso: torso, torsoActivation: .tanh, cells: 64, outputs: 3, headName: "actor_critic")
  var rng = Xoshiro256(seed: 13)
  var params = [Float](repeating: 0, count: net.parameterCount)
  net.initialize(&params, rng: &rng, outputGain: 0.01)
  var gradient = [Float](repeating: 0, count: net.parameterCount)
  var work: RecurrentWorkspace<Float> = net.makeWorkspace(maxSteps: rows + 1)
  for i in work.head.outputGradient.indices { work.head.outputGradient[i] = Float(rng.uniform(-1, 1)) }
  let input = (0..<(rows * net.inputs)).map { _ in Float(rng.uniform(-0.05, 0.05)) }
  var flat = NetworkKernel(MLP(inputs: 2, hidden: [64], outputs: 3, activation: .tanh, name: "actor_critic"),
                           inputs: input)
  var checksum: Float = 0
  func forward() {
    for t in 0..<rows {
      net.forward(params: params, input: input, inputOffset: t * net.inputs, step: t, workspace: &work)
    }
    checksum += work.head.output(row: rows - 1, index: 0)
  }
  func forwardBackward() {
    forward()
    for j in gradient.indices { gradient[j] = 0 }
    net.backward(params: params, steps: rows, workspace: &work, gradients: &gradient)
    checksum += clipGradientNorm(&gradient, maxNorm: 5)
    // The next rollout starts where this one ended, as in a worker.
    work.carryState(fromStep: rows - 1)
  }
  var both: [Double] = [], forwardOnly: [Double] = [], mlpBoth: [Double] = []
  for _ in 0..<repeats {
    bench.stopIfInterrupted()
    both.append(rate(for: duration, unitsPerCall: rows) { forwardBackward() })
    forwardOnly.append(rate(for: duration, unitsPerCall: rows) { forward() })
    mlpBoth.append(rate(for: duration, unitsPerCall: rows) { flat.forwardBackward() })
  }
  let allocationsBefore = mc_allocations()
  for _ in 0..<10 { forwardBackward() }
  let allocations = mc_allocations() - allocationsBefore
  blackHole(checksum)
  blackHole(gradient)
  flat.sink()
  bench.report.add("network.lstm.forward_backward", "--net lstm 2→64→LSTM 64→3 fwd+bwd+clip",
                   unit: "rows/s", samples: both)
  bench.report.add("network.lstm.forward", "--net lstm forward only, rows/s", unit: "rows/s", samples: forwardOnly)
  bench.report.add("network.lstm.mlp_forward_backward", "no LSTM, 2→64→3 fwd+bwd+clip, rows/s",
                   unit: "rows/s", samples: mlpBoth)
  bench.report.note("--net lstm: \(net.parameterCount) parameters (the LSTM \(net.lstm.parameterCount)); heap allocations "
                    + "in 10 forward+backward rollouts: \(allocations)")
}

/// `--envs-per-worker K`'s forward: one K-row product per dense layer
/// (BatchKernels.swift) against K = 1, the one-row matrix–vector product.
/// Rows/s per K, interleaved like the figures above.
private func benchBatchedForward(_ bench: Bench, repeats: Int, duration: Double) {
  let batches = [1, 4, 16, 64]
  var rng = Xoshiro256(seed: 11)
  var params = [Float](repeating: 0, count: a3cNetwork.parameterCount)
  a3cNetwork.initialize(&params, rng: &rng, outputGain: 0.01)
  let input = (0..<(batches.max()! * a3cNetwork.inputs)).map { _ in Float(rng.uniform(-0.05, 0.05)) }
  var works = batches.map { a3cNetwork.makeWorkspace(maxBatch: $0) as NetworkWorkspace<Float> }
  var samples = batches.map { _ in [Double]() }
  var checksum: Float = 0
  for _ in 0..<repeats {
    bench.stopIfInterrupted()
    for (i, k) in batches.enumerated() {
      samples[i].append(rate(for: duration, unitsPerCall: k) {
        a3cNetwork.forward(params: params, input: input, inputOffset: 0, rows: k, firstRow: 0, workspace: &works[i])
        checksum += works[i].output(row: k - 1, index: 0)
      })
    }
  }
  blackHole(checksum)
  for (i, k) in batches.enumerated() {
    bench.report.add("network.batched_forward.k\(k)", "K-row forward (--envs-per-worker \(k)), rows/s",
                     unit: "rows/s", samples: samples[i])
  }
}

/// `rows` consecutive observations of MinAtar Breakout under random actions:
/// what a worker's rollout feeds the network (0/1 planes, ~30 of 400 cells
/// set, consecutive frames alike), from the start of an episode.
private func breakoutRollout(rows: Int, rng: inout Xoshiro256) -> [Float] {
  var env = EnvRegistry.make("MinAtar/Breakout-v0")!
  var observation = [Float](repeating: 0, count: env.spec.observationSize)
  env.reset(rng: &rng, observation: &observation)
  var rollout: [Float] = []
  for _ in 0..<rows {
    rollout += observation
    let action = Int(rng.next() % UInt64(env.spec.discreteActionCount))
    if env.step(action: action, observation: &observation).done { env.reset(rng: &rng, observation: &observation) }
  }
  return rollout
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

  /// `inputs`: `rows` input rows, back to back.
  init(_ net: N, inputs: [Float]) {
    precondition(inputs.count == rows * net.inputs)
    self.net = net
    self.inputs = inputs
    var rng = Xoshiro256(seed: 7)
    params = [Float](repeating: 0, count: net.parameterCount)
    net.initialize(&params, rng: &rng, outputGain: 0.01)
    gradient = [Float](repeating: 0, count: net.parameterCount)
    work = net.makeWorkspace(maxBatch: rows + 1)
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
