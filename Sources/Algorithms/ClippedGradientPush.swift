// ClippedGradientPush.swift — the end of an asynchronous update.
//
// Once a worker has dθ, the continuous A3C (feed-forward and recurrent)
// and the value-based methods finish alike: clip, refuse a gradient that is
// not finite, wait the worker's --delay, apply lock-free, record. (A3C and
// A2C on discrete actions do the same steps in their loops, A3C.swift and
// A2C.swift, where the paper's order is spelled out.)

import HogwildSegment
import TinyNN

extension WorkerLink {
  /// Clips `dTheta` to `maxNorm` (0: no clipping). A gradient whose norm is
  /// not finite is dropped (counted, never written into θ); otherwise waits
  /// this worker's `--delay`, applies `dTheta` lock-free to the shared θ
  /// at the learning rate of global step `step` (θ′ refreshed in the same
  /// pass) and records `statistics(norm)`. Allocates nothing.
  @inline(__always)
  mutating func clipAndPush(
    _ dTheta: inout [Float], maxNorm: Float, hyper: Hyperparameters, step: UInt64,
    refreshing thetaLocal: inout [Float], statistics: (_ norm: Float) -> GradientStatistics
  ) {
    let norm = clipGradientNorm(&dTheta, maxNorm: maxNorm)
    guard norm.isFinite else {
      dropGradient()
      return
    }
    let recorded = statistics(norm)
    // The wall-clock delay between reading θ and writing dθ (--delay).
    waitDelay()
    // HOGWILD: lock-free apply of dθ to the shared θ
    let lr = hyper.learningRateSchedule.rate(base: Float(hyper.learningRate), step: step, of: tMax)
    pushGradient(dTheta, learningRate: lr, refreshing: &thetaLocal)
    recordGradient(recorded, learningRate: lr)
  }
}
