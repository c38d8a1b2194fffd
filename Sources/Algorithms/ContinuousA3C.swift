// ContinuousA3C.swift — A3C for Box action spaces.
//
// Mnih et al. 2016, section 5.2 and Supplementary 9: per action dimension a
// Gaussian policy N(μ, σ²), μ from a linear output and σ² from a softplus
// (TinyNN/GaussianPolicy.swift); separate policy and value networks, as the
// paper used for continuous control; entropy bonus β·H with β = --ent-coef.
// Otherwise Algorithm S3, as A3C.swift: rollout of up to n steps, n-step (or
// GAE) returns bootstrapped from V unless terminal, one lock-free apply.
//
// θ = [policy network | value network] in one flat vector (two layer groups
// in the segment's layer table). The action sent to the environment is the
// sample clipped to the action bounds; the log-probability (and so the
// gradient) uses the unclipped sample.

import Envs
import HogwildSegment
import TinyNN

struct ContinuousA3C: WorkerAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  /// D, the number of action dimensions, and their bounds.
  let actionDimensions: Int
  let low: [Float]
  let high: [Float]
  /// obs → hidden → 2·D outputs: μ_0 … μ_{D−1}, then ρ_0 … ρ_{D−1} (σ² = softplus(ρ)).
  let policyNetwork: MLP
  /// obs → hidden → V(s), stored after the policy network in θ.
  let valueNetwork: MLP

  init(hyperparameters: Hyperparameters, spec: EnvSpec) {
    hyper = hyperparameters
    self.spec = spec
    guard case .box(let lo, let hi) = spec.actionSpace else {
      preconditionFailure("continuous A3C needs a Box action space")
    }
    actionDimensions = lo.count
    low = lo.map(Float.init)
    high = hi.map(Float.init)
    policyNetwork = MLP(inputs: spec.observationSize, hidden: hyperparameters.hidden, outputs: 2 * lo.count,
                        activation: hyperparameters.activation, name: "policy")
    valueNetwork = MLP(inputs: spec.observationSize, hidden: hyperparameters.hidden, outputs: 1,
                       activation: hyperparameters.activation, name: "value",
                       parameterOffset: policyNetwork.parameterCount)
  }

  var parameterCount: Int { policyNetwork.parameterCount + valueNetwork.parameterCount }
  var targetParameterCount: Int { 0 }
  var usesGradientExchange: Bool { false }
  var layers: [LayerEntry] { policyNetwork.layerEntries + valueNetwork.layerEntries }

  func initialParameters(seed: UInt64) -> [Float] {
    var theta = [Float](repeating: 0, count: parameterCount)
    var rng = Xoshiro256(seed: seed, stream: 1 << 32)
    // Small output weights: μ ≈ 0 and σ² ≈ softplus(0) ≈ 0.69 at the start.
    policyNetwork.initialize(&theta, rng: &rng, outputGain: 0.01)
    valueNetwork.initialize(&theta, rng: &rng, outputGain: 0.01)
    return theta
  }

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    // One environment per worker (the CLI refuses --envs-per-worker > 1 here).
    precondition(environments.count == 1, "\(Self.self) steps one environment per worker")
    var env = environments[0]
    train(&env, link: &link, seed: seed)
  }

  /// One worker (the environment is called through its protocol).
  /// Allocates nothing once running.
  func train(_ env: inout any Environment, link: inout WorkerLink, seed: UInt64) {
    let n = hyper.nSteps
    let D = actionDimensions
    let gamma = Float(hyper.gamma)
    let lambda = Float(hyper.gaeLambda)
    let beta = Float(hyper.entropyCoefficient)
    let valueWeight = Float(hyper.valueCoefficient)
    let maxNorm = Float(hyper.maxGradientNorm)

    var rng = link.trainingRandomSource(seed: seed)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    var policyWork: MLPWorkspace<Float> = policyNetwork.makeWorkspace(maxBatch: n)
    var valueWork: MLPWorkspace<Float> = valueNetwork.makeWorkspace(maxBatch: n + 1)
    var observation = [Float](repeating: 0, count: spec.observationSize)
    var envAction = [Float](repeating: 0, count: D)
    var sampled = [Float](repeating: 0, count: n * D)   // unclipped a_i, row-major
    var rewards = [Float](repeating: 0, count: n)
    var values = [Float](repeating: 0, count: n)
    var advantages = [Float](repeating: 0, count: n)
    var returns = [Float](repeating: 0, count: n)
    var episode = EpisodeTally()

    env.reset(rng: &rng, observation: &observation)
    while !link.shouldStop {
      // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing)
      link.pullParameters(into: &thetaLocal)

      // ALGO: rollout of up to n steps with a ~ N(μ(s; θ′), σ²(s; θ′))
      var steps = 0
      var terminated = false
      var episodeOver = false
      while steps < n {
        policyNetwork.forward(params: thetaLocal, input: observation, row: steps, workspace: &policyWork)
        valueNetwork.forward(params: thetaLocal, input: observation, row: steps, workspace: &valueWork)
        for d in 0..<D {
          let mu = policyWork.output(row: steps, index: d)
          let variance = GaussianPolicy.variance(preActivation: policyWork.output(row: steps, index: D + d))
          let xi = GaussianPolicy.standardNormal(uniform: rng.nextUnitFloat(), rng.nextUnitFloat())
          let a = GaussianPolicy.sample(mean: mu, variance: variance, standardNormal: xi)
          sampled[steps * D + d] = a
          envAction[d] = min(max(a, low[d]), high[d])
        }
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

      // ALGO: R = 0 for a terminal state, else V(s_t; θ′) (truncation too)
      var R: Float = 0
      if !terminated {
        valueNetwork.forward(params: thetaLocal, input: observation, row: steps, workspace: &valueWork)
        R = valueWork.output(row: steps, index: 0)
      }
      if episodeOver {
        episode.publish(to: &link, globalStep: stepsBefore + UInt64(steps))
        env.reset(rng: &rng, observation: &observation)
      }

      // ALGO: backwards R ← r_i + γR, A_i = R − V(s_i) (GAE with λ < 1)
      for i in 0..<steps { values[i] = valueWork.output(row: i, index: 0) }
      Returns.generalizedAdvantages(
        rewards: rewards, values: values, count: steps, bootstrap: R, gamma: gamma, lambda: lambda,
        advantages: &advantages, returns: &returns)
      for i in 0..<steps {
        // policy: −log N(a_i; μ, σ²)·A_i − β·H into ∂/∂μ and ∂/∂ρ
        for d in 0..<D {
          let g = GaussianPolicy.lossAndGradient(
            action: sampled[i * D + d], mean: policyWork.output(row: i, index: d),
            variancePreActivation: policyWork.output(row: i, index: D + d),
            advantage: advantages[i], entropyCoefficient: beta)
          policyWork.setOutputGradient(row: i, index: d, value: g.dMean)
          policyWork.setOutputGradient(row: i, index: D + d, value: g.dPreActivation)
        }
        // value: c·(R_i − V(s_i))²
        let valueGrad = ValueLoss.lossAndGradient(value: values[i], target: returns[i], coefficient: valueWeight).gradient
        valueWork.setOutputGradient(row: i, index: 0, value: valueGrad)
      }

      // ALGO: dθ ← ∂(losses)/∂θ′ for both networks (disjoint parts of dθ)
      for j in dTheta.indices { dTheta[j] = 0 }
      policyNetwork.backward(params: thetaLocal, batch: steps, workspace: &policyWork, gradients: &dTheta)
      valueNetwork.backward(params: thetaLocal, batch: steps, workspace: &valueWork, gradients: &dTheta)
      guard clipGradientNorm(&dTheta, maxNorm: maxNorm).isFinite else {
        link.dropGradient()
        continue
      }

      // The wall-clock delay between reading θ and writing dθ (--delay).
      link.waitDelay()

      // HOGWILD: lock-free apply of dθ to the shared θ
      let lr = hyper.learningRateSchedule.rate(
        base: Float(hyper.learningRate), step: stepsBefore + UInt64(steps), of: link.tMax)
      link.pushGradient(dTheta, learningRate: lr, refreshing: &thetaLocal)
    }
  }
}
