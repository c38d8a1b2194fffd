// ContinuousA3C.swift — A3C for Box action spaces.
//
// Mnih et al. 2016, section 5.2 and Supplementary 9: per action dimension a
// Gaussian policy N(μ, σ²), μ from a linear output and σ² from a softplus
// (TinyNN/GaussianPolicy.swift); separate policy and value networks, as the
// paper used for continuous control; entropy bonus β·H with β = --ent-coef.
// Otherwise Algorithm S3, as A3C.swift: rollout of up to n steps, n-step (or
// GAE) returns bootstrapped from V unless terminal, one lock-free apply; with
// --envs-per-worker K, K environments in lockstep as in ActorCriticLearner.
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
  /// The D action dimensions, their bounds, and the Gaussian over them.
  let actions: GaussianActions
  /// obs → hidden → 2·D outputs: μ_0 … μ_{D−1}, then ρ_0 … ρ_{D−1} (σ² = softplus(ρ)).
  let policyNetwork: MLP
  /// obs → hidden → V(s), stored after the policy network in θ.
  let valueNetwork: MLP

  init(hyperparameters: Hyperparameters, spec: EnvSpec) {
    hyper = hyperparameters
    self.spec = spec
    actions = GaussianActions(spec)
    policyNetwork = MLP(inputs: spec.observationSize, hidden: hyperparameters.hidden, outputs: 2 * actions.dimensions,
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
    // Small output weights: μ ≈ 0 and σ² ≈ softplus(0) ≈ 0.69 at the start;
    // both networks from one stream, the policy's first.
    initialTheta(count: parameterCount, seed: seed) { theta, rng in
      policyNetwork.initialize(&theta, rng: &rng, outputGain: 0.01)
      valueNetwork.initialize(&theta, rng: &rng, outputGain: 0.01)
    }
  }

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)
    train(&envs, link: &link, seed: seed)
  }

  /// One worker over K environments in lockstep (as ActorCriticLearner:
  /// K = 1 stops at the episode's end, K > 1 restarts it and cuts the
  /// returns there). Allocates nothing once running.
  func train(_ envs: inout EnvironmentBatch, link: inout WorkerLink, seed: UInt64) {
    let n = hyper.nSteps
    let K = envs.count
    let D = actions.dimensions
    let gamma = Float(hyper.gamma)
    let lambda = Float(hyper.gaeLambda)
    let beta = Float(hyper.entropyCoefficient)
    let valueWeight = Float(hyper.valueCoefficient)
    let maxNorm = Float(hyper.maxGradientNorm)

    var rng = link.trainingRandomSource(seed: seed)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    // Row t·K + k: step t of environment k; value rows n·K + k: bootstrap states.
    var policyWork: MLPWorkspace<Float> = policyNetwork.makeWorkspace(maxBatch: n * K)
    var valueWork: MLPWorkspace<Float> = valueNetwork.makeWorkspace(maxBatch: (n + 1) * K)
    var envAction = [Float](repeating: 0, count: D)
    var sampled = [Float](repeating: 0, count: n * K * D)   // unclipped a_i, row-major
    var rewards = [Float](repeating: 0, count: n * K)
    var values = [Float](repeating: 0, count: n * K)
    var advantages = [Float](repeating: 0, count: n * K)
    var returns = [Float](repeating: 0, count: n * K)
    var ends = [EpisodeEnd](repeating: .running, count: n * K)
    var truncationValues = [Float](repeating: 0, count: n * K)
    var bootstraps = [Float](repeating: 0, count: K)
    var finished = FinishedEpisodes(capacity: n * K)

    /// V(s; θ′) of environment k's current observation (value row n·K + k).
    func value(_ k: Int, _ envs: EnvironmentBatch, _ work: inout MLPWorkspace<Float>) -> Float {
      valueNetwork.forward(params: thetaLocal, input: envs.observations, inputOffset: k * envs.observationSize,
                           row: n * K + k, workspace: &work)
      return work.output(row: n * K + k, index: 0)
    }

    envs.resetAll(rng: &rng)
    while !link.shouldStop {
      // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing)
      link.pullParameters(into: &thetaLocal)

      // ALGO: rollout of up to n steps with a ~ N(μ(s; θ′), σ²(s; θ′))
      var steps = 0
      var episodeOver = false
      while steps < n && !episodeOver {
        let first = steps * K
        policyNetwork.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                              firstRow: first, workspace: &policyWork)
        valueNetwork.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                             firstRow: first, workspace: &valueWork)
        for k in 0..<K {
          let row = first + k
          actions.choose(from: policyWork, row: row, greedy: false, rng: &rng,
                         raw: &sampled, rawOffset: row * D, action: &envAction)
          let outcome = envs.step(k, continuous: envAction)
          rewards[row] = Float(outcome.reward)
          ends[row] = outcome.terminated ? .terminated : outcome.truncated ? .truncated : .running
          if outcome.done {
            let e = envs.takeEpisode(k)
            finished.add(total: e.total, length: e.length, offset: row + 1)
            if K == 1 {
              episodeOver = true
            } else {
              if !outcome.terminated { truncationValues[row] = value(k, envs, &valueWork) }
              envs.reset(k, rng: &rng)
            }
          }
        }
        steps += 1
      }
      let rows = steps * K
      let stepsBefore = link.addSteps(rows)
      link.saveRandomState(rng)

      // ALGO: R = 0 for a terminal state, else V(s_t; θ′) (truncation too)
      if K == 1 {
        bootstraps[0] = 0
        if ends[steps - 1] != .terminated {
          bootstraps[0] = value(0, envs, &valueWork)
          truncationValues[steps - 1] = bootstraps[0]
        }
      } else {
        valueNetwork.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                             firstRow: n * K, workspace: &valueWork)
        for k in 0..<K { bootstraps[k] = valueWork.output(row: n * K + k, index: 0) }
      }
      finished.publish(to: &link, globalStepsBefore: stepsBefore)
      if episodeOver { envs.reset(0, rng: &rng) }

      // ALGO: backwards R ← r_i + γR, A_i = R − V(s_i) (GAE with λ < 1)
      for i in 0..<rows { values[i] = valueWork.output(row: i, index: 0) }
      Returns.generalizedAdvantages(
        rewards: rewards, values: values, ends: ends, truncationValues: truncationValues,
        steps: steps, environments: K, bootstraps: bootstraps, gamma: gamma, lambda: lambda,
        advantages: &advantages, returns: &returns)
      // Sums for train.csv: the losses and the entropy of the joint (diagonal)
      // Gaussian, i.e. summed over the action dimensions, per step.
      var sums = LossSums()
      for i in 0..<rows {
        // policy: −log N(a_i; μ, σ²)·A_i − β·H into ∂/∂μ and ∂/∂ρ
        actions.writePolicyGradients(&policyWork, row: i, sampled: sampled, sampledOffset: i * D,
                                     advantage: advantages[i], entropyCoefficient: beta, sums: &sums)
        // value: c·(R_i − V(s_i))²
        let value = ValueLoss.lossAndGradient(value: values[i], target: returns[i], coefficient: valueWeight)
        valueWork.setOutputGradient(row: i, index: 0, value: value.gradient)
        sums.valueLoss += value.loss
        sums.tdError += abs(returns[i] - values[i])
      }

      // ALGO: dθ ← ∂(losses)/∂θ′ for both networks (disjoint parts of dθ)
      for j in dTheta.indices { dTheta[j] = 0 }
      policyNetwork.backward(params: thetaLocal, batch: rows, workspace: &policyWork, gradients: &dTheta)
      valueNetwork.backward(params: thetaLocal, batch: rows, workspace: &valueWork, gradients: &dTheta)
      // The --delay, then HOGWILD: lock-free apply of dθ to the shared θ
      // (a gradient that is not finite is dropped; ClippedGradientPush.swift)
      link.clipAndPush(&dTheta, maxNorm: maxNorm, hyper: hyper, step: stepsBefore + UInt64(rows),
                       refreshing: &thetaLocal) { sums.statistics(rows: rows, norm: $0, maxNorm: maxNorm) }
    }
  }
}
