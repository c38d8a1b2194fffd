// A2C.swift — synchronous advantage actor-critic, the control for A3C.
//
// As A3C (Mnih et al. 2016, Algorithm S3), but synchronous, as in OpenAI
// Baselines' A2C: every worker rolls out n steps from the same θ, all meet at
// a barrier, the N gradients are averaged and applied once, and every worker
// continues from the same new θ. No gradient is ever stale, so comparing it
// with A3C shows what asynchrony costs or buys.
//
// Shared (in the segment): θ, the shared RMSProp statistics g, T, U (one
// update per round), each worker's gradient row and round flags, the barrier.
// Local: θ′, dθ, the environment, the RNG, this worker's slice of the mean.
// The reduction is split N ways: worker i averages the rows over its own
// slice of θ and applies that slice (GradientExchange.swift). The barrier's
// state is in the slots, so a re-forked worker rejoins its round.

import Envs
import HogwildSegment
import TinyNN

struct A2C<Net: Network>: SingleNetworkAlgorithm {
  let hyper: Hyperparameters
  let spec: EnvSpec
  let actionCount: Int
  let network: Net

  /// The same network as A3C (|A| + 1 outputs), so the two compare like for like.
  init(hyperparameters: Hyperparameters, spec: EnvSpec, network: Net) {
    hyper = hyperparameters
    self.spec = spec
    actionCount = spec.discreteActionCount
    precondition(actionCount > 0, "A2C here needs a discrete action space")
    precondition(network.outputs == actionCount + 1, "an actor-critic network has |A| + 1 outputs")
    self.network = network
  }

  var targetParameterCount: Int { 0 }
  var usesGradientExchange: Bool { true }

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    var envs = EnvironmentBatch(environments, observationSize: spec.observationSize)
    train(&envs, link: &link, seed: seed)
  }

  func train(_ envs: inout EnvironmentBatch, link: inout WorkerLink, seed: UInt64) {
    var rng = link.trainingRandomSource(seed: seed)
    var learner = ActorCriticLearner(network: network, actionCount: actionCount, hyper: hyper,
                                     envCount: envs.count)
    envs.resetAll(rng: &rng)
    runA2C(&learner, &envs, rng: &rng, link: &link, hyper: hyper)
  }
}

/// The synchronous rounds for one worker, on any actor-critic learner (the
/// feed-forward one here, the recurrent one in RecurrentActorCritic.swift).
/// Allocates nothing.
func runA2C<Learner: ActorCriticRollouts>(
  _ learner: inout Learner, _ envs: inout Learner.Environments, rng: inout Xoshiro256,
  link: inout WorkerLink, hyper: Hyperparameters
) {
  // A re-forked worker continues the round its predecessor was in.
  var round = link.joinSynchronousRounds()
  while !link.shouldStop {
    if !link.hasPublishedGradient(round: round) {
      // SYNC: wait until every slice of the previous round is applied,
      // then θ′ ← θ — the same θ in every worker
      guard link.pullSynchronousParameters(round: round, into: &learner.thetaLocal) else { break }

      // ALGO: rollout of up to n steps with a ~ π(·|s; θ′);
      // R = 0 for a terminal s_t, else V(s_t; θ′)
      learner.rollout(&envs, rng: &rng, link: &link)

      // ALGO: dθ ← ∇θ′ of −log π(a_i|s_i)·A_i − β·H(π) + c·(R − V(s_i))²
      if !learner.computeGradient() {
        // Never average NaN or ±Inf into θ: contribute nothing this round.
        link.dropGradient()
        for j in learner.dTheta.indices { learner.dTheta[j] = 0 }
      }

      // The wall-clock delay between reading θ and writing dθ (--delay):
      // here every other worker waits for it at the barrier.
      link.waitDelay()

      // BARRIER, part 1: publish dθ in this worker's row
      link.publishGradient(learner.dTheta, round: round)
    }
    // BARRIER: wait until every worker's dθ of this round is written
    guard link.waitForAllGradients(round: round) else { break }

    // REDUCE: θ[slice] ← θ[slice] − RMSProp(mean of the N rows over slice)
    let lr = hyper.learningRateSchedule.rate(
      base: Float(hyper.learningRate), step: link.globalSteps, of: link.tMax)
    link.applyMeanGradientSlice(round: round, learningRate: lr)
    link.recordGradient(learner.statistics, learningRate: lr)
    round += 1
  }
}
