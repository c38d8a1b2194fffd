// ActorCriticRollouts.swift — what A3C's and A2C's loops need of a learner.
//
// The loops (A3C.swift, A2C.swift) are the paper's: pull θ, roll out,
// compute dθ, delay, apply. What a rollout is depends on the network: the
// feed-forward learner steps K environments in lockstep
// (ActorCriticLearner.swift), the recurrent one carries (h, c) through one
// environment's episode (RecurrentActorCriticLearner.swift). Both loops run
// on either through this protocol, specialised for each learner.

import Envs
import HogwildSegment

/// A worker's learner for the actor-critic loops.
protocol ActorCriticRollouts {
  /// What `rollout` steps: an `EnvironmentBatch`, or one environment.
  associatedtype Environments
  /// θ′, the worker's copy of θ.
  var thetaLocal: [Float] { get set }
  /// dθ of the last `computeGradient`.
  var dTheta: [Float] { get set }
  /// Losses, entropy, gradient norm… of the last gradient, for train.csv.
  var statistics: GradientStatistics { get }
  /// T when the last rollout's steps were counted.
  var globalStepsBefore: UInt64 { get }
  /// Env steps (rows of the gradient) in the last rollout.
  var rows: Int { get }
  /// Up to n steps with a ~ π(·|s; θ′), counted in T, episodes published.
  mutating func rollout(_ envs: inout Environments, rng: inout Xoshiro256, link: inout WorkerLink)
  /// dθ for the last rollout, clipped; false if it is not finite.
  mutating func computeGradient() -> Bool
}
