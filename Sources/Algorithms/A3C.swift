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
// The loop makes every shared-memory call of a worker; the learner below it
// computes the rollout and dθ locally (A2C.swift runs the same learner in
// its barrier rounds). Both serve every actor-critic network: feed-forward,
// split (Box actions) or recurrent (`--net lstm`), ActorCriticNetwork.swift,
// under a categorical or Gaussian policy, PolicyHead.swift.
//
// With --envs-per-worker K the worker steps K environments in lockstep: one
// K-row forward pass per step, and one gradient over the K·n rows
// (RolloutBuffer.swift says how episodes that end inside a rollout are cut).

import BuiltInEnvs
import HogwildLink
import TinyNN

/// Algorithm S3's loop for one worker. Allocates nothing.
func runA3C<Model, Head>(
  _ learner: inout ActorCriticLearner<Model, Head>, _ envs: inout EnvironmentBatch, rng: inout Xoshiro256,
  link: inout WorkerLink, hyper: Hyperparameters
) {
  while !link.shouldStop {
    // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing)
    link.pullParameters(into: &learner.thetaLocal)

    // ALGO: rollout of up to t_max steps with a ~ π(·|s; θ′) (in each of K envs);
    // R = 0 for a terminal s_t, else V(s_t; θ′)
    learner.rollout(&envs, rng: &rng)

    // COUNT: T ← T + steps, t ← t + steps; the episodes that ended go to the supervisor
    let stepsBefore = link.countRollout(learner.rows, episodes: &learner.buffer.finished, rng: rng)

    // ALGO: backwards over the rollout R ← r_i + γR, A_i = R − V(s_i);
    // dθ ← ∇θ′ of −log π(a_i|s_i)·A_i − β·H(π) + c·(R − V(s_i))²
    learner.computeGradient()

    // HOGWILD: clip dθ, wait the --delay, lock-free apply of dθ to the
    // shared θ (a gradient that is not finite is dropped)
    link.pushClippedGradient(&learner, step: stepsBefore + UInt64(learner.rows), hyper: hyper)
  }
}

/// One actor-critic worker's local state: θ′, dθ, the rollout buffer and
/// the network's workspace. Allocates nothing after `init`.
struct ActorCriticLearner<Model: ActorCriticNetwork, Head: PolicyHead>: LocalGradient {
  let model: Model
  /// π: its actions, the rollout's choices.
  var head: Head
  let gamma: Float
  let lambda: Float
  let beta: Float
  let valueWeight: Float

  /// θ′, the worker's copy of θ.
  var thetaLocal: [Float]
  /// dθ, the gradient of the last rollout's losses at θ′ (not clipped).
  var dTheta: [Float]
  var buffer: RolloutBuffer
  /// Row t·K + k: step t of environment k; rows n·K + k: bootstrap states.
  var work: Model.Workspace
  var values: [Float]
  var advantages: [Float]
  var returns: [Float]
  /// The last gradient's summed losses.
  var losses = LossSums()
  /// The next rollout starts a learning episode: a recurrent state starts
  /// from zero (and, K = 1, the environment was reset first unless only a
  /// life was lost; not the first time, `resetAll` did).
  var episodeStarts = true

  init(model: Model, head: Head, hyper: Hyperparameters, envCount K: Int) {
    precondition(!Model.isRecurrent || K == 1, "a recurrent network steps one environment per worker")
    let n = hyper.nSteps
    self.model = model
    self.head = head
    gamma = Float(hyper.gamma)
    lambda = Float(hyper.gaeLambda)
    beta = Float(hyper.entropyCoefficient)
    valueWeight = Float(hyper.valueCoefficient)
    thetaLocal = [Float](repeating: 0, count: model.parameterCount)
    dTheta = [Float](repeating: 0, count: model.parameterCount)
    buffer = RolloutBuffer(steps: n, environments: K)
    work = model.makeWorkspace(rows: (n + 1) * K)
    self.head.prepare(rows: n * K)
    values = [Float](repeating: 0, count: n * K)
    advantages = [Float](repeating: 0, count: n * K)
    returns = [Float](repeating: 0, count: n * K)
  }

  /// Environment steps of the last rollout (rows of the gradient).
  var rows: Int { buffer.rows }

  /// Up to n lockstep steps with a ~ π(·|s; θ′) and each environment's
  /// bootstrap: R = 0 for a terminal state (or a lost life), else V(s; θ′)
  /// — a time-limit truncation is not terminal, so it bootstraps too. K = 1
  /// stops at the episode's end (the paper) and resets the environment at
  /// the start of the next rollout (not after a lost life: the game goes
  /// on); K > 1 restarts an ended episode and goes on.
  mutating func rollout(_ envs: inout EnvironmentBatch, rng: inout Xoshiro256) {
    let K = buffer.envCount, n = buffer.n
    if buffer.environmentEnded { envs.reset(0, rng: &rng) }
    model.startSequence(&work, newEpisode: episodeStarts, lastRow: buffer.steps - 1)
    buffer.start()
    while buffer.continues {
      let first = buffer.steps * K
      model.forward(params: thetaLocal, observations: envs, from: 0, rows: K, firstRow: first, workspace: &work)
      for k in 0..<K {
        let row = first + k
        let outcome = model.act(&head, work, row: row, rng: &rng, envs: &envs, k: k)
        if buffer.record(outcome, row: row, of: k, &envs) {
          if !outcome.terminated { buffer.truncationValues[row] = value(of: envs, k, row: n * K + k) }
          envs.reset(k, rng: &rng)
        }
      }
      buffer.steps += 1
    }
    // V of the last states (K = 1: row `steps`, which for a recurrent
    // network is one more step of the same sequence).
    if K == 1 {
      let R = buffer.endsTerminal ? 0 : value(of: envs, 0, row: buffer.steps)
      buffer.bootstrap(R)
    } else {
      model.forwardValues(params: thetaLocal, observations: envs, from: 0, rows: K, firstRow: n * K,
                          workspace: &work)
      for k in 0..<K { buffer.bootstraps[k] = model.value(work, row: n * K + k) }
    }
    episodeStarts = buffer.episodeEnded
  }

  /// V(s; θ′) of environment k's current observation, through `row`.
  private mutating func value(of envs: EnvironmentBatch, _ k: Int, row: Int) -> Float {
    model.forwardValues(params: thetaLocal, observations: envs, from: k, rows: 1, firstRow: row, workspace: &work)
    return model.value(work, row: row)
  }

  /// dθ ← ∂(losses)/∂θ′ over the last rollout: backwards R ← r_i + γR and
  /// A_i = R − V(s_i) (GAE's advantages and λ-returns with λ < 1) per
  /// environment; policy loss −log π(a_i|s_i)·A_i − β·H(π(·|s_i)), value
  /// loss c·(R_i − V(s_i))²; their sums in `losses`.
  mutating func computeGradient() {
    for i in 0..<rows { values[i] = model.value(work, row: i) }
    Returns.generalizedAdvantages(buffer, values: values, gamma: gamma, lambda: lambda,
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
