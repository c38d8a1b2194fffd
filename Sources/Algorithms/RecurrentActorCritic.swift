// RecurrentActorCritic.swift — A3C-LSTM and A2C-LSTM (`--net lstm`): the
// loops of A3C.swift and A2C.swift (`runA3C`, `runA2C`) run on a
// RecurrentActorCriticLearner, which carries (h, c) through each episode.

import Envs
import HogwildSegment
import TinyNN

/// A3C (or, `synchronous`, A2C) with a recurrent network of |A| + 1 outputs.
struct RecurrentActorCritic<Torso: Network>: WorkerAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  let actionCount: Int
  let network: RecurrentNetwork<Torso>
  let synchronous: Bool

  init(hyperparameters: Hyperparameters, spec: EnvSpec, network: RecurrentNetwork<Torso>, synchronous: Bool) {
    hyper = hyperparameters
    self.spec = spec
    actionCount = spec.discreteActionCount
    precondition(actionCount > 0, "the recurrent actor-critic needs a discrete action space")
    precondition(network.outputs == actionCount + 1, "an actor-critic network has |A| + 1 outputs")
    self.network = network
    self.synchronous = synchronous
  }

  var parameterCount: Int { network.parameterCount }
  var layers: [LayerEntry] { network.layerEntries }
  var targetParameterCount: Int { 0 }
  var usesGradientExchange: Bool { synchronous }

  func initialParameters(seed: UInt64) -> [Float] { network.initialParameters(seed: seed, outputGain: 0.01) }

  /// One environment per worker: `run` refuses `--net lstm` with
  /// `--envs-per-worker` above 1 (the state would have to be carried per
  /// environment row).
  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    precondition(environments.count == 1, "--net lstm steps one environment per worker")
    var env = environments[0]
    if synchronous { trainSynchronously(&env, link: &link, seed: seed) } else { train(&env, link: &link, seed: seed) }
  }

  /// A3C's loop (A3C.swift). A worker (re)starts with a fresh episode and
  /// a zero state: one re-forked mid-episode starts its episode over.
  func train(_ env: inout any Environment, link: inout WorkerLink, seed: UInt64) {
    var rng = link.trainingRandomSource(seed: seed)
    var learner = RecurrentActorCriticLearner(network: network, actionCount: actionCount, hyper: hyper,
                                              observationSize: spec.observationSize)
    env.reset(rng: &rng, observation: &learner.observation)
    runA3C(&learner, &env, rng: &rng, link: &link, hyper: hyper)
  }

  /// A2C's rounds (A2C.swift).
  func trainSynchronously(_ env: inout any Environment, link: inout WorkerLink, seed: UInt64) {
    var rng = link.trainingRandomSource(seed: seed)
    var learner = RecurrentActorCriticLearner(network: network, actionCount: actionCount, hyper: hyper,
                                              observationSize: spec.observationSize)
    env.reset(rng: &rng, observation: &learner.observation)
    runA2C(&learner, &env, rng: &rng, link: &link, hyper: hyper)
  }
}
