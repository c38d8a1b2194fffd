// UpdateOptions.swift — the run's choices of how a gradient becomes a step
// of θ (`--optimizer`, `--update`, `--rmsprop-sqrt`): plain values that the
// command line parses, checkpoints record and GradientApplier obeys.

/// How gradients reach θ (`--update`).
public enum UpdateMode: String, CaseIterable, Sendable {
  /// Plain loads and stores, no lock; lost updates accepted (the paper).
  case hogwild
  /// Every float updated with a compare-and-swap loop: nothing lost.
  case atomic
  /// One process-shared mutex around the whole apply.
  case locked
}

/// How RMSProp computes its step lr·d/√(g+ε) (`--rmsprop-sqrt`).
public enum RMSPropSqrt: String, CaseIterable, Sendable {
  /// A square root and a division (the paper's formula, as written).
  case exact
  /// lr·d·r with r the CPU's reciprocal square root estimate refined by one
  /// Newton–Raphson step: relative error below 1e-6, no square root or
  /// division. Plain kernels only: `--update atomic` has the exact form alone.
  case fast
}

/// The optimizer that turns a gradient into a step (`--optimizer`).
public enum OptimizerKind: String, CaseIterable, Sendable {
  /// RMSProp with its statistics g in the segment, shared by all workers.
  case sharedRMSProp = "shared-rmsprop"
  /// RMSProp with statistics private to each worker.
  case rmsprop
  /// Plain stochastic gradient descent.
  case sgd

  /// Whether the segment holds one statistic per parameter.
  public var usesSharedStatistics: Bool { self == .sharedRMSProp }
}
