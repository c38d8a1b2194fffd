// ActorCriticLearner.swift — the parts A3C and A2C share: a rollout of up to
// n steps with a ~ π(·|s; θ′), then the advantage actor-critic gradient
// (Mnih et al. 2016, Algorithm S3, lines "perform a_t according to π" through
// "accumulate gradients"). The two algorithms differ only in how θ′ is read
// and how dθ reaches θ, which their own files spell out.
//
// The network is one MLP with a shared torso and a linear output layer of
// |A| + 1 units: the first |A| are the policy logits, the last is V(s).

import Envs
import HogwildSegment
import TinyNN

/// One actor-critic worker's local state: θ′, dθ, the rollout buffers and
/// the episode in progress. Allocates nothing after `init`.
struct ActorCriticLearner<Net: Network> {
  let network: Net
  let actionCount: Int
  let n: Int
  let gamma: Float
  let lambda: Float
  let beta: Float
  let valueWeight: Float
  let maxNorm: Float

  /// θ′, the worker's copy of θ.
  var thetaLocal: [Float]
  /// dθ, the gradient of the rollout's losses at θ′.
  var dTheta: [Float]
  // Rows 0..<n of the workspace hold the rollout; row n the bootstrap state.
  var work: NetworkWorkspace<Float>
  var observation: [Float]
  var probabilities: [Float]
  var actions: [Int]
  var rewards: [Float]
  var values: [Float]
  var advantages: [Float]
  var returns: [Float]
  var episode = EpisodeTally()
  /// The last gradient's statistics (means over the rollout).
  var statistics = GradientStatistics(gradientNorm: 0, clipped: false, tdError: 0)

  // The last rollout.
  /// Steps taken (≤ n; fewer when an episode ended).
  var steps = 0
  /// T before the rollout's steps were added.
  var globalStepsBefore: UInt64 = 0
  /// R: 0 after a terminal state, else V(s_t; θ′) (also after truncation).
  var bootstrap: Float = 0

  init(network: Net, actionCount: Int, hyper: Hyperparameters, observationSize: Int) {
    self.network = network
    self.actionCount = actionCount
    n = hyper.nSteps
    gamma = Float(hyper.gamma)
    lambda = Float(hyper.gaeLambda)
    beta = Float(hyper.entropyCoefficient)
    valueWeight = Float(hyper.valueCoefficient)
    maxNorm = Float(hyper.maxGradientNorm)
    thetaLocal = [Float](repeating: 0, count: network.parameterCount)
    dTheta = [Float](repeating: 0, count: network.parameterCount)
    work = network.makeWorkspace(maxBatch: n + 1)
    observation = [Float](repeating: 0, count: observationSize)
    probabilities = [Float](repeating: 0, count: actionCount)
    actions = [Int](repeating: 0, count: n)
    rewards = [Float](repeating: 0, count: n)
    values = [Float](repeating: 0, count: n)
    advantages = [Float](repeating: 0, count: n)
    returns = [Float](repeating: 0, count: n)
  }

  /// Runs up to n steps with a ~ π(·|s; θ′) (to the episode's end if that
  /// comes first), counts them in T and t, publishes a finished episode and
  /// sets `bootstrap`: R = 0 for a terminal state, else V(s_t; θ′) — a
  /// time-limit truncation is not terminal, so it bootstraps too.
  mutating func rollout(_ env: inout any Environment, rng: inout Xoshiro256, link: inout WorkerLink) {
    var terminated = false
    var episodeOver = false
    steps = 0
    while steps < n {
      network.forward(params: thetaLocal, input: observation, row: steps, workspace: &work)
      CategoricalPolicy.softmax(logits: work.activations, offset: work.outputOffset(row: steps),
                                count: actionCount, into: &probabilities)
      let a = CategoricalPolicy.sample(probs: probabilities, count: actionCount, uniform: rng.nextUnitFloat())
      let outcome = env.step(action: a, observation: &observation)
      actions[steps] = a
      rewards[steps] = Float(outcome.reward)
      episode.add(outcome.reward)
      steps += 1
      if outcome.done {
        // Gymnasium may report both at step 500: termination wins.
        terminated = outcome.terminated
        episodeOver = true
        break
      }
    }
    globalStepsBefore = link.addSteps(steps)
    link.saveRandomState(rng)

    bootstrap = 0
    if !terminated {
      network.forward(params: thetaLocal, input: observation, row: steps, workspace: &work)
      bootstrap = work.output(row: steps, index: actionCount)
    }
    if episodeOver {
      episode.publish(to: &link, globalStep: globalStepsBefore + UInt64(steps))
      env.reset(rng: &rng, observation: &observation)
    }
  }

  /// dθ ← ∂(losses)/∂θ′ over the last rollout: backwards R ← r_i + γR and
  /// A_i = R − V(s_i) (GAE's advantages and λ-returns with λ < 1); policy
  /// loss −log π(a_i|s_i)·A_i − β·H(π(·|s_i)), value loss c·(R_i − V(s_i))²;
  /// then the global norm is clipped. Returns false (dθ unusable) if the
  /// gradient is not finite.
  mutating func computeGradient() -> Bool {
    let valueIndex = actionCount
    for i in 0..<steps { values[i] = work.output(row: i, index: valueIndex) }
    Returns.generalizedAdvantages(
      rewards: rewards, values: values, count: steps, bootstrap: bootstrap, gamma: gamma, lambda: lambda,
      advantages: &advantages, returns: &returns)
    var policyLoss: Float = 0, valueLoss: Float = 0, entropy: Float = 0, tdError: Float = 0
    for i in 0..<steps {
      policyLoss += CategoricalPolicy.lossAndLogitGradient(
        logits: work.activations, offset: work.outputOffset(row: i), count: actionCount,
        action: actions[i], advantage: advantages[i], entropyCoefficient: beta,
        probabilities: &probabilities, gradient: &work.outputGradient,
        gradientOffset: work.outputGradientOffset(row: i))
      entropy += CategoricalPolicy.entropy(probs: probabilities, count: actionCount)
      let value = ValueLoss.lossAndGradient(value: values[i], target: returns[i], coefficient: valueWeight)
      valueLoss += value.loss
      tdError += abs(returns[i] - values[i])
      work.setOutputGradient(row: i, index: valueIndex, value: value.gradient)
    }
    // One backward pass over the whole rollout.
    for j in dTheta.indices { dTheta[j] = 0 }
    network.backward(params: thetaLocal, batch: steps, workspace: &work, gradients: &dTheta)
    let norm = clipGradientNorm(&dTheta, maxNorm: maxNorm)
    let n = Double(max(steps, 1))
    statistics = GradientStatistics(
      policyLoss: Double(policyLoss) / n, valueLoss: Double(valueLoss) / n, entropy: Double(entropy) / n,
      gradientNorm: Double(norm), clipped: maxNorm > 0 && norm > maxNorm, tdError: Double(tdError) / n)
    return norm.isFinite
  }
}
