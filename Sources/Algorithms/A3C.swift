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
// This loop makes every shared-memory call of a worker; the learner
// (ActorCriticLearner.swift) computes the rollout and dθ locally. The same
// loop runs every actor-critic network: feed-forward, split (Box actions)
// and recurrent (`--net lstm`).

import Envs
import HogwildSegment

/// Algorithm S3's loop for one worker. Allocates nothing.
func runA3C<Model, Head>(
  _ learner: inout ActorCriticLearner<Model, Head>, _ envs: inout EnvironmentBatch, rng: inout Xoshiro256,
  link: inout WorkerLink, hyper: Hyperparameters
) {
  while !link.shouldStop {
    // SYNC: θ′ ← θ (already done if the last apply refreshed θ′ in passing)
    link.pullParameters(into: &learner.thetaLocal)

    // ALGO: rollout of up to t_max steps with a ~ π(·|s; θ′) (in each of K envs);
    // R = 0 for a terminal s_t, else V(s_t; θ′)
    learner.rollout(&envs, rng: &rng)

    // COUNT: T ← T + steps, t ← t + steps; the episodes that ended go to the supervisor
    let stepsBefore = link.countRollout(learner.rows, episodes: &learner.finished, rng: rng)

    // ALGO: backwards over the rollout R ← r_i + γR, A_i = R − V(s_i);
    // dθ ← ∇θ′ of −log π(a_i|s_i)·A_i − β·H(π) + c·(R − V(s_i))²
    learner.computeGradient()

    // HOGWILD: clip dθ, wait the --delay, lock-free apply of dθ to the
    // shared θ (a gradient that is not finite is dropped)
    link.pushClippedGradient(&learner, step: stepsBefore + UInt64(learner.rows), hyper: hyper)
  }
}
