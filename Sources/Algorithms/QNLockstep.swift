// QNLockstep.swift — n-step Q-learning with --envs-per-worker K > 1.
//
// The worker steps K environments in lockstep: one K-row forward of θ′ per
// step gives every environment's Q(s, ·), and each environment draws its own
// ε-greedy action (the worker's one ε, as at K = 1). Every environment takes
// all n steps; one whose episode ends starts the next at once. The K·n rows
// (row t·K + k is step t of environment k) get n-step targets per
// environment, cut at episode ends: 0 after a terminal state, max_a Q(s, a;
// θ⁻) of the state reached after a truncation, and max_a Q(s_n, a; θ⁻) for
// the rollout's last states. θ⁻ is read once at the rollout's start. One
// gradient over the K·n rows, one update. K = 1 is QN.train, unchanged.

import Envs
import HogwildSegment
import TinyNN

extension QN {
  /// One worker over K ≥ 2 environments. Allocates nothing once running.
  func trainLockstep(_ environments: [any Environment], link: inout WorkerLink, seed: UInt64) {
    let n = hyper.nSteps
    let K = environments.count
    let rowCount = n * K
    let gamma = Float(hyper.gamma)
    let maxNorm = Float(hyper.maxGradientNorm)
    let interval = UInt64(hyper.targetInterval)
    let loss = hyper.qLoss

    var rng = link.trainingRandomSource(seed: seed)
    let schedule = EpsilonSchedule.forWorker(rank: link.rank, seed: seed, hyper: hyper)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var thetaTarget = [Float](repeating: 0, count: parameterCount)  // local copy of θ⁻
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    var work: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: rowCount)
    var targetWork: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: K)
    var actions = [Int](repeating: 0, count: rowCount)
    var rewards = [Float](repeating: 0, count: rowCount)
    var returns = [Float](repeating: 0, count: rowCount)
    var ends = [EpisodeEnd](repeating: .running, count: rowCount)
    var truncationValues = [Float](repeating: 0, count: rowCount)
    var finished = FinishedEpisodes(capacity: rowCount)
    // Test episodes on a copy of environment 0 (see TestEpisodes.swift).
    var tester = GreedyTester(network: network, environment: environments[0], every: hyper.testEvery,
                              seed: seed, link: link)
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)
    let obsSize = spec.observationSize

    envs.resetAll(rng: &rng)
    while !link.shouldStop {
      link.pullParameters(into: &thetaLocal)
      link.pullTarget(into: &thetaTarget)
      let epsilon = schedule.epsilon(at: link.globalSteps)
      link.reportEpsilon(epsilon)

      // ALGO: n lockstep steps, ε-greedy on Q(s, ·; θ′) per environment
      for t in 0..<n {
        let first = t * K
        network.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                        firstRow: first, workspace: &work)
        for k in 0..<K {
          let row = first + k
          let a = QPolicy.epsilonGreedy(work.activations, offset: work.outputOffset(row: row), count: actionCount,
                                        epsilon: epsilon, rng: &rng)
          let outcome = envs.step(k, action: a)
          actions[row] = a
          rewards[row] = Float(outcome.reward)
          // Gymnasium may report both at step 500: termination wins.
          ends[row] = outcome.terminated ? .terminated : outcome.truncated ? .truncated : .running
          if outcome.done {
            let e = envs.takeEpisode(k)
            finished.add(total: e.total, length: e.length, offset: row + 1)
            if !outcome.terminated {
              // A truncation bootstraps from the state reached, before the reset.
              network.forward(params: thetaTarget, input: envs.observations, inputOffset: k * obsSize,
                              row: 0, workspace: &targetWork)
              truncationValues[row] = QPolicy.maxValue(
                targetWork.activations, offset: targetWork.outputOffset(row: 0), count: actionCount)
            }
            envs.reset(k, rng: &rng)
          }
        }
      }
      let stepsBefore = link.addSteps(rowCount)
      link.saveRandomState(rng)
      finished.publish(to: &link, globalStepsBefore: stepsBefore)

      // ALGO: R_k = max_a Q(s_n, a; θ⁻) per environment, then backwards
      // R ← r + γR with the cuts at episode ends.
      network.forward(params: thetaTarget, input: envs.observations, inputOffset: 0, rows: K,
                      firstRow: 0, workspace: &targetWork)
      for k in 0..<K {
        var R = QPolicy.maxValue(targetWork.activations, offset: targetWork.outputOffset(row: k),
                                 count: actionCount)
        var t = n - 1
        while t >= 0 {
          let row = t * K + k
          switch ends[row] {
          case .terminated: R = 0
          case .truncated: R = truncationValues[row]
          case .running: break
          }
          R = rewards[row] + gamma * R
          returns[row] = R
          t -= 1
        }
      }

      // ALGO: dθ ← ∂(losses)/∂θ′, one gradient over the K·n rows;
      // HOGWILD: lock-free apply of dθ to the shared θ
      applyTDGradient(network: network, rows: rowCount, actions: actions, targets: returns, loss: loss, maxNorm: maxNorm,
                      hyper: hyper, stepsBefore: stepsBefore,
                      work: &work, dTheta: &dTheta, thetaLocal: &thetaLocal, link: &link)
      link.syncTargetIfDue(globalStepsBefore: stepsBefore, steps: rowCount, interval: interval)
      // SCORE: a test episode is due only at a rollout's end (every
      // environment is between episodes or mid-episode; the test runs on its
      // own copy of environment 0, so the training episodes are undisturbed).
      tester.playIfDue(link: &link)
    }
  }
}
