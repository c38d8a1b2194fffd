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
// The network has |A| linear outputs, Q(s, ·; θ). With --envs-per-worker K
// the worker steps K environments in lockstep: one K-row forward of θ′ per
// step, each environment its own ε-greedy draw (the worker's one ε). K = 1
// is the paper's rollout, which stops at the episode's end; with K > 1
// every environment takes all n steps, one whose episode ends starts the
// next at once, and its returns are cut there (0 after a terminal state,
// max_a Q(s, a; θ⁻) of the state reached after a truncation). One gradient
// over the K·n rows, one update.

import Envs
import HogwildSegment
import TinyNN

struct QN<Net: Network>: ValueBasedAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  /// |A| linear outputs, Q(s, ·; θ).
  let network: Net

  /// One worker: this loop makes every shared-memory call, the learner
  /// (below) computes. Specialised for the network type (see
  /// `SpecializedAlgorithm`); the environments are called through their
  /// protocol. Allocates nothing once running.
  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    let interval = UInt64(hyper.targetInterval)
    var rng = link.trainingRandomSource(seed: seed)
    let schedule = EpsilonSchedule.forWorker(rank: link.rank, seed: seed, hyper: hyper)
    var learner = NStepQLearner(network: network, hyper: hyper, envCount: environments.count)
    // Test episodes on a copy of environment 0 (see TestEpisodes.swift).
    var tester = GreedyTester(network: network, environment: environments[0], every: hyper.testEvery,
                              seed: seed, link: link)
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)

    envs.resetAll(rng: &rng)
    while !link.shouldStop {
      // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing);
      // θ⁻ copied only when a new version was published
      link.pullParameters(into: &learner.q.thetaLocal)
      link.pullTarget(into: &learner.q.thetaTarget)
      let epsilon = schedule.epsilon(at: link.globalSteps)
      link.reportEpsilon(epsilon)

      // ALGO: up to n steps, ε-greedy on Q(s, ·; θ′); R = 0 for a terminal
      // state, else max_a Q(s_t, a; θ⁻) (a truncation bootstraps too)
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
      // own steps, once an episode ended, one greedy episode on θ (K > 1:
      // at any rollout's end; the test has its own environment)
      if learner.episodeEnded || envs.count > 1 { tester.playIfDue(link: &link) }
    }
  }
}

/// One n-step Q worker's rollout: up to n lockstep steps and their n-step
/// targets. Allocates nothing after `init`.
struct NStepQLearner<Net: Network> {
  let n: Int
  /// K, the environments stepped in lockstep.
  let envCount: Int
  let gamma: Float
  /// θ′, θ⁻, dθ and the batch of (a_i, R_i).
  var q: QFunction<Net>
  var rewards: [Float]
  /// How each row's step left its episode, and for a truncation
  /// max_a Q(s, a; θ⁻) of the state it reached.
  var ends: [EpisodeEnd]
  var truncationValues: [Float]
  /// R per environment: 0 after a terminal state, else max_a Q(s_n, a; θ⁻).
  var bootstraps: [Float]
  var finished: FinishedEpisodes
  /// Lockstep steps of the last rollout (≤ n; fewer only with K = 1).
  var steps = 0
  /// Transitions of the last rollout, K·steps.
  var rows: Int { steps * envCount }
  /// K = 1: the last rollout ended the episode; the next one resets first.
  var episodeEnded = false

  init(network: Net, hyper: Hyperparameters, envCount K: Int) {
    n = hyper.nSteps
    envCount = K
    gamma = Float(hyper.gamma)
    q = QFunction(network: network, loss: hyper.qLoss, rows: n * K, scratchRows: 0, targetRows: K)
    rewards = [Float](repeating: 0, count: n * K)
    ends = [EpisodeEnd](repeating: .running, count: n * K)
    truncationValues = [Float](repeating: 0, count: n * K)
    bootstraps = [Float](repeating: 0, count: K)
    finished = FinishedEpisodes(capacity: n * K)
  }

  /// Up to n lockstep steps, ε-greedy on Q(s, ·; θ′) per environment; the
  /// episodes that end go to `finished`, and each environment's bootstrap
  /// is set. K = 1 stops at the episode's end and starts the next one with
  /// the next rollout; K > 1 restarts an ended episode at once.
  mutating func rollout(_ envs: inout EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256) {
    let K = envCount
    if episodeEnded { envs.reset(0, rng: &rng) }
    episodeEnded = false
    steps = 0
    while steps < n && !episodeEnded {
      let first = steps * K
      q.forward(envs, rows: K, firstRow: first)
      for k in 0..<K {
        let row = first + k
        let a = q.epsilonGreedy(row: row, epsilon: epsilon, rng: &rng)
        let outcome = envs.step(k, action: a)
        q.actions[row] = a
        rewards[row] = Float(outcome.reward)
        // Gymnasium may report both at step 500: termination wins.
        ends[row] = outcome.terminated ? .terminated : outcome.truncated ? .truncated : .running
        if outcome.done {
          let e = envs.takeEpisode(k)
          finished.add(total: e.total, length: e.length, offset: row + 1)
          if K == 1 {
            episodeEnded = true
          } else {
            // A truncation bootstraps from the state reached, before the reset.
            if !outcome.terminated { truncationValues[row] = q.maxTarget(of: envs, k) }
            envs.reset(k, rng: &rng)
          }
        }
      }
      steps += 1
    }

    // R = 0 for a terminal state, else max_a Q(s, a; θ⁻) (K = 1: not
    // computed after a terminal state).
    if K == 1 {
      bootstraps[0] = 0
      if ends[steps - 1] != .terminated {
        bootstraps[0] = q.maxTarget(of: envs, 0)
        truncationValues[steps - 1] = bootstraps[0]
      }
    } else {
      q.forwardTarget(envs)
      for k in 0..<K { bootstraps[k] = q.maxTarget(row: k) }
    }
  }

  /// Backwards R ← r_i + γR per environment (cut at episode ends) into the
  /// batch's targets, then dθ of the TD loss over the rollout's rows.
  mutating func computeGradient() {
    Returns.nStep(rewards: rewards, ends: ends, truncationValues: truncationValues, steps: steps,
                  environments: envCount, bootstraps: bootstraps, gamma: gamma, into: &q.targets)
    q.computeGradient(rows: rows)
  }
}
