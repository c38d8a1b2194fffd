// A3C.swift — asynchronous advantage actor-critic.
//
// Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning",
// Algorithm S3 (https://arxiv.org/abs/1602.01783).
//
// Shared (in the segment): θ, the shared RMSProp statistics g, T and U.
// Local (per worker process): θ′, the gradient dθ, the environment, the RNG.
// Known races, by design: θ may change while a worker copies it (the copy is
// of no single moment) and two workers' writes to θ and g may interleave so
// that one is lost (Hogwild!). `--update atomic|locked` removes the second.
//
// The rollout and the actor-critic gradient are shared with A2C
// (ActorCriticLearner.swift); this file is the asynchronous loop around them.

import Envs
import HogwildSegment
import TinyNN

struct A3C<Net: Network>: SingleNetworkAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  let actionCount: Int
  let network: Net

  /// `network` has |A| + 1 outputs: the policy logits, then V(s).
  init(hyperparameters: Hyperparameters, spec: EnvSpec, network: Net) {
    hyper = hyperparameters
    self.spec = spec
    actionCount = spec.discreteActionCount
    precondition(actionCount > 0, "A3C here needs a discrete action space")
    precondition(network.outputs == actionCount + 1, "an actor-critic network has |A| + 1 outputs")
    self.network = network
  }

  var targetParameterCount: Int { 0 }

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)
    train(&envs, link: &link, seed: seed)
  }

  /// One worker. Specialised for the network type (see
  /// `SpecializedAlgorithm`); the environment is called through its
  /// protocol. Allocates nothing once running.
  func train(_ envs: inout EnvironmentBatch, link: inout WorkerLink, seed: UInt64) {
    var rng = link.trainingRandomSource(seed: seed)
    var learner = ActorCriticLearner(network: network, actionCount: actionCount, hyper: hyper,
                                     envCount: envs.count)
    envs.resetAll(rng: &rng)
    runA3C(&learner, &envs, rng: &rng, link: &link, hyper: hyper)
  }
}

/// Algorithm S3's loop for one worker, on any actor-critic learner (the
/// feed-forward one here, the recurrent one in RecurrentActorCritic.swift).
/// Allocates nothing.
func runA3C<Learner: ActorCriticRollouts>(
  _ learner: inout Learner, _ envs: inout Learner.Environments, rng: inout Xoshiro256,
  link: inout WorkerLink, hyper: Hyperparameters
) {
  while !link.shouldStop {
    // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing)
    link.pullParameters(into: &learner.thetaLocal)

    // ALGO: rollout of up to t_max steps with a ~ π(·|s; θ′) (in each of K envs);
    // R = 0 for a terminal s_t, else V(s_t; θ′)
    learner.rollout(&envs, rng: &rng, link: &link)

    // ALGO: backwards over the rollout R ← r_i + γR, A_i = R − V(s_i);
    // dθ ← ∇θ′ of −log π(a_i|s_i)·A_i − β·H(π) + c·(R − V(s_i))²
    guard learner.computeGradient() else {
      // Never write NaN or ±Inf into θ; count it and go on.
      link.dropGradient()
      continue
    }

    // The wall-clock delay between reading θ and writing dθ (--delay).
    link.waitDelay()

    // HOGWILD: lock-free apply of dθ to the shared θ
    let lr = hyper.learningRateSchedule.rate(
      base: Float(hyper.learningRate), step: learner.globalStepsBefore + UInt64(learner.rows), of: link.tMax)
    link.pushGradient(learner.dTheta, learningRate: lr, refreshing: &learner.thetaLocal)
    link.recordGradient(learner.statistics, learningRate: lr)
  }
}
