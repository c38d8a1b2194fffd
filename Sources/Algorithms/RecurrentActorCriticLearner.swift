// RecurrentActorCriticLearner.swift — ActorCriticLearner for `--net lstm`:
// the same rollout and actor-critic gradient, through a RecurrentNetwork
// whose LSTM state runs on across rollouts within an episode.
//
// Mnih et al. 2016's A3C-LSTM: each rollout of up to n steps starts from the
// (h, c) the previous rollout ended with (zero at an episode's start), the
// state being taken as given; the gradient is backpropagation through the
// rollout only (truncated BPTT). The bootstrap value V(s_{t+n}) is one more
// step of the same sequence.

import Envs
import HogwildSegment
import TinyNN

/// One recurrent actor-critic worker's local state: θ′, dθ, the rollout
/// buffers, the LSTM state and the episode in progress. Allocates nothing
/// after `init`.
struct RecurrentActorCriticLearner<Torso: Network>: ActorCriticRollouts {
  let network: RecurrentNetwork<Torso>
  let actionCount: Int
  let n: Int
  let gamma: Float
  let lambda: Float
  let beta: Float
  let valueWeight: Float
  let maxNorm: Float

  var thetaLocal: [Float]
  var dTheta: [Float]
  /// Steps 0..<n hold the rollout, step n the bootstrap state; the LSTM
  /// workspace's initial state is where the rollout started from.
  var work: RecurrentWorkspace<Float>
  var observation: [Float]
  var probabilities: [Float]
  var actions: [Int]
  var rewards: [Float]
  var values: [Float]
  var advantages: [Float]
  var returns: [Float]
  var episode = EpisodeTally()
  var statistics = GradientStatistics(gradientNorm: 0, clipped: false, tdError: 0)

  var steps = 0
  var globalStepsBefore: UInt64 = 0
  /// Rows of the last gradient: one per step.
  var rows: Int { steps }
  var bootstrap: Float = 0
  /// The next rollout starts a new episode: h = c = 0. Otherwise it
  /// continues from the state after the last rollout's last step.
  var episodeStarts = true

  init(network: RecurrentNetwork<Torso>, actionCount: Int, hyper: Hyperparameters, observationSize: Int) {
    self.network = network
    self.actionCount = actionCount
    n = hyper.nSteps
    gamma = Float(hyper.gamma)
    lambda = Float(hyper.gaeLambda)
    beta = Float(hyper.entropyCoefficient)
    valueWeight = Float(hyper.valueCoefficient)
    maxNorm = Float(hyper.maxGradientNorm)
    thetaLocal = [Float](repeating: 0, count: network.parameterCount)
    dTheta = [Float](repeating: 0, count: network.parameterCount)
    work = network.makeWorkspace(maxSteps: n + 1)
    observation = [Float](repeating: 0, count: observationSize)
    probabilities = [Float](repeating: 0, count: actionCount)
    actions = [Int](repeating: 0, count: n)
    rewards = [Float](repeating: 0, count: n)
    values = [Float](repeating: 0, count: n)
    advantages = [Float](repeating: 0, count: n)
    returns = [Float](repeating: 0, count: n)
  }

  /// As `ActorCriticLearner.rollout`, each step one step of the LSTM's
  /// sequence; the state it starts from is the last rollout's (or zero).
  mutating func rollout(_ env: inout any Environment, rng: inout Xoshiro256, link: inout WorkerLink) {
    // The state is moved here, not at the end of the last rollout: its
    // gradient still needed that rollout's initial state.
    if episodeStarts { work.resetState() } else { work.carryState(fromStep: steps - 1) }
    episodeStarts = false
    var terminated = false
    var episodeOver = false
    steps = 0
    while steps < n {
      network.forward(params: thetaLocal, input: observation, step: steps, workspace: &work)
      CategoricalPolicy.softmax(logits: work.head.activations, offset: work.head.outputOffset(row: steps),
                                count: actionCount, into: &probabilities)
      let a = CategoricalPolicy.sample(probs: probabilities, count: actionCount, uniform: rng.nextUnitFloat())
      let outcome = env.step(action: a, observation: &observation)
      actions[steps] = a
      rewards[steps] = Float(outcome.reward)
      episode.add(outcome.reward)
      steps += 1
      if outcome.done {
        terminated = outcome.terminated
        episodeOver = true
        break
      }
    }
    globalStepsBefore = link.addSteps(steps)
    link.saveRandomState(rng)

    bootstrap = 0
    if !terminated {
      // V(s_t) one step further along the same sequence.
      network.forward(params: thetaLocal, input: observation, step: steps, workspace: &work)
      bootstrap = work.head.output(row: steps, index: actionCount)
    }
    if episodeOver {
      episode.publish(to: &link, globalStep: globalStepsBefore + UInt64(steps))
      env.reset(rng: &rng, observation: &observation)
      episodeStarts = true
    }
  }

  /// As `ActorCriticLearner.computeGradient`, with one truncated BPTT pass
  /// over the rollout.
  mutating func computeGradient() -> Bool {
    let valueIndex = actionCount
    for i in 0..<steps { values[i] = work.head.output(row: i, index: valueIndex) }
    Returns.generalizedAdvantages(
      rewards: rewards, values: values, count: steps, bootstrap: bootstrap, gamma: gamma, lambda: lambda,
      advantages: &advantages, returns: &returns)
    let sums = ActorCriticLoss.writeOutputGradients(
      rows: steps, actionCount: actionCount, actions: actions, values: values, advantages: advantages,
      returns: returns, entropyCoefficient: beta, valueWeight: valueWeight,
      probabilities: &probabilities, workspace: &work.head)
    for j in dTheta.indices { dTheta[j] = 0 }
    network.backward(params: thetaLocal, steps: steps, workspace: &work, gradients: &dTheta)
    let norm = clipGradientNorm(&dTheta, maxNorm: maxNorm)
    statistics = sums.statistics(rows: steps, norm: norm, maxNorm: maxNorm)
    return norm.isFinite
  }
}
