// ActorCriticLearner.swift — the parts A3C and A2C share: a rollout of up to
// n steps with a ~ π(·|s; θ′), then the advantage actor-critic gradient
// (Mnih et al. 2016, Algorithm S3, lines "perform a_t according to π" through
// "accumulate gradients"). The two algorithms differ only in how θ′ is read
// and how dθ reaches θ, which their own files spell out.
//
// The network is one MLP with a shared torso and a linear output layer of
// |A| + 1 units: the first |A| are the policy logits, the last is V(s).
//
// With --envs-per-worker K the worker steps K environments in lockstep: one
// K-row forward pass per step, and one gradient over the K·n rows. K = 1 is
// the paper's rollout, which stops at the episode's end; with K > 1 every
// environment takes all n steps, one whose episode ends starts the next at
// once, and its returns are cut at the boundary (0 after a terminal state,
// V of the last state after a truncation).

import Envs
import HogwildSegment
import TinyNN

/// One actor-critic worker's local state: θ′, dθ, the rollout buffers and
/// the episodes in progress. Allocates nothing after `init`.
struct ActorCriticLearner<Net: Network>: ActorCriticRollouts {
  let network: Net
  let actionCount: Int
  let n: Int
  /// K, the environments stepped in lockstep.
  let envCount: Int
  let gamma: Float
  let lambda: Float
  let beta: Float
  let valueWeight: Float
  let maxNorm: Float

  /// θ′, the worker's copy of θ.
  var thetaLocal: [Float]
  /// dθ, the gradient of the rollout's losses at θ′.
  var dTheta: [Float]
  // Row t·K + k of the workspace holds step t of environment k (t < n);
  // rows n·K + k the bootstrap states.
  var work: NetworkWorkspace<Float>
  var probabilities: [Float]
  var actions: [Int]
  var rewards: [Float]
  var values: [Float]
  var advantages: [Float]
  var returns: [Float]
  /// How each row's step left its episode, and for a truncation V(s) of
  /// the state it reached.
  var ends: [EpisodeEnd]
  var truncationValues: [Float]
  /// R per environment: 0 after a terminal state, else V(s_n; θ′).
  var bootstraps: [Float]
  var finished: FinishedEpisodes
  /// The last gradient's statistics (means over the rollout).
  var statistics = GradientStatistics(gradientNorm: 0, clipped: false, tdError: 0)

  // The last rollout.
  /// Lockstep steps taken (≤ n; fewer only with K = 1, when an episode ended).
  var steps = 0
  /// T before the rollout's steps were added.
  var globalStepsBefore: UInt64 = 0
  /// Environment steps of the rollout, K·steps (what T advanced by).
  var rows: Int { steps * envCount }

  init(network: Net, actionCount: Int, hyper: Hyperparameters, envCount: Int = 1) {
    precondition(envCount >= 1)
    self.network = network
    self.actionCount = actionCount
    self.envCount = envCount
    n = hyper.nSteps
    gamma = Float(hyper.gamma)
    lambda = Float(hyper.gaeLambda)
    beta = Float(hyper.entropyCoefficient)
    valueWeight = Float(hyper.valueCoefficient)
    maxNorm = Float(hyper.maxGradientNorm)
    thetaLocal = [Float](repeating: 0, count: network.parameterCount)
    dTheta = [Float](repeating: 0, count: network.parameterCount)
    work = network.makeWorkspace(maxBatch: (n + 1) * envCount)
    probabilities = [Float](repeating: 0, count: actionCount)
    let rowCount = n * envCount
    actions = [Int](repeating: 0, count: rowCount)
    rewards = [Float](repeating: 0, count: rowCount)
    values = [Float](repeating: 0, count: rowCount)
    advantages = [Float](repeating: 0, count: rowCount)
    returns = [Float](repeating: 0, count: rowCount)
    ends = [EpisodeEnd](repeating: .running, count: rowCount)
    truncationValues = [Float](repeating: 0, count: rowCount)
    bootstraps = [Float](repeating: 0, count: envCount)
    finished = FinishedEpisodes(capacity: rowCount)
  }

  /// Runs up to n lockstep steps with a ~ π(·|s; θ′), counts them in T and
  /// t, publishes finished episodes and sets each environment's bootstrap:
  /// R = 0 for a terminal state, else V(s; θ′) — a time-limit truncation is
  /// not terminal, so it bootstraps too. K = 1 stops at the episode's end
  /// (the paper); K > 1 restarts an ended episode and goes on.
  mutating func rollout(_ envs: inout EnvironmentBatch, rng: inout Xoshiro256, link: inout WorkerLink) {
    let K = envCount
    var episodeOver = false
    steps = 0
    while steps < n && !episodeOver {
      let first = steps * K
      network.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                      firstRow: first, workspace: &work)
      for k in 0..<K {
        let row = first + k
        CategoricalPolicy.softmax(logits: work.activations, offset: work.outputOffset(row: row),
                                  count: actionCount, into: &probabilities)
        let a = CategoricalPolicy.sample(probs: probabilities, count: actionCount, uniform: rng.nextUnitFloat())
        let outcome = envs.step(k, action: a)
        actions[row] = a
        rewards[row] = Float(outcome.reward)
        // Gymnasium may report both at step 500: termination wins.
        ends[row] = outcome.terminated ? .terminated : outcome.truncated ? .truncated : .running
        if outcome.done {
          let e = envs.takeEpisode(k)
          finished.add(total: e.total, length: e.length, offset: row + 1)
          if K == 1 {
            episodeOver = true
          } else {
            if !outcome.terminated { truncationValues[row] = value(of: envs, k) }
            envs.reset(k, rng: &rng)
          }
        }
      }
      steps += 1
    }
    globalStepsBefore = link.addSteps(rows)
    link.saveRandomState(rng)

    // Bootstraps for the rollout's last states (K = 1: not after a terminal one).
    if K == 1 {
      bootstraps[0] = 0
      if ends[steps - 1] != .terminated {
        bootstraps[0] = value(of: envs, 0)
        truncationValues[steps - 1] = bootstraps[0]
      }
    } else {
      network.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                      firstRow: n * K, workspace: &work)
      for k in 0..<K { bootstraps[k] = work.output(row: n * K + k, index: actionCount) }
    }
    finished.publish(to: &link, globalStepsBefore: globalStepsBefore)
    if episodeOver { envs.reset(0, rng: &rng) }
  }

  /// V(s; θ′) of environment k's current observation (through bootstrap row n·K + k).
  private mutating func value(of envs: EnvironmentBatch, _ k: Int) -> Float {
    let row = n * envCount + k
    network.forward(params: thetaLocal, input: envs.observations, inputOffset: k * envs.observationSize,
                    row: row, workspace: &work)
    return work.output(row: row, index: actionCount)
  }

  /// dθ ← ∂(losses)/∂θ′ over the last rollout: backwards R ← r_i + γR and
  /// A_i = R − V(s_i) (GAE's advantages and λ-returns with λ < 1) per
  /// environment; policy loss −log π(a_i|s_i)·A_i − β·H(π(·|s_i)), value
  /// loss c·(R_i − V(s_i))²; then the global norm is clipped. Returns false
  /// (dθ unusable) if the gradient is not finite.
  mutating func computeGradient() -> Bool {
    let valueIndex = actionCount
    for i in 0..<rows { values[i] = work.output(row: i, index: valueIndex) }
    Returns.generalizedAdvantages(
      rewards: rewards, values: values, ends: ends, truncationValues: truncationValues,
      steps: steps, environments: envCount, bootstraps: bootstraps, gamma: gamma, lambda: lambda,
      advantages: &advantages, returns: &returns)
    let sums = ActorCriticLoss.writeOutputGradients(
      rows: rows, actionCount: actionCount, actions: actions, values: values, advantages: advantages,
      returns: returns, entropyCoefficient: beta, valueWeight: valueWeight,
      probabilities: &probabilities, workspace: &work)
    // One backward pass over the whole rollout.
    for j in dTheta.indices { dTheta[j] = 0 }
    network.backward(params: thetaLocal, batch: rows, workspace: &work, gradients: &dTheta)
    let norm = clipGradientNorm(&dTheta, maxNorm: maxNorm)
    statistics = sums.statistics(rows: rows, norm: norm, maxNorm: maxNorm)
    return norm.isFinite
  }
}
