// OneStepQ.swift — asynchronous one-step Q-learning and one-step Sarsa.
//
// Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning",
// Algorithm 1 (one-step Q) and its Sarsa variant (https://arxiv.org/abs/1602.01783).
//
// Shared and local state as in QN.swift. Per step: a ε-greedy on Q(s, ·);
// y = r at a terminal state, else r + γ·max_a' Q(s′, a′; θ⁻) (Q) or
// r + γ·Q(s′, a′; θ⁻) with a′ the action taken next (Sarsa); dθ accumulates
// ∂(y − Q(s, a))²/∂θ; every --async-update local steps, or at an episode's
// end, dθ is applied lock-free. Difference from the paper, for speed: actions
// and gradients use θ′, the local copy of θ refreshed by every apply (so at
// most --async-update steps old), not a fresh read of shared θ at each step.
//
// With --envs-per-worker K > 1 the worker steps K environments in lockstep:
// each step one K-row forward of θ′ on s (the rows the gradient needs), one
// on s′ to choose each environment's a′ (each its own draw, the worker's
// one ε), one of θ⁻ on s′ for the targets. An environment whose episode
// ended restarts at once and chooses its first action on the new state;
// the update comes every --async-update lockstep steps (K·I transitions),
// not at episode ends.
//
// The loop is n-step Q's (QN.swift): it makes every shared-memory call. The
// learner below takes the steps and computes the targets; it chooses each
// action one step ahead (a′ on s′), so an episode's first action is chosen
// before the episode's first step, on θ′ as the last update left it.

import BuiltInEnvs
import HogwildLink
import TinyNN

struct OneStepQ<Net: Network>: ValueBasedAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  /// |A| linear outputs, Q(s, ·; θ).
  let network: Net
  /// Sarsa: bootstrap from the action taken next rather than the greedy one.
  let sarsa: Bool

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    var learner = OneStepQLearner(network: network, hyper: hyper, sarsa: sarsa, envCount: environments.count)
    runAsynchronousQ(&learner, environments, link: &link, seed: seed, hyper: hyper)
  }
}

/// One one-step Q (or Sarsa) worker's steps between updates. Rows t·K + k
/// of the Q-workspace: Q(s, ·; θ′) of step t of environment k; rows I·K + k
/// are scratch for choosing a′. Allocates nothing after `init`.
struct OneStepQLearner<Net: Network>: QLearner {
  /// I, lockstep steps between updates.
  let stepsPerUpdate: Int
  /// K, the environments stepped in lockstep.
  let envCount: Int
  let gamma: Float
  let sarsa: Bool
  /// θ′, θ⁻, dθ and the batch of (a, y).
  var q: QFunction<Net>
  /// The action each environment takes next.
  var current: [Int]
  /// How the last step left each environment.
  var terminated: [Bool]
  var done: [Bool]
  var finished: FinishedEpisodes
  /// Lockstep steps since the last update.
  var steps = 0
  var rows: Int { steps * envCount }
  /// K = 1: the last step ended the episode (the update comes now, and
  /// the next episode starts after it).
  var episodeEnded = false
  /// The first scratch row, I·K.
  var scratch: Int { stepsPerUpdate * envCount }

  init(network: Net, hyper: Hyperparameters, sarsa: Bool, envCount K: Int) {
    stepsPerUpdate = hyper.asyncUpdate
    envCount = K
    gamma = Float(hyper.gamma)
    self.sarsa = sarsa
    let rowCount = hyper.asyncUpdate * K
    q = QFunction(network: network, loss: hyper.qLoss, rows: rowCount, scratchRows: K, targetRows: K)
    current = [Int](repeating: 0, count: K)
    terminated = [Bool](repeating: false, count: K)
    done = [Bool](repeating: false, count: K)
    finished = FinishedEpisodes(capacity: rowCount)
  }

  static var choosesAhead: Bool { true }

  /// Every environment's next action, ε-greedy on Q(s, ·; θ′) of its
  /// current state.
  mutating func chooseActions(_ envs: EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256) {
    q.forward(envs, rows: envCount, firstRow: scratch)
    for k in 0..<envCount { current[k] = q.epsilonGreedy(row: scratch + k, epsilon: epsilon, rng: &rng) }
  }

  /// K = 1, after the update: environment 0's next episode and its first action.
  mutating func startEpisode(_ envs: inout EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256) {
    envs.reset(0, rng: &rng)
    chooseActions(envs, epsilon: epsilon, rng: &rng)
  }

  /// dθ of the TD loss over the steps since the last update (their
  /// targets y are in the batch already).
  mutating func computeGradient() { q.computeGradient(rows: rows) }

  /// Up to I lockstep steps (K = 1: fewer if the episode ends), their
  /// transitions and targets y in the batch, the episodes that end in
  /// `finished`.
  mutating func rollout(_ envs: inout EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256) {
    let K = envCount
    episodeEnded = false
    steps = 0
    while steps < stepsPerUpdate && !episodeEnded {
      let first = steps * K
      // Q(s, ·; θ′) in rows first..<first+K, for the gradient; a was chosen already.
      q.forward(envs, rows: K, firstRow: first)
      for k in 0..<K {
        let outcome = envs.step(k, action: current[k])
        q.actions[first + k] = current[k]
        q.targets[first + k] = Float(outcome.learningReward)
        // A lost life is terminal for the target (the game goes on).
        terminated[k] = outcome.learningTerminal
        done[k] = outcome.done
        if outcome.done {
          let e = envs.takeEpisode(k)
          finished.add(total: e.total, length: e.length, offset: first + k + 1)
        }
      }
      // a′ on s′ and Q(s′, ·; θ⁻), K rows each.
      q.forward(envs, rows: K, firstRow: scratch)
      q.forwardTarget(envs)
      for k in 0..<K {
        let next = q.epsilonGreedy(row: scratch + k, epsilon: epsilon, rng: &rng)
        // y = r if terminal, else r + γ·Q(s′, a′ or argmax; θ⁻)
        if !terminated[k] {
          q.targets[first + k] += gamma * (sarsa ? q.target(row: k, action: next) : q.maxTarget(row: k))
        }
        current[k] = next
      }
      if K == 1 {
        episodeEnded = done[0]
      } else {
        // Ended episodes restart; their first action is chosen on the new state.
        for k in 0..<K where done[k] {
          envs.reset(k, rng: &rng)
          q.forward(envs, from: k, rows: 1, firstRow: scratch + k)
          current[k] = q.epsilonGreedy(row: scratch + k, epsilon: epsilon, rng: &rng)
        }
      }
      steps += 1
    }
  }
}
