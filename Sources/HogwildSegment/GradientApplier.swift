// GradientApplier.swift — writes one worker's gradient into θ, in the update
// mode and with the optimizer the run chose. The arithmetic is in the C
// kernels (Sources/CHogwild/apply.c) so the plain path vectorises.

import CHogwild

/// Applies gradients to the shared θ. One per worker process.
public struct GradientApplier {
  @usableFromInline let theta: UnsafeMutablePointer<Float>
  public let count: Int
  @usableFromInline let sharedStatistics: UnsafeMutablePointer<Float>?
  @usableFromInline let lock: UnsafeMutableRawPointer
  public let optimizer: OptimizerKind
  public let mode: UpdateMode
  public let alpha: Float
  public let epsilon: Float
  /// The RMSProp step's form (`--rmsprop-sqrt`); SGD ignores it.
  public let sqrt: RMSPropSqrt
  /// RMSProp statistics private to this worker (`--optimizer rmsprop`).
  @usableFromInline var localStatistics: [Float]
  /// This worker's row of the audit sums (`--audit`): every applied step is
  /// also added there by the audit kernels. nil: no audit.
  @usableFromInline var auditRow: UnsafeMutablePointer<Double>?
  /// Where this worker's pass over θ starts (it wraps around at the end).
  /// Workers start at different cache lines, so two concurrent applies walk
  /// different lines instead of fighting over the same one at the same
  /// moment; every line still moves between cores, but once per pass.
  public var startOffset = 0 {
    didSet { startOffset = count == 0 ? 0 : (startOffset % count) & ~15 }
  }
  /// Walk θ from high addresses to low (chunk by chunk). Workers of odd
  /// rank go backwards: two workers walking in the same direction can fall
  /// into step on the same cache lines, and then every line bounces between
  /// their cores on every access (measured: applies 10x slower); walking in
  /// opposite directions, they cross once per pass.
  public var reverse = false

  /// Floats per piece of a pass (16 cache lines).
  static let chunk = 256

  init(theta: UnsafeMutablePointer<Float>, count: Int, sharedStatistics: UnsafeMutablePointer<Float>?,
       lock: UnsafeMutableRawPointer, optimizer: OptimizerKind, mode: UpdateMode,
       alpha: Float, epsilon: Float, sqrt: RMSPropSqrt = .exact, auditRow: UnsafeMutablePointer<Double>? = nil) {
    precondition(!(mode == .atomic && sqrt == .fast), "the fast RMSProp form has no atomic kernel")
    self.auditRow = auditRow
    self.theta = theta
    self.count = count
    self.sharedStatistics = sharedStatistics
    self.lock = lock
    self.optimizer = optimizer
    self.mode = mode
    self.alpha = alpha
    self.epsilon = epsilon
    self.sqrt = sqrt
    self.localStatistics = optimizer == .rmsprop ? [Float](repeating: 0, count: count) : []
  }

  /// θ ← θ − step(gradient). Allocates nothing.
  public mutating func apply(_ gradient: [Float], learningRate lr: Float) {
    run(gradient, learningRate: lr, local: nil)
  }

  /// θ ← θ − step(gradient), writing each new θ value into `local` too, so
  /// the caller's θ′ is refreshed by the same pass over shared memory.
  public mutating func apply(_ gradient: [Float], learningRate lr: Float, refreshing local: inout [Float]) {
    precondition(local.count == count, "local parameter copy size mismatch")
    local.withUnsafeMutableBufferPointer { l in run(gradient, learningRate: lr, local: l.baseAddress) }
  }

  /// θ ← θ − step(gradient), writing each new θ value into the snapshot
  /// of `version` in `ring` too (`--stale-updates`: the applier of update v
  /// writes θ after v updates in the same pass).
  public mutating func apply(_ gradient: [Float], learningRate lr: Float, snapshot ring: StaleRing,
                             version: UInt64) {
    precondition(ring.count == count, "snapshot size mismatch")
    run(gradient, learningRate: lr, local: ring.snapshot(version))
  }

  /// Whether applied steps are also added to an audit row.
  public var isAuditing: Bool { auditRow != nil }

  /// θ[slice] ← θ[slice] − step(gradient[0 ..< slice.count]): A2C's
  /// per-worker share of one synchronous update (the optimizer statistics
  /// of the slice are updated too). Allocates nothing.
  public mutating func apply(slice: Range<Int>, gradient: [Float], learningRate lr: Float) {
    precondition(slice.lowerBound >= 0 && slice.upperBound <= count && gradient.count >= slice.count,
                 "slice out of range")
    guard !slice.isEmpty else { return }
    let locked = mode == .locked
    if locked { _ = hw_lock_acquire(lock) }
    defer { if locked { _ = hw_lock_release(lock) } }
    gradient.withUnsafeBufferPointer { g in
      // The kernel indexes the gradient like θ, so shift its base back.
      kernel(g.baseAddress! - slice.lowerBound, nil, from: slice.lowerBound, count: slice.count,
             learningRate: lr)
    }
  }

  private mutating func run(_ gradient: [Float], learningRate lr: Float, local: UnsafeMutablePointer<Float>?) {
    precondition(gradient.count == count, "gradient size mismatch")
    let locked = mode == .locked
    if locked { _ = hw_lock_acquire(lock) }
    defer { if locked { _ = hw_lock_release(lock) } }
    gradient.withUnsafeBufferPointer { g in
      let d = g.baseAddress!
      if startOffset == 0 && !reverse {
        kernel(d, local, from: 0, count: count, learningRate: lr)
        return
      }
      let chunks = (count + Self.chunk - 1) / Self.chunk
      let first = startOffset / Self.chunk
      for k in 0..<chunks {
        let c = reverse ? (first - k + chunks) % chunks : (first + k) % chunks
        let from = c * Self.chunk
        kernel(d, local, from: from, count: min(Self.chunk, count - from), learningRate: lr)
      }
    }
  }

  /// The C kernel for this optimizer and mode over θ[from ..< from+count].
  private mutating func kernel(_ grad: UnsafePointer<Float>, _ local: UnsafeMutablePointer<Float>?,
                               from i: Int, count n: Int, learningRate lr: Float) {
    let atomic = mode == .atomic, fast = sqrt == .fast
    let (theta, d, l, alpha, eps) = (self.theta + i, grad + i, local.map { $0 + i }, self.alpha, self.epsilon)
    let acc = auditRow.map { $0 + i }
    switch optimizer {
    case .sgd:
      switch (atomic, acc) {
      case (false, nil): hw_apply_sgd(theta, d, l, n, lr)
      case (true, nil): hw_apply_sgd_atomic(theta, d, l, n, lr)
      case (false, let acc?): hw_apply_sgd_audit(theta, d, l, acc, n, lr)
      case (true, let acc?): hw_apply_sgd_atomic_audit(theta, d, l, acc, n, lr)
      }
    case .sharedRMSProp:
      Self.rmsprop(theta, sharedStatistics! + i, d, l, acc, n, lr, alpha, eps, atomic: atomic, fast: fast)
    case .rmsprop:
      localStatistics.withUnsafeMutableBufferPointer { s in
        Self.rmsprop(theta, s.baseAddress! + i, d, l, acc, n, lr, alpha, eps, atomic: atomic, fast: fast)
      }
    }
  }

  private static func rmsprop(_ theta: UnsafeMutablePointer<Float>, _ stats: UnsafeMutablePointer<Float>,
                              _ d: UnsafePointer<Float>, _ l: UnsafeMutablePointer<Float>?,
                              _ acc: UnsafeMutablePointer<Double>?, _ n: Int, _ lr: Float, _ alpha: Float,
                              _ eps: Float, atomic: Bool, fast: Bool) {
    if fast {
      if let acc {
        hw_apply_rmsprop_fast_audit(theta, stats, d, l, acc, n, lr, alpha, eps)
      } else {
        hw_apply_rmsprop_fast(theta, stats, d, l, n, lr, alpha, eps)
      }
      return
    }
    switch (atomic, acc) {
    case (false, nil): hw_apply_rmsprop(theta, stats, d, l, n, lr, alpha, eps)
    case (true, nil): hw_apply_rmsprop_atomic(theta, stats, d, l, n, lr, alpha, eps)
    case (false, let acc?): hw_apply_rmsprop_audit(theta, stats, d, l, acc, n, lr, alpha, eps)
    case (true, let acc?): hw_apply_rmsprop_atomic_audit(theta, stats, d, l, acc, n, lr, alpha, eps)
    }
  }
}
