// ActorCritic.swift — the actor-critic algorithms as the runtime sees them:
// A3C (A3C.swift) or its synchronous control A2C (A2C.swift), over any
// actor-critic network (ActorCriticNetwork.swift) and policy
// (PolicyHead.swift). θ's shape comes from the network; a worker builds its
// learner (ActorCriticLearner, A3C.swift) and runs the loop.

import BuiltInEnvs
import HogwildLink
import HogwildSegment

/// A3C, or with `synchronous` A2C, on `model` with policy `head`.
struct ActorCritic<Model: ActorCriticNetwork, Head: PolicyHead>: WorkerAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  let model: Model
  let head: Head
  let synchronous: Bool

  init(hyperparameters: Hyperparameters, spec: EnvSpec, model: Model, head: Head, synchronous: Bool) {
    precondition(model.policyOutputs == head.outputCount, "the network's policy outputs are not the head's")
    hyper = hyperparameters
    self.spec = spec
    self.model = model
    self.head = head
    self.synchronous = synchronous
  }

  var parameterCount: Int { model.parameterCount }
  var layers: [LayerEntry] { model.layers }
  var targetParameterCount: Int { 0 }
  var usesGradientExchange: Bool { synchronous }
  func initialParameters(seed: UInt64) -> [Float] { model.initialParameters(seed: seed) }

  /// One worker. Specialised for the network and head types (see
  /// `SpecializedAlgorithm`); the environments are called through their
  /// protocol. A worker (re)starts with fresh episodes (and a zero LSTM
  /// state). Allocates nothing once running.
  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)
    var rng = link.trainingRandomSource(seed: seed)
    var learner = ActorCriticLearner(model: model, head: head, hyper: hyper, envCount: envs.count)
    envs.resetAll(rng: &rng)
    if synchronous {
      runA2C(&learner, &envs, rng: &rng, link: &link, hyper: hyper)
    } else {
      runA3C(&learner, &envs, rng: &rng, link: &link, hyper: hyper)
    }
  }
}
