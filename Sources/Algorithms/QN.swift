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
// The network is one MLP with |A| linear outputs, Q(s, ·; θ).

import Envs
import HogwildSegment
import TinyNN

struct QN<Net: Network>: SingleNetworkAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  let actionCount: Int
  let network: Net

  /// `network` has |A| linear outputs, Q(s, ·; θ).
  init(hyperparameters: Hyperparameters, spec: EnvSpec, network: Net) {
    hyper = hyperparameters
    self.spec = spec
    actionCount = spec.discreteActionCount
    precondition(actionCount > 0, "Q-learning needs a discrete action space")
    precondition(network.outputs == actionCount, "a Q-network has |A| outputs")
    self.network = network
  }

  var targetParameterCount: Int { network.parameterCount }

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    // K = 1: the paper's loop; K > 1: the lockstep batch (QNLockstep.swift).
    guard environments.count == 1 else {
      trainLockstep(environments, link: &link, seed: seed)
      return
    }
    var env = environments[0]
    train(&env, link: &link, seed: seed)
  }

  /// One worker. Specialised for the network type (see
  /// `SpecializedAlgorithm`); the environment is called through its
  /// protocol. Allocates nothing once running.
  func train(_ env: inout any Environment, link: inout WorkerLink, seed: UInt64) {
    let n = hyper.nSteps
    let gamma = Float(hyper.gamma)
    let maxNorm = Float(hyper.maxGradientNorm)
    let interval = UInt64(hyper.targetInterval)
    let loss = hyper.qLoss

    var rng = link.trainingRandomSource(seed: seed)
    let schedule = EpsilonSchedule.forWorker(rank: link.rank, seed: seed, hyper: hyper)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var thetaTarget = [Float](repeating: 0, count: parameterCount)  // local copy of θ⁻
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    var work: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: n)
    var targetWork: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: 1)
    var observation = [Float](repeating: 0, count: spec.observationSize)
    var actions = [Int](repeating: 0, count: n)
    var rewards = [Float](repeating: 0, count: n)
    var returns = [Float](repeating: 0, count: n)
    var episode = EpisodeTally()
    var tester = GreedyTester(network: network, environment: env, every: hyper.testEvery, seed: seed, link: link)

    env.reset(rng: &rng, observation: &observation)
    while !link.shouldStop {
      // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing)
      link.pullParameters(into: &thetaLocal)

      // ALGO: up to n steps, ε-greedy on Q(s, ·; θ′)
      let epsilon = schedule.epsilon(at: link.globalSteps)
      link.reportEpsilon(epsilon)
      var steps = 0
      var terminated = false
      var episodeOver = false
      while steps < n {
        network.forward(params: thetaLocal, input: observation, row: steps, workspace: &work)
        let a = QPolicy.epsilonGreedy(work.activations, offset: work.outputOffset(row: steps), count: actionCount,
                                      epsilon: epsilon, rng: &rng)
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
      let stepsBefore = link.addSteps(steps)
      link.saveRandomState(rng)

      // ALGO: R = 0 for a terminal state, else max_a Q(s_t, a; θ⁻) — a
      // time-limit truncation is not terminal, so it bootstraps too.
      let R = terminated ? 0 : targetValue(of: observation, target: &thetaTarget, link: &link, workspace: &targetWork)
      if episodeOver {
        episode.publish(to: &link, globalStep: stepsBefore + UInt64(steps))
        env.reset(rng: &rng, observation: &observation)
      }

      // ALGO: backwards R ← r_i + γR; loss (R − Q(s_i, a_i; θ′))² on the
      // action taken only
      Returns.nStep(rewards: rewards, count: steps, bootstrap: R, gamma: gamma, into: &returns)
      // ALGO: dθ ← ∂(losses)/∂θ′; HOGWILD: lock-free apply of dθ to the shared θ
      applyTDGradient(network: network, rows: steps, actions: actions, targets: returns, loss: loss, maxNorm: maxNorm,
                      hyper: hyper, stepsBefore: stepsBefore,
                      work: &work, dTheta: &dTheta, thetaLocal: &thetaLocal, link: &link)

      // ALGO: every I_target global steps θ⁻ ← θ (by the one worker whose
      // steps crossed the multiple)
      link.syncTargetIfDue(globalStepsBefore: stepsBefore, steps: steps, interval: interval)

      // SCORE (not in the paper; see TestEpisodes.swift): every --test-every
      // own steps, once an episode ended, one greedy episode on θ
      if episodeOver { tester.playIfDue(link: &link) }
    }
  }

  /// max_a Q(s, a; θ⁻), re-reading θ⁻ only when its version changed.
  func targetValue(of observation: [Float], target: inout [Float], link: inout WorkerLink,
                   workspace: inout NetworkWorkspace<Float>) -> Float {
    link.pullTarget(into: &target)
    network.forward(params: target, input: observation, row: 0, workspace: &workspace)
    return QPolicy.maxValue(workspace.activations, offset: workspace.outputOffset(row: 0), count: actionCount)
  }
}
