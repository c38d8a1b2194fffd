// QN.swift — asynchronous n-step Q-learning.
//
// Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning",
// Algorithm S2 (https://arxiv.org/abs/1602.01783).
//
// Shared (in the segment): θ, the target network θ⁻, the shared RMSProp
// statistics g, T and U. Local (per worker process): θ′, a copy of θ⁻ (re-read
// only when its version changes), dθ, the environment, the RNG, this worker's ε.
// Known races, by design: as A3C (θ copied while written; lost Hogwild!
// updates), and θ⁻ ← θ is copied by one worker while the others read θ⁻, so a
// reader may see a mix of two versions for one rollout.
//
// The network has |A| linear outputs, Q(s, ·; θ). The loop makes every
// shared-memory call of a worker (one-step Q and Sarsa, OneStepQ.swift, run
// it too); the learner below it computes the rollout, the n-step targets
// and dθ locally. With --envs-per-worker K the worker steps K environments
// in lockstep: one K-row forward of θ′ per step, each environment its own
// ε-greedy draw (the worker's one ε), one gradient over the K·n rows
// (RolloutBuffer.swift says how episodes that end inside a rollout are cut).

import BuiltInEnvs
import HogwildLink
import TinyNN

struct QN<Net: Network>: ValueBasedAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  /// |A| linear outputs, Q(s, ·; θ).
  let network: Net

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    var learner = NStepQLearner(network: network, hyper: hyper, envCount: environments.count)
    runAsynchronousQ(&learner, environments, link: &link, seed: seed, hyper: hyper)
  }
}

/// Algorithm S2's loop for one worker (and Algorithm 1's, whose learner
/// takes one step at a time). Specialised for the learner's network type
/// (see `SpecializedAlgorithm`); the environments are called through their
/// protocol. Allocates nothing once running.
func runAsynchronousQ<Learner: QLearner>(
  _ learner: inout Learner, _ environments: [any Environment], link: inout WorkerLink, seed: UInt64,
  hyper: Hyperparameters
) {
  let interval = UInt64(hyper.targetInterval)
  var rng = link.trainingRandomSource(seed: seed)
  let schedule = EpsilonSchedule.forWorker(rank: link.rank, seed: seed, hyper: hyper)
  // Test episodes on a copy of environment 0 (see TestEpisodes.swift).
  var tester = GreedyTester(network: learner.q.network, environment: environments[0], every: hyper.testEvery,
                            seed: seed, link: link)
  var envs = EnvironmentBatch(environments, observationSize: environments[0].spec.observationSize)

  envs.resetAll(rng: &rng)
  if Learner.choosesAhead {
    // The first actions, on θ′.
    link.pullParameters(into: &learner.q.thetaLocal)
    learner.chooseActions(envs, epsilon: schedule.epsilon(at: link.globalSteps), rng: &rng)
  }
  while !link.shouldStop {
    // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing);
    // θ⁻ copied only when a new version was published
    link.pullParameters(into: &learner.q.thetaLocal)
    link.pullTarget(into: &learner.q.thetaTarget)
    let epsilon = schedule.epsilon(at: link.globalSteps)
    link.reportEpsilon(epsilon)

    // ALGO: up to n steps (in each of K envs), ε-greedy on Q(s, ·; θ′);
    // R = 0 for a terminal state, else max_a Q(s_t, a; θ⁻) — a time-limit
    // truncation is not terminal, so it bootstraps too
    learner.rollout(&envs, epsilon: epsilon, rng: &rng)

    // COUNT: T ← T + steps, t ← t + steps; the episodes that ended go to the supervisor
    let stepsBefore = link.countRollout(learner.rows, episodes: &learner.finished, rng: rng)

    // ALGO: backwards R ← r_i + γR; dθ ← ∂(R − Q(s_i, a_i; θ′))²/∂θ′,
    // on the actions taken only
    learner.computeGradient()

    // HOGWILD: clip dθ, wait the --delay, lock-free apply of dθ to the shared θ
    link.pushClippedGradient(&learner.q, step: stepsBefore + UInt64(learner.rows), hyper: hyper)

    // ALGO: every I_target global steps θ⁻ ← θ (by the one worker whose
    // steps crossed the multiple)
    link.syncTargetIfDue(globalStepsBefore: stepsBefore, steps: learner.rows, interval: interval)

    // SCORE (not in the paper; see TestEpisodes.swift): every --test-every
    // own steps, once an episode ended, one greedy episode on θ (K > 1: at
    // any rollout's end; the test has its own environment)
    if learner.episodeEnded || envs.count > 1 { tester.playIfDue(link: &link) }

    // K = 1: the next episode, and for a learner that chooses ahead its
    // first action, on the new s and the updated θ′
    if learner.episodeEnded {
      if Learner.choosesAhead { link.pullParameters(into: &learner.q.thetaLocal) }
      learner.startEpisode(&envs, epsilon: epsilon, rng: &rng)
    }
  }
}

/// One n-step Q worker's local state: Q's parameters and batch, the rollout
/// buffer. Allocates nothing after `init`.
struct NStepQLearner<Net: Network>: QLearner {
  let gamma: Float
  /// θ′, θ⁻, dθ and the batch of (a_i, R_i).
  var q: QFunction<Net>
  var buffer: RolloutBuffer

  init(network: Net, hyper: Hyperparameters, envCount K: Int) {
    gamma = Float(hyper.gamma)
    q = QFunction(network: network, loss: hyper.qLoss, rows: hyper.nSteps * K, scratchRows: 0, targetRows: K)
    buffer = RolloutBuffer(steps: hyper.nSteps, environments: K)
  }

  static var choosesAhead: Bool { false }
  var rows: Int { buffer.rows }
  var episodeEnded: Bool { buffer.episodeEnded }
  var finished: FinishedEpisodes {
    get { buffer.finished }
    _modify { yield &buffer.finished }
  }

  func chooseActions(_ envs: EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256) {}

  mutating func startEpisode(_ envs: inout EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256) {
    if buffer.environmentEnded { envs.reset(0, rng: &rng) }
  }

  /// Up to n lockstep steps, ε-greedy on Q(s, ·; θ′) per environment, and
  /// each environment's bootstrap. K = 1 stops at the episode's end; K > 1
  /// restarts an ended episode at once.
  mutating func rollout(_ envs: inout EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256) {
    let K = buffer.envCount
    buffer.start()
    while buffer.continues {
      let first = buffer.steps * K
      q.forward(envs, rows: K, firstRow: first)
      for k in 0..<K {
        let row = first + k
        let a = q.epsilonGreedy(row: row, epsilon: epsilon, rng: &rng)
        let outcome = envs.step(k, action: a)
        q.actions[row] = a
        if buffer.record(outcome, row: row, of: k, &envs) {
          // A truncation bootstraps from the state reached, before the reset.
          if !outcome.terminated { buffer.truncationValues[row] = q.maxTarget(of: envs, k) }
          envs.reset(k, rng: &rng)
        }
      }
      buffer.steps += 1
    }
    // R = max_a Q(s, a; θ⁻) of the last states (K = 1: 0 after a terminal one).
    if K == 1 {
      let R = buffer.endsTerminal ? 0 : q.maxTarget(of: envs, 0)
      buffer.bootstrap(R)
    } else {
      q.forwardTarget(envs)
      for k in 0..<K { buffer.bootstraps[k] = q.maxTarget(row: k) }
    }
  }

  /// Backwards R ← r_i + γR per environment (cut at episode ends) into the
  /// batch's targets, then dθ of the TD loss over the rollout's rows.
  mutating func computeGradient() {
    Returns.nStep(buffer, gamma: gamma, into: &q.targets)
    q.computeGradient(rows: rows)
  }
}
