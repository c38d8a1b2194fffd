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
//
// The learner is A3C's (ActorCriticLearner, A3C.swift), feed-forward or
// recurrent; this loop makes every shared-memory call.

import BuiltInEnvs
import HogwildLink
import HogwildSegment

/// The synchronous rounds for one worker. Allocates nothing.
func runA2C<Model, Head>(
  _ learner: inout ActorCriticLearner<Model, Head>, _ envs: inout EnvironmentBatch, rng: inout Xoshiro256,
  link: inout WorkerLink, hyper: Hyperparameters
) {
  let maxNorm = Float(hyper.maxGradientNorm)
  var statistics = GradientStatistics(gradientNorm: 0, clipped: false, tdError: 0)
  // A re-forked worker continues the round its predecessor was in.
  var round = link.joinSynchronousRounds()
  while !link.shouldStop {
    if !link.hasPublishedGradient(round: round) {
      // SYNC: wait until every slice of the previous round is applied,
      // then θ′ ← θ — the same θ in every worker
      guard link.pullSynchronousParameters(round: round, into: &learner.thetaLocal) else { break }

      // ALGO: rollout of up to n steps with a ~ π(·|s; θ′);
      // R = 0 for a terminal s_t, else V(s_t; θ′)
      learner.rollout(&envs, rng: &rng)

      // COUNT: T ← T + steps, t ← t + steps; the episodes that ended go to the supervisor
      link.countRollout(learner.rows, episodes: &learner.buffer.finished, rng: rng)

      // ALGO: dθ ← ∇θ′ of −log π(a_i|s_i)·A_i − β·H(π) + c·(R − V(s_i))², clipped
      learner.computeGradient()
      statistics = learner.clipGradient(maxNorm: maxNorm)
      if !statistics.gradientNorm.isFinite {
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
    link.recordGradient(statistics, learningRate: lr)
    round += 1
  }
}
