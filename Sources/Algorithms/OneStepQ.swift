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

import Envs
import HogwildSegment
import TinyNN

struct OneStepQ<Net: Network>: SingleNetworkAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  let actionCount: Int
  let network: Net
  /// Sarsa: bootstrap from the action taken next rather than the greedy one.
  let sarsa: Bool

  /// `network` has |A| linear outputs, Q(s, ·; θ).
  init(hyperparameters: Hyperparameters, spec: EnvSpec, network: Net, sarsa: Bool) {
    hyper = hyperparameters
    self.spec = spec
    self.sarsa = sarsa
    actionCount = spec.discreteActionCount
    precondition(actionCount > 0, "Q-learning needs a discrete action space")
    precondition(network.outputs == actionCount, "a Q-network has |A| outputs")
    self.network = network
  }

  var targetParameterCount: Int { network.parameterCount }

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    // K = 1: the paper's loop; K > 1: the lockstep batch (OneStepQLockstep.swift).
    guard environments.count == 1 else {
      trainLockstep(environments, link: &link, seed: seed)
      return
    }
    var env = environments[0]
    train(&env, link: &link, seed: seed)
  }

  func train(_ env: inout any Environment, link: inout WorkerLink, seed: UInt64) {
    let k = hyper.asyncUpdate
    let gamma = Float(hyper.gamma)
    let maxNorm = Float(hyper.maxGradientNorm)
    let interval = UInt64(hyper.targetInterval)
    let loss = hyper.qLoss

    var rng = link.trainingRandomSource(seed: seed)
    let schedule = EpsilonSchedule.forWorker(rank: link.rank, seed: seed, hyper: hyper)
    var thetaLocal = [Float](repeating: 0, count: parameterCount)   // θ′
    var thetaTarget = [Float](repeating: 0, count: parameterCount)  // local copy of θ⁻
    var dTheta = [Float](repeating: 0, count: parameterCount)       // dθ
    var work: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: k + 1)
    var targetWork: NetworkWorkspace<Float> = network.makeWorkspace(maxBatch: 1)
    var observation = [Float](repeating: 0, count: spec.observationSize)
    var actions = [Int](repeating: 0, count: k)
    var targets = [Float](repeating: 0, count: k)
    var episode = EpisodeTally()
    var tester = GreedyTester(network: network, environment: env, every: hyper.testEvery, seed: seed, link: link)

    func choose(row: Int, epsilon: Float) -> Int {
      network.forward(params: thetaLocal, input: observation, row: row, workspace: &work)
      return QPolicy.epsilonGreedy(work.activations, offset: work.outputOffset(row: row), count: actionCount,
                                   epsilon: epsilon, rng: &rng)
    }

    env.reset(rng: &rng, observation: &observation)
    link.pullParameters(into: &thetaLocal)
    var action = choose(row: 0, epsilon: schedule.epsilon(at: link.globalSteps))
    while !link.shouldStop {
      link.pullParameters(into: &thetaLocal)
      link.pullTarget(into: &thetaTarget)
      let epsilon = schedule.epsilon(at: link.globalSteps)
      link.reportEpsilon(epsilon)
      var steps = 0
      var episodeOver = false
      while steps < k {
        // Q(s, ·; θ′) in row `steps`, for the gradient; a was chosen already.
        network.forward(params: thetaLocal, input: observation, row: steps, workspace: &work)
        let outcome = env.step(action: action, observation: &observation)
        actions[steps] = action
        episode.add(outcome.reward)
        // a′ on s′ (row steps + 1 is scratch until the next step overwrites it)
        let next = choose(row: steps + 1, epsilon: epsilon)
        // ALGO: y = r if terminal, else r + γ·Q(s′, a′ or argmax; θ⁻)
        var y = Float(outcome.reward)
        if !outcome.terminated {
          network.forward(params: thetaTarget, input: observation, row: 0, workspace: &targetWork)
          let offset = targetWork.outputOffset(row: 0)
          let bootstrap = sarsa ? targetWork.activations[offset + next]
            : QPolicy.maxValue(targetWork.activations, offset: offset, count: actionCount)
          y += gamma * bootstrap
        }
        targets[steps] = y
        action = next
        steps += 1
        if outcome.done {
          episodeOver = true
          break
        }
      }
      let stepsBefore = link.addSteps(steps)
      link.saveRandomState(rng)
      if episodeOver {
        episode.publish(to: &link, globalStep: stepsBefore + UInt64(steps))
        env.reset(rng: &rng, observation: &observation)
      }

      // ALGO: dθ += ∂(y − Q(s, a; θ′))²/∂θ′ over the accumulated steps;
      // HOGWILD: apply dθ every I_AsyncUpdate steps or at an episode's end
      applyTDGradient(network: network, rows: steps, actions: actions, targets: targets, loss: loss, maxNorm: maxNorm,
                      hyper: hyper, stepsBefore: stepsBefore,
                      work: &work, dTheta: &dTheta, thetaLocal: &thetaLocal, link: &link)
      // ALGO: every I_target global steps θ⁻ ← θ
      link.syncTargetIfDue(globalStepsBefore: stepsBefore, steps: steps, interval: interval)
      if episodeOver {
        // SCORE (not in the paper; see TestEpisodes.swift): every --test-every
        // own steps, once an episode ended, one greedy episode on θ
        tester.playIfDue(link: &link)
        // The first action of the new episode, on the new s and updated θ′.
        link.pullParameters(into: &thetaLocal)
        action = choose(row: 0, epsilon: epsilon)
      }
    }
  }
}
