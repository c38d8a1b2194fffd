// OneStepQLockstep.swift — one-step Q and Sarsa with --envs-per-worker K > 1.
//
// The worker steps K environments in lockstep. Each step: one K-row forward
// of θ′ on s (the rows the gradient needs), the K actions already chosen are
// taken, one K-row forward of θ′ on s′ chooses each environment's a′
// ε-greedily (each its own draw, the worker's one ε), one K-row forward of
// θ⁻ on s′ gives the targets y = r (terminal) or r + γ·max/Q(s′, a′; θ⁻).
// An environment whose episode ended restarts at once and chooses its first
// action on the new state. dθ accumulates the K one-step TD gradients of
// every step; the update comes every --async-update lockstep steps (so it
// carries K·I transitions), not at episode ends. K = 1 is OneStepQ.train.

import Envs
import HogwildSegment
import TinyNN

extension OneStepQ {
  /// One worker over K ≥ 2 environments. Allocates nothing once running.
  func trainLockstep(_ environments: [any Environment], link: inout WorkerLink, seed: UInt64) {
    let I = hyper.asyncUpdate
    let K = environments.count
    let rowCount = I * K
    let gamma = Float(hyper.gamma)
    let maxNorm = Float(hyper.maxGradientNorm)
    let interval = UInt64(hyper.targetInterval)
    let loss = hyper.qLoss
    let obsSize = spec.observationSize

    var rng = link.trainingRandomSource(seed: seed)
    let schedule = EpsilonSchedule.forWorker(rank: link.rank, seed: seed, hyper: hyper)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var thetaTarget = [Float](repeating: 0, count: parameterCount)  // local copy of θ⁻
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    // Rows t·K + k: Q(s, ·; θ′) of step t of environment k; rows I·K + k
    // are scratch for choosing a′.
    var work: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: rowCount + K)
    var targetWork: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: K)
    var actions = [Int](repeating: 0, count: rowCount)
    var targets = [Float](repeating: 0, count: rowCount)
    var current = [Int](repeating: 0, count: K)  // the action each environment takes next
    var terminated = [Bool](repeating: false, count: K)  // this step, per environment
    var done = [Bool](repeating: false, count: K)
    var finished = FinishedEpisodes(capacity: rowCount)
    // Test episodes on a copy of environment 0 (see TestEpisodes.swift).
    var tester = GreedyTester(network: network, environment: environments[0], every: hyper.testEvery,
                              seed: seed, link: link)
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)
    let scratch = rowCount

    func choose(row: Int, epsilon: Float) -> Int {
      QPolicy.epsilonGreedy(work.activations, offset: work.outputOffset(row: row), count: actionCount,
                            epsilon: epsilon, rng: &rng)
    }

    envs.resetAll(rng: &rng)
    link.pullParameters(into: &thetaLocal)
    var epsilon = schedule.epsilon(at: link.globalSteps)
    network.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                    firstRow: scratch, workspace: &work)
    for k in 0..<K { current[k] = choose(row: scratch + k, epsilon: epsilon) }
    while !link.shouldStop {
      link.pullParameters(into: &thetaLocal)
      link.pullTarget(into: &thetaTarget)
      epsilon = schedule.epsilon(at: link.globalSteps)
      link.reportEpsilon(epsilon)
      for t in 0..<I {
        let first = t * K
        // Q(s, ·; θ′) in rows first..<first+K, for the gradient.
        network.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                        firstRow: first, workspace: &work)
        for k in 0..<K {
          let outcome = envs.step(k, action: current[k])
          actions[first + k] = current[k]
          targets[first + k] = Float(outcome.reward)
          terminated[k] = outcome.terminated
          done[k] = outcome.done
          if outcome.done {
            let e = envs.takeEpisode(k)
            finished.add(total: e.total, length: e.length, offset: first + k + 1)
          }
        }
        // a′ on s′ and Q(s′, ·; θ⁻), K rows each.
        network.forward(params: thetaLocal, input: envs.observations, inputOffset: 0, rows: K,
                        firstRow: scratch, workspace: &work)
        network.forward(params: thetaTarget, input: envs.observations, inputOffset: 0, rows: K,
                        firstRow: 0, workspace: &targetWork)
        for k in 0..<K {
          let next = choose(row: scratch + k, epsilon: epsilon)
          // ALGO: y = r if terminal, else r + γ·Q(s′, a′ or argmax; θ⁻)
          if !terminated[k] {
            let offset = targetWork.outputOffset(row: k)
            let bootstrap = sarsa ? targetWork.activations[offset + next]
              : QPolicy.maxValue(targetWork.activations, offset: offset, count: actionCount)
            targets[first + k] += gamma * bootstrap
          }
          current[k] = next
        }
        // Ended episodes restart; their first action is chosen on the new state.
        for k in 0..<K where done[k] {
          envs.reset(k, rng: &rng)
          network.forward(params: thetaLocal, input: envs.observations, inputOffset: k * obsSize,
                          row: scratch + k, workspace: &work)
          current[k] = choose(row: scratch + k, epsilon: epsilon)
        }
      }
      let stepsBefore = link.addSteps(rowCount)
      link.saveRandomState(rng)
      finished.publish(to: &link, globalStepsBefore: stepsBefore)

      // ALGO: dθ += ∂(y − Q(s, a; θ′))²/∂θ′ over the K·I transitions;
      // HOGWILD: apply dθ every I_AsyncUpdate lockstep steps
      applyTDGradient(network: network, rows: rowCount, actions: actions, targets: targets, loss: loss, maxNorm: maxNorm,
                      hyper: hyper, stepsBefore: stepsBefore,
                      work: &work, dTheta: &dTheta, thetaLocal: &thetaLocal, link: &link)
      link.syncTargetIfDue(globalStepsBefore: stepsBefore, steps: rowCount, interval: interval)
      // SCORE: tests on their own copy of environment 0, checked at each update.
      tester.playIfDue(link: &link)
    }
  }
}
