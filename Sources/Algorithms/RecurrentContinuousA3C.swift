// RecurrentContinuousA3C.swift — continuous-action A3C with `--net lstm`:
// ContinuousA3C's Gaussian policy on top of an LSTM (A3C-LSTM, Mnih et al.
// 2016, whose continuous-control agents were recurrent too).
//
// One network, torso → LSTM → a linear head of 2·D + 1 outputs: μ_0 …
// μ_{D−1}, ρ_0 … ρ_{D−1} (σ² = softplus(ρ) + floor), then V(s). Sharing
// the LSTM between policy and value is the paper's LSTM agent; the
// feed-forward ContinuousA3C keeps its two separate networks.
//
// As RecurrentActorCriticLearner: one environment per worker; each rollout
// of up to n steps starts from the (h, c) the last one ended with (zero at
// an episode's start), taken as given; truncated BPTT through the rollout;
// the bootstrap V(s_{t+n}) is one more step of the same sequence. A worker
// (re)starts with a fresh episode and a zero state.

import Envs
import HogwildSegment
import TinyNN

/// A3C-LSTM for Box action spaces.
struct RecurrentContinuousA3C: WorkerAlgorithm {
  /// The head's name in the layer table (and so export's key for it).
  static let headName = "gaussian_actor_critic"

  let hyper: Hyperparameters
  let spec: EnvSpec
  /// The D action dimensions, their bounds, and the Gaussian over them.
  let actions: GaussianActions
  let network: RecurrentNetwork<MLP>

  init(hyperparameters: Hyperparameters, spec: EnvSpec) {
    hyper = hyperparameters
    self.spec = spec
    actions = GaussianActions(spec)
    network = NetworkBuilder.recurrentMLP(hyperparameters, spec, outputs: 2 * actions.dimensions + 1, name: Self.headName)
  }

  var parameterCount: Int { network.parameterCount }
  var targetParameterCount: Int { 0 }
  var usesGradientExchange: Bool { false }
  var layers: [LayerEntry] { network.layerEntries }

  /// Small head weights: μ ≈ 0, σ² ≈ softplus(0) and V ≈ 0 at the start.
  func initialParameters(seed: UInt64) -> [Float] { network.initialParameters(seed: seed, outputGain: 0.01) }

  /// One environment per worker (`run` refuses `--envs-per-worker` > 1).
  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    precondition(environments.count == 1, "--net lstm steps one environment per worker")
    var env = environments[0]
    train(&env, link: &link, seed: seed)
  }

  /// Algorithm S3 with the LSTM's state carried through each episode.
  /// Allocates nothing once running.
  func train(_ env: inout any Environment, link: inout WorkerLink, seed: UInt64) {
    let n = hyper.nSteps
    let D = actions.dimensions
    let valueIndex = 2 * D
    let gamma = Float(hyper.gamma)
    let lambda = Float(hyper.gaeLambda)
    let beta = Float(hyper.entropyCoefficient)
    let valueWeight = Float(hyper.valueCoefficient)
    let maxNorm = Float(hyper.maxGradientNorm)

    var rng = link.trainingRandomSource(seed: seed)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    // Steps 0..<n the rollout, step n the bootstrap state.
    var work: RecurrentWorkspace<Float> = network.makeWorkspace(maxSteps: n + 1)
    var observation = [Float](repeating: 0, count: spec.observationSize)
    var envAction = [Float](repeating: 0, count: D)
    var sampled = [Float](repeating: 0, count: n * D)   // unclipped a_i, row-major
    var rewards = [Float](repeating: 0, count: n)
    var values = [Float](repeating: 0, count: n)
    var advantages = [Float](repeating: 0, count: n)
    var returns = [Float](repeating: 0, count: n)
    var episode = EpisodeTally()
    var episodeStarts = true
    var steps = 0

    env.reset(rng: &rng, observation: &observation)
    while !link.shouldStop {
      // SYNC: θ′ ← θ
      link.pullParameters(into: &thetaLocal)

      // The state is moved here, not at the last rollout's end: that
      // rollout's gradient still needed its initial state.
      if episodeStarts { work.resetState() } else { work.carryState(fromStep: steps - 1) }
      episodeStarts = false

      // ALGO: rollout of up to n steps with a ~ N(μ(s, h; θ′), σ²(s, h; θ′))
      var terminated = false
      var episodeOver = false
      steps = 0
      while steps < n {
        network.forward(params: thetaLocal, input: observation, step: steps, workspace: &work)
        actions.choose(from: work.head, row: steps, greedy: false, rng: &rng,
                       raw: &sampled, rawOffset: steps * D, action: &envAction)
        let outcome = env.step(continuous: envAction, observation: &observation)
        rewards[steps] = Float(outcome.reward)
        episode.add(outcome.reward)
        steps += 1
        if outcome.done {
          terminated = outcome.terminated
          episodeOver = true
          break
        }
      }
      let stepsBefore = link.addSteps(steps)
      link.saveRandomState(rng)

      // ALGO: R = 0 for a terminal state, else V(s_t) one step further
      // along the same sequence (truncation too)
      var bootstrap: Float = 0
      if !terminated {
        network.forward(params: thetaLocal, input: observation, step: steps, workspace: &work)
        bootstrap = work.head.output(row: steps, index: valueIndex)
      }
      if episodeOver {
        episode.publish(to: &link, globalStep: stepsBefore + UInt64(steps))
        env.reset(rng: &rng, observation: &observation)
        episodeStarts = true
      }

      // ALGO: backwards R ← r_i + γR, A_i = R − V(s_i) (GAE with λ < 1)
      for i in 0..<steps { values[i] = work.head.output(row: i, index: valueIndex) }
      Returns.generalizedAdvantages(
        rewards: rewards, values: values, count: steps, bootstrap: bootstrap, gamma: gamma, lambda: lambda,
        advantages: &advantages, returns: &returns)
      var sums = LossSums()
      for i in 0..<steps {
        // policy: −log N(a_i; μ, σ²)·A_i − β·H into ∂/∂μ and ∂/∂ρ
        actions.writePolicyGradients(&work.head, row: i, sampled: sampled, sampledOffset: i * D,
                                     advantage: advantages[i], entropyCoefficient: beta, sums: &sums)
        // value: c·(R_i − V(s_i))²
        let v = ValueLoss.lossAndGradient(value: values[i], target: returns[i], coefficient: valueWeight)
        work.head.setOutputGradient(row: i, index: valueIndex, value: v.gradient)
        sums.valueLoss += v.loss
        sums.tdError += abs(returns[i] - values[i])
      }

      // ALGO: dθ ← ∂(losses)/∂θ′, truncated BPTT over the rollout
      for j in dTheta.indices { dTheta[j] = 0 }
      network.backward(params: thetaLocal, steps: steps, workspace: &work, gradients: &dTheta)
      // The --delay, then HOGWILD: lock-free apply of dθ to the shared θ
      // (a gradient that is not finite is dropped; ClippedGradientPush.swift)
      link.clipAndPush(&dTheta, maxNorm: maxNorm, hyper: hyper, step: stepsBefore + UInt64(steps),
                       refreshing: &thetaLocal) { sums.statistics(rows: steps, norm: $0, maxNorm: maxNorm) }
    }
  }
}
