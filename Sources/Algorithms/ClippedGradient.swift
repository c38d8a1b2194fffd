// ClippedGradient.swift — how every algorithm ends a rollout and an update.
//
// Once a learner has dθ, the steps are the same for all of them: clip its
// global norm (the one place that does), refuse a gradient that is not
// finite, wait the worker's --delay, apply lock-free, record the statistics.
// A2C clips the same way and then meets the others at its barrier instead.

import BuiltInEnvs
import HogwildLink
import HogwildSegment
import TinyNN

/// A rollout's summed losses, kept for train.csv.
struct LossSums {
  var policyLoss: Float = 0
  var valueLoss: Float = 0
  var entropy: Float = 0
  var tdError: Float = 0

  /// Per-row means over `rows`, with the gradient's norm before clipping.
  func statistics(rows: Int, norm: Float, maxNorm: Float) -> GradientStatistics {
    let n = Double(max(rows, 1))
    return GradientStatistics(
      policyLoss: Double(policyLoss) / n, valueLoss: Double(valueLoss) / n, entropy: Double(entropy) / n,
      gradientNorm: Double(norm), clipped: maxNorm > 0 && norm > maxNorm, tdError: Double(tdError) / n)
  }
}

/// What a loop needs of a learner to finish an update: θ′, dθ over the
/// last rollout's rows, and their losses.
protocol LocalGradient {
  var thetaLocal: [Float] { get set }
  var dTheta: [Float] { get set }
  var losses: LossSums { get }
  var rows: Int { get }
}

extension LocalGradient {
  /// Clips dθ's global norm to `maxNorm` (≤ 0: no clipping) and returns
  /// the statistics train.csv records: the norm before clipping and the
  /// per-row mean losses. A norm that is not finite leaves dθ unusable.
  @inline(__always)
  mutating func clipGradient(maxNorm: Float) -> GradientStatistics {
    let norm = clipGradientNorm(&dTheta, maxNorm: maxNorm)
    return losses.statistics(rows: rows, norm: norm, maxNorm: maxNorm)
  }
}

extension WorkerLink {
  /// The end of a rollout: T ← T + rows and t ← t + rows, the training RNG
  /// saved for checkpoints, and the episodes that ended published with the
  /// global step each ended at. Returns T before the addition.
  @discardableResult @inline(__always)
  mutating func countRollout(_ rows: Int, episodes: inout FinishedEpisodes, rng: Xoshiro256) -> UInt64 {
    let stepsBefore = addSteps(rows)
    saveRandomState(rng)
    for e in 0..<episodes.count {
      let (total, length, offset) = episodes.episode(e)
      finishEpisode(return: total, length: length, globalStep: stepsBefore + UInt64(offset))
    }
    episodes.removeAll()
    return stepsBefore
  }

  /// The end of an asynchronous update: dθ clipped; dropped if its norm is
  /// not finite (counted, never written into θ); otherwise this worker's
  /// --delay, then dθ applied lock-free to the shared θ at the learning
  /// rate of global step `step` (θ′ refreshed in the same pass) and its
  /// statistics recorded. Allocates nothing.
  @inline(__always)
  mutating func pushClippedGradient<Learner: LocalGradient>(_ learner: inout Learner, step: UInt64,
                                                            hyper: Hyperparameters) {
    let statistics = learner.clipGradient(maxNorm: Float(hyper.maxGradientNorm))
    guard statistics.gradientNorm.isFinite else {
      dropGradient()
      return
    }
    // The wall-clock delay between reading θ and writing dθ (--delay).
    waitDelay()
    let lr = hyper.learningRateSchedule.rate(base: Float(hyper.learningRate), step: step, of: tMax)
    pushGradient(learner.dTheta, learningRate: lr, refreshing: &learner.thetaLocal)
    recordGradient(statistics, learningRate: lr)
  }
}
