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

import Envs
import HogwildSegment
import TinyNN

struct OneStepQ<Net: Network>: ValueBasedAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  /// |A| linear outputs, Q(s, ·; θ).
  let network: Net
  /// Sarsa: bootstrap from the action taken next rather than the greedy one.
  let sarsa: Bool

  /// One worker: this loop makes every shared-memory call, the learner
  /// (below) computes. Allocates nothing once running.
  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    let interval = UInt64(hyper.targetInterval)
    var rng = link.trainingRandomSource(seed: seed)
    let schedule = EpsilonSchedule.forWorker(rank: link.rank, seed: seed, hyper: hyper)
    var learner = OneStepQLearner(network: network, hyper: hyper, sarsa: sarsa, envCount: environments.count)
    // Test episodes on a copy of environment 0 (see TestEpisodes.swift).
    var tester = GreedyTester(network: network, environment: environments[0], every: hyper.testEvery,
                              seed: seed, link: link)
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)

    envs.resetAll(rng: &rng)
    link.pullParameters(into: &learner.q.thetaLocal)
    learner.chooseActions(envs, epsilon: schedule.epsilon(at: link.globalSteps), rng: &rng)
    while !link.shouldStop {
      // SYNC: θ′ ← θ; θ⁻ copied only when a new version was published
      link.pullParameters(into: &learner.q.thetaLocal)
      link.pullTarget(into: &learner.q.thetaTarget)
      let epsilon = schedule.epsilon(at: link.globalSteps)
      link.reportEpsilon(epsilon)

      // ALGO: up to I_AsyncUpdate steps (K = 1: or to the episode's end): take
      // a, observe r and s′, choose a′ ε-greedily, y = r if terminal, else
      // r + γ·Q(s′, a′ or argmax; θ⁻)
      learner.rollout(&envs, epsilon: epsilon, rng: &rng)

      // COUNT: T ← T + steps, t ← t + steps; the episodes that ended go to the supervisor
      let stepsBefore = link.countRollout(learner.rows, episodes: &learner.finished, rng: rng)

      // ALGO: dθ ← Σ ∂(y − Q(s, a; θ′))²/∂θ′ over the accumulated steps
      learner.q.computeGradient(rows: learner.rows)

      // HOGWILD: clip dθ, wait the --delay, lock-free apply of dθ to the shared θ
      link.pushClippedGradient(&learner.q, step: stepsBefore + UInt64(learner.rows), hyper: hyper)

      // ALGO: every I_target global steps θ⁻ ← θ
      link.syncTargetIfDue(globalStepsBefore: stepsBefore, steps: learner.rows, interval: interval)

      // SCORE (not in the paper; see TestEpisodes.swift): every --test-every
      // own steps, once an episode ended (K > 1: at any update; the test has
      // its own environment), one greedy episode on θ
      if learner.episodeEnded || envs.count > 1 { tester.playIfDue(link: &link) }

      // K = 1: the first action of the new episode, on the new s and the updated θ′
      if learner.episodeEnded {
        link.pullParameters(into: &learner.q.thetaLocal)
        learner.startEpisode(&envs, epsilon: epsilon, rng: &rng)
      }
    }
  }
}

/// One one-step Q (or Sarsa) worker's steps between updates. Rows t·K + k
/// of the Q-workspace: Q(s, ·; θ′) of step t of environment k; rows I·K + k
/// are scratch for choosing a′. Allocates nothing after `init`.
struct OneStepQLearner<Net: Network> {
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
        q.targets[first + k] = Float(outcome.reward)
        terminated[k] = outcome.terminated
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
