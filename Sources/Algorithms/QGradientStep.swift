// QGradientStep.swift — the update that ends every value-based batch.
//
// n-step Q (QN.swift), one-step Q and Sarsa (OneStepQ.swift) and their
// lockstep loops differ in how they collect transitions and targets; from
// there on the step is the same: the TD loss on the action taken in each
// row, one gradient over the rows, clipping, the lock-free apply and the
// statistics. It lives here once so the four loops cannot drift apart.

import HogwildSegment
import TinyNN

/// dθ ← ∂ Σ_i loss(y_i − Q(s_i, a_i; θ′))/∂θ′ over `rows` rows already run
/// forward in `work`, clipped to `maxNorm`; then (unless the norm is not
/// finite, which drops the gradient) the worker's delay, θ ← θ − η·dθ into
/// the shared θ with θ′ refreshed, and the gradient's statistics.
/// Allocates nothing.
@inline(__always)
func applyTDGradient<Net: Network>(
  network: Net, rows: Int, actions: [Int], targets: [Float], loss: QLoss, maxNorm: Float,
  hyper: Hyperparameters, stepsBefore: UInt64,
  work: inout NetworkWorkspace<Float>, dTheta: inout [Float], thetaLocal: inout [Float], link: inout WorkerLink
) {
  let actionCount = network.outputs
  for i in 0..<rows {
    let row = work.outputGradientOffset(row: i)
    for a in 0..<actionCount { work.outputGradient[row + a] = 0 }
    let q = work.output(row: i, index: actions[i])
    work.setOutputGradient(row: i, index: actions[i], value: loss.gradient(target: targets[i], value: q))
  }
  for j in dTheta.indices { dTheta[j] = 0 }
  network.backward(params: thetaLocal, batch: rows, workspace: &work, gradients: &dTheta)
  var tdError: Float = 0
  for i in 0..<rows { tdError += abs(targets[i] - work.output(row: i, index: actions[i])) }
  link.clipAndPush(&dTheta, maxNorm: maxNorm, hyper: hyper, step: stepsBefore + UInt64(rows), refreshing: &thetaLocal) {
    GradientStatistics(gradientNorm: Double($0), clipped: maxNorm > 0 && $0 > maxNorm,
                       tdError: Double(tdError) / Double(max(rows, 1)))
  }
}
