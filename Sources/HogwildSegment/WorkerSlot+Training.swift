// WorkerSlot+Training.swift — the slot's training statistics (line 7):
// running sums the worker adds one gradient's means to, and the supervisor
// differences between two readings to get an interval's means (train.csv).

import CHogwild

/// One gradient's statistics, each a mean over the rollout (or batch) it
/// came from. A value that does not apply to a method is 0.
public struct GradientStatistics: Sendable, Equatable {
  public var policyLoss: Double
  public var valueLoss: Double
  public var entropy: Double
  /// ‖dθ‖ before clipping.
  public var gradientNorm: Double
  public var clipped: Bool
  /// Mean |R − V(s)| (actor-critic) or |y − Q(s, a)| (Q family).
  public var tdError: Double

  public init(policyLoss: Double = 0, valueLoss: Double = 0, entropy: Double = 0,
              gradientNorm: Double, clipped: Bool, tdError: Double) {
    self.policyLoss = policyLoss
    self.valueLoss = valueLoss
    self.entropy = entropy
    self.gradientNorm = gradientNorm
    self.clipped = clipped
    self.tdError = tdError
  }
}

/// A reading of one slot's (or the sum of several slots') training sums.
public struct TrainingSums: Sendable, Equatable {
  public var gradients: UInt64 = 0
  public var policyLoss = 0.0
  public var valueLoss = 0.0
  public var entropy = 0.0
  public var gradientNorm = 0.0
  public var clipped: UInt64 = 0
  public var tdError = 0.0

  public init() {}

  public static func + (a: TrainingSums, b: TrainingSums) -> TrainingSums {
    var s = a
    s.gradients &+= b.gradients
    s.policyLoss += b.policyLoss
    s.valueLoss += b.valueLoss
    s.entropy += b.entropy
    s.gradientNorm += b.gradientNorm
    s.clipped &+= b.clipped
    s.tdError += b.tdError
    return s
  }

  /// The sums gathered since `earlier` (a reading of the same slots).
  public func since(_ earlier: TrainingSums) -> TrainingSums {
    var s = self
    s.gradients = gradients &- earlier.gradients
    s.policyLoss -= earlier.policyLoss
    s.valueLoss -= earlier.valueLoss
    s.entropy -= earlier.entropy
    s.gradientNorm -= earlier.gradientNorm
    s.clipped = clipped &- earlier.clipped
    s.tdError -= earlier.tdError
    return s
  }

  /// Per-gradient means; nil when no gradient was summed.
  public var means: GradientMeans? {
    guard gradients > 0 else { return nil }
    let n = Double(gradients)
    return GradientMeans(policyLoss: policyLoss / n, valueLoss: valueLoss / n, entropy: entropy / n,
                         gradientNorm: gradientNorm / n, clippedFraction: Double(clipped) / n,
                         tdError: tdError / n)
  }
}

/// Means over the gradients of an interval (or a whole run).
public struct GradientMeans: Sendable, Equatable {
  public var policyLoss, valueLoss, entropy, gradientNorm, clippedFraction, tdError: Double
}

extension WorkerSlot {
  @inlinable func f64(_ kp: WritableKeyPath<hw_worker_slot, Double>) -> UnsafeMutablePointer<Double> {
    p.pointer(to: kp)!
  }

  /// Adds one gradient's statistics to the sums (single writer: the worker;
  /// no allocation).
  @inlinable public func recordGradient(_ g: GradientStatistics, learningRate: Double) {
    func add(_ kp: WritableKeyPath<hw_worker_slot, Double>, _ v: Double) {
      // A non-finite value (a diverging run) would poison every later mean.
      guard v.isFinite else { return }
      hw_store_f64_relaxed(f64(kp), hw_load_f64_relaxed(f64(kp)) + v)
    }
    add(\.policy_loss_sum, g.policyLoss)
    add(\.value_loss_sum, g.valueLoss)
    add(\.entropy_sum, g.entropy)
    add(\.grad_norm_sum, g.gradientNorm)
    add(\.td_abs_sum, g.tdError)
    if g.clipped { hw_store_u64_relaxed(u64(\.clipped_grads), hw_load_u64_relaxed(u64(\.clipped_grads)) &+ 1) }
    hw_store_f64_relaxed(f64(\.learning_rate), learningRate)
    hw_store_u64_relaxed(u64(\.train_grads), hw_load_u64_relaxed(u64(\.train_grads)) &+ 1)
  }

  /// The learning rate of the worker's last applied gradient (0 before one).
  public var learningRate: Double { hw_load_f64_relaxed(p.pointer(to: \.learning_rate)!) }

  /// The slot's training sums now.
  public var trainingSums: TrainingSums {
    var s = TrainingSums()
    s.gradients = hw_load_u64_relaxed(u64(\.train_grads))
    s.policyLoss = hw_load_f64_relaxed(p.pointer(to: \.policy_loss_sum)!)
    s.valueLoss = hw_load_f64_relaxed(p.pointer(to: \.value_loss_sum)!)
    s.entropy = hw_load_f64_relaxed(p.pointer(to: \.entropy_sum)!)
    s.gradientNorm = hw_load_f64_relaxed(p.pointer(to: \.grad_norm_sum)!)
    s.clipped = hw_load_u64_relaxed(u64(\.clipped_grads))
    s.tdError = hw_load_f64_relaxed(p.pointer(to: \.td_abs_sum)!)
    return s
  }
}
