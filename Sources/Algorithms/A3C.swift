// A3C.swift — asynchronous advantage actor-critic.
//
// Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning",
// Algorithm S3 (https://arxiv.org/abs/1602.01783).
//
// Shared (in the segment): θ, the shared RMSProp statistics g, T and U.
// Local (per worker process): θ′, the gradient dθ, the environment, the RNG.
// Known races, by design: θ may change while a worker copies it (the copy is
// of no single moment) and two workers' writes to θ and g may interleave so
// that one is lost (Hogwild!). `--update atomic|locked` removes the second.
//
// The network is one MLP with a shared torso and a linear output layer of
// |A| + 1 units: the first |A| are the policy logits, the last is V(s).

import Envs
import HogwildSegment
import TinyNN

struct A3C: SingleNetworkAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  let actionCount: Int
  let network: MLP

  init(hyperparameters: Hyperparameters, spec: EnvSpec) {
    hyper = hyperparameters
    self.spec = spec
    actionCount = spec.discreteActionCount
    precondition(actionCount > 0, "A3C here needs a discrete action space")
    network = MLP(inputs: spec.observationSize, hidden: hyperparameters.hidden,
                  outputs: actionCount + 1, activation: hyperparameters.activation,
                  name: "actor_critic")
  }

  var targetParameterCount: Int { 0 }

  func runWorker(link: inout WorkerLink, environment: any Environment, seed: UInt64) {
    var env = environment
    train(&env, link: &link, seed: seed)
  }

  /// One worker, specialised for its environment type (no dynamic dispatch
  /// in the loop). Allocates nothing once running.
  func train<E: Environment>(_ env: inout E, link: inout WorkerLink, seed: UInt64) {
    let n = hyper.nSteps
    let gamma = Float(hyper.gamma)
    let lambda = Float(hyper.gaeLambda)
    let beta = Float(hyper.entropyCoefficient)
    let valueWeight = Float(hyper.valueCoefficient)
    let maxNorm = Float(hyper.maxGradientNorm)
    let valueIndex = actionCount

    var rng = link.trainingRandomSource(seed: seed)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    // Rows 0..<n hold the rollout; row n the bootstrap state.
    var work: MLPWorkspace<Float> = network.makeWorkspace(maxBatch: n + 1)
    var observation = [Float](repeating: 0, count: spec.observationSize)
    var probabilities = [Float](repeating: 0, count: actionCount)
    var actions = [Int](repeating: 0, count: n)
    var rewards = [Float](repeating: 0, count: n)
    var values = [Float](repeating: 0, count: n)
    var advantages = [Float](repeating: 0, count: n)
    var returns = [Float](repeating: 0, count: n)
    var episodeReturn = 0.0
    var episodeLength = 0

    env.reset(rng: &rng, observation: &observation)
    while !link.shouldStop {
      // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing)
      link.pullParameters(into: &thetaLocal)

      // ALGO: rollout of up to n steps with a ~ π(·|s; θ′)
      var steps = 0
      var terminated = false
      var episodeOver = false
      while steps < n {
        network.forward(params: thetaLocal, input: observation, row: steps, workspace: &work)
        CategoricalPolicy.softmax(logits: work.activations, offset: work.outputOffset(row: steps),
                                  count: actionCount, into: &probabilities)
        let a = CategoricalPolicy.sample(probs: probabilities, count: actionCount, uniform: rng.nextUnitFloat())
        let outcome = env.step(action: a, observation: &observation)
        actions[steps] = a
        rewards[steps] = Float(outcome.reward)
        episodeReturn += outcome.reward
        episodeLength += 1
        steps += 1
        if outcome.done {
          // Gymnasium may report both at step 500: termination wins.
          terminated = outcome.terminated
          episodeOver = true
          break
        }
      }
      let stepsBefore = link.addSteps(steps)
      link.saveRandomState(rng)

      // ALGO: R = 0 for a terminal state, else V(s_t; θ′) — a time-limit
      // truncation is not terminal, so it bootstraps too.
      var R: Float = 0
      if !terminated {
        network.forward(params: thetaLocal, input: observation, row: steps, workspace: &work)
        R = work.output(row: steps, index: valueIndex)
      }
      if episodeOver {
        link.finishEpisode(return: episodeReturn, length: episodeLength,
                           globalStep: stepsBefore + UInt64(steps))
        episodeReturn = 0
        episodeLength = 0
        env.reset(rng: &rng, observation: &observation)
      }

      // ALGO: backwards over the rollout: R ← r_i + γR and A_i = R − V(s_i)
      // (with --gae-lambda < 1, GAE's advantages and λ-returns instead)
      for i in 0..<steps { values[i] = work.output(row: i, index: valueIndex) }
      Returns.generalizedAdvantages(
        rewards: rewards, values: values, count: steps, bootstrap: R, gamma: gamma, lambda: lambda,
        advantages: &advantages, returns: &returns)
      for i in 0..<steps {
        // policy: −log π(a_i|s_i)·A_i − β·H(π(·|s_i)) into the logits' gradient
        _ = CategoricalPolicy.lossAndLogitGradient(
          logits: work.activations, offset: work.outputOffset(row: i), count: actionCount,
          action: actions[i], advantage: advantages[i], entropyCoefficient: beta,
          probabilities: &probabilities, gradient: &work.outputGradient,
          gradientOffset: work.outputGradientOffset(row: i))
        // value: c·(R_i − V(s_i))²
        let valueGrad = ValueLoss.lossAndGradient(value: values[i], target: returns[i], coefficient: valueWeight).gradient
        work.setOutputGradient(row: i, index: valueIndex, value: valueGrad)
      }

      // ALGO: dθ ← ∂(losses)/∂θ′, one backward pass over the whole rollout
      for j in dTheta.indices { dTheta[j] = 0 }
      network.backward(params: thetaLocal, batch: steps, workspace: &work, gradients: &dTheta)
      let norm = clipGradientNorm(&dTheta, maxNorm: maxNorm)
      guard norm.isFinite else {
        // Never write NaN or ±Inf into θ; count it and go on.
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
