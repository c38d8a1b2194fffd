// Algorithm.swift — what the runtime needs from a learning algorithm: the
// shape of θ, its initial values, and a worker loop.

import Envs
import HogwildSegment

/// The algorithms `--algo` selects.
public enum AlgorithmKind: String, CaseIterable, Sendable {
  /// Asynchronous advantage actor-critic (Mnih et al. 2016, Algorithm S3).
  case a3c
  /// Synchronous advantage actor-critic (A3C's control: a barrier, no staleness).
  case a2c
  /// Asynchronous n-step Q-learning (Algorithm S2), with a target network θ⁻.
  case qn
  /// Asynchronous one-step Q-learning (Algorithm 1).
  case q1
  /// Asynchronous one-step Sarsa.
  case sarsa1

  /// Whether the algorithm keeps a target network θ⁻ in the segment.
  public var usesTargetNetwork: Bool { isValueBased }
  /// Whether its network outputs Q-values (acting greedily on them).
  public var isValueBased: Bool { self == .qn || self == .q1 || self == .sarsa1 }
  /// Whether workers meet at a barrier and exchange gradients (A2C).
  public var isSynchronous: Bool { self == .a2c }
}

/// A learning algorithm as the supervisor and the workers see it.
public protocol WorkerAlgorithm {
  /// Named tensors of θ, in storage order (the segment's layer table).
  var layers: [LayerEntry] { get }
  /// Floats in θ.
  var parameterCount: Int { get }
  /// Floats of the target network θ⁻ in the segment (0: none).
  var targetParameterCount: Int { get }
  /// Whether the segment needs A2C's gradient rows and barrier.
  var usesGradientExchange: Bool { get }
  /// θ at the start of a run, drawn from `seed`.
  func initialParameters(seed: UInt64) -> [Float]
  /// One worker's loop; returns when `link.shouldStop`.
  func runWorker(link: inout WorkerLink, environment: any Environment, seed: UInt64)
}

/// Builds the algorithm a run asked for.
public enum AlgorithmFactory {
  public static func make(_ kind: AlgorithmKind, hyperparameters: Hyperparameters,
                          spec: EnvSpec) -> any WorkerAlgorithm {
    switch kind {
    case .a3c:
      spec.discreteActionCount > 0
        ? A3C(hyperparameters: hyperparameters, spec: spec)
        : ContinuousA3C(hyperparameters: hyperparameters, spec: spec)
    case .a2c: A2C(hyperparameters: hyperparameters, spec: spec)
    case .qn: QN(hyperparameters: hyperparameters, spec: spec)
    case .q1: OneStepQ(hyperparameters: hyperparameters, spec: spec, sarsa: false)
    case .sarsa1: OneStepQ(hyperparameters: hyperparameters, spec: spec, sarsa: true)
    }
  }
}
