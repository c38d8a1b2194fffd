// ActorCriticLearner.swift — one actor-critic worker's local computation
// (Mnih et al. 2016, Algorithm S3, lines "perform a_t according to π"
// through "accumulate gradients"): a rollout of up to n steps with
// a ~ π(·|s; θ′), then the advantage actor-critic gradient. It never touches
// shared memory: the loops (A3C.swift, A2C.swift) read θ into θ′, count the
// rollout's steps, publish its episodes and apply dθ.
//
// With --envs-per-worker K the worker steps K environments in lockstep: one
// K-row forward pass per step, and one gradient over the K·n rows. K = 1 is
// the paper's rollout, which stops at the episode's end; with K > 1 every
// environment takes all n steps, one whose episode ends starts the next at
// once, and its returns are cut at the boundary (0 after a terminal state,
// V of the last state after a truncation).
//
// The network (feed-forward, split or recurrent) is an ActorCriticNetwork,
// the policy (categorical or Gaussian) a PolicyHead.

import Envs
import HogwildSegment
import TinyNN

/// θ′, dθ, the rollout buffers and the episodes that ended in the last
/// rollout. Allocates nothing after `init`.
struct ActorCriticLearner<Model: ActorCriticNetwork, Head: PolicyHead>: LocalGradient {
  let model: Model
  var head: Head
  let n: Int
  /// K, the environments stepped in lockstep.
  let envCount: Int
  let gamma: Float
  let lambda: Float
  let beta: Float
  let valueWeight: Float

  /// θ′, the worker's copy of θ.
  var thetaLocal: [Float]
  /// dθ, the gradient of the last rollout's losses at θ′ (not clipped).
  var dTheta: [Float]
  /// Row t·K + k holds step t of environment k (t < n); rows after the
  /// rollout's hold the bootstrap states.
  var work: Model.Workspace
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
  /// The last gradient's summed losses.
  var losses = LossSums()

  /// Lockstep steps of the last rollout (≤ n; fewer only with K = 1, when
  /// an episode ended).
  var steps = 0
  /// Environment steps of the last rollout, K·steps (rows of the gradient).
  var rows: Int { steps * envCount }
  /// K = 1: the last rollout ended the episode; the next one resets the
  /// environment first (and, recurrent, the state).
  var episodeEnded = false
  /// The next rollout starts an episode (the recurrent state from zero).
  var episodeStarts = true

  init(model: Model, head: Head, hyper: Hyperparameters, envCount: Int) {
    precondition(envCount >= 1)
    precondition(!Model.isRecurrent || envCount == 1, "a recurrent network steps one environment per worker")
    self.model = model
    self.head = head
    self.envCount = envCount
    n = hyper.nSteps
    gamma = Float(hyper.gamma)
    lambda = Float(hyper.gaeLambda)
    beta = Float(hyper.entropyCoefficient)
    valueWeight = Float(hyper.valueCoefficient)
    thetaLocal = [Float](repeating: 0, count: model.parameterCount)
    dTheta = [Float](repeating: 0, count: model.parameterCount)
    work = model.makeWorkspace(rows: (n + 1) * envCount)
    let rowCount = n * envCount
    self.head.prepare(rows: rowCount)
    rewards = [Float](repeating: 0, count: rowCount)
    values = [Float](repeating: 0, count: rowCount)
    advantages = [Float](repeating: 0, count: rowCount)
    returns = [Float](repeating: 0, count: rowCount)
    ends = [EpisodeEnd](repeating: .running, count: rowCount)
    truncationValues = [Float](repeating: 0, count: rowCount)
    bootstraps = [Float](repeating: 0, count: envCount)
    finished = FinishedEpisodes(capacity: rowCount)
  }

  /// Runs up to n lockstep steps with a ~ π(·|s; θ′), collects the episodes
  /// that end in `finished`, and sets each environment's bootstrap: R = 0
  /// for a terminal state, else V(s; θ′) — a time-limit truncation is not
  /// terminal, so it bootstraps too. K = 1 stops at the episode's end (the
  /// paper) and starts the next episode with the next rollout; K > 1
  /// restarts an ended episode and goes on.
  mutating func rollout(_ envs: inout EnvironmentBatch, rng: inout Xoshiro256) {
    let K = envCount
    if episodeEnded { envs.reset(0, rng: &rng) }
    model.startSequence(&work, newEpisode: episodeStarts, lastRow: steps - 1)
    episodeEnded = false
    episodeStarts = false
    steps = 0
    while steps < n && !episodeEnded {
      let first = steps * K
      model.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K, firstRow: first,
                    workspace: &work)
      for k in 0..<K {
        let row = first + k
        let outcome = model.act(&head, work, row: row, rng: &rng, envs: &envs, k: k)
        rewards[row] = Float(outcome.reward)
        // Gymnasium may report both at step 500: termination wins.
        ends[row] = outcome.terminated ? .terminated : outcome.truncated ? .truncated : .running
        if outcome.done {
          let e = envs.takeEpisode(k)
          finished.add(total: e.total, length: e.length, offset: row + 1)
          if K == 1 {
            episodeEnded = true
          } else {
            if !outcome.terminated { truncationValues[row] = value(of: envs, k, row: n * K + k) }
            envs.reset(k, rng: &rng)
          }
        }
      }
      steps += 1
    }

    // Bootstraps for the rollout's last states (K = 1: not after a terminal
    // one; recurrent: one more step of the sequence, row `steps`).
    if K == 1 {
      bootstraps[0] = 0
      if ends[steps - 1] != .terminated {
        bootstraps[0] = value(of: envs, 0, row: steps)
        truncationValues[steps - 1] = bootstraps[0]
      }
    } else {
      model.forwardValues(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                          firstRow: n * K, workspace: &work)
      for k in 0..<K { bootstraps[k] = model.value(work, row: n * K + k) }
    }
    if episodeEnded { episodeStarts = true }
  }

  /// V(s; θ′) of environment k's current observation, through `row`.
  private mutating func value(of envs: EnvironmentBatch, _ k: Int, row: Int) -> Float {
    model.forwardValues(params: thetaLocal, input: envs.observations, inputOffset: k * envs.observationSize,
                        rows: 1, firstRow: row, workspace: &work)
    return model.value(work, row: row)
  }

  /// dθ ← ∂(losses)/∂θ′ over the last rollout: backwards R ← r_i + γR and
  /// A_i = R − V(s_i) (GAE's advantages and λ-returns with λ < 1) per
  /// environment; policy loss −log π(a_i|s_i)·A_i − β·H(π(·|s_i)), value
  /// loss c·(R_i − V(s_i))²; their sums in `losses`.
  mutating func computeGradient() {
    for i in 0..<rows { values[i] = model.value(work, row: i) }
    Returns.generalizedAdvantages(
      rewards: rewards, values: values, ends: ends, truncationValues: truncationValues,
      steps: steps, environments: envCount, bootstraps: bootstraps, gamma: gamma, lambda: lambda,
      advantages: &advantages, returns: &returns)
    var sums = LossSums()
    for i in 0..<rows {
      model.writePolicyGradient(&head, &work, row: i, advantage: advantages[i], entropyCoefficient: beta,
                                sums: &sums)
      let value = ValueLoss.lossAndGradient(value: values[i], target: returns[i], coefficient: valueWeight)
      sums.valueLoss += value.loss
      sums.tdError += abs(returns[i] - values[i])
      model.setValueGradient(&work, row: i, value.gradient)
    }
    losses = sums
    // One backward pass over the whole rollout.
    for j in dTheta.indices { dTheta[j] = 0 }
    model.backward(params: thetaLocal, rows: rows, workspace: &work, gradients: &dTheta)
  }
}
