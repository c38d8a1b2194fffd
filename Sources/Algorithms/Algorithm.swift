// Algorithm.swift — what the runtime needs from a learning algorithm: the
// shape of θ, its initial values, and a worker loop.

import BuiltInEnvs
import HogwildLink
import TinyNN
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
  /// One worker's loop over its `--envs-per-worker` environments (as many
  /// as `Hyperparameters.envsPerWorker`, each its own instance); returns
  /// when `link.shouldStop`.
  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64)
}

extension WorkerAlgorithm {
  /// One worker with one environment (K = 1).
  public func runWorker(link: inout WorkerLink, environment: any Environment, seed: UInt64) {
    runWorker(link: &link, environments: [environment], seed: seed)
  }
}

/// Builds the algorithm a run asked for.
///
/// Every algorithm × network pair is spelled out with its concrete network
/// type and wrapped in `SpecializedAlgorithm`, so the compiler specialises
/// each worker loop for it (see there).
public enum AlgorithmFactory {
  public static func make(_ kind: AlgorithmKind, hyperparameters h: Hyperparameters,
                          spec: EnvSpec) -> any WorkerAlgorithm {
    if kind == .a3c && spec.discreteActionCount == 0 {
      let head = GaussianHead(GaussianActions(spec))
      if h.network == .lstm {
        let net = JointRecurrentNetwork(network: NetworkBuilder.recurrentGaussian(h, spec))
        return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: net, head: head, synchronous: false))
      }
      let nets = NetworkBuilder.gaussianNetworks(h, spec)
      return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: nets, head: head, synchronous: false))
    }
    let (outputs, name) = NetworkBuilder.head(for: kind, spec)
    let categorical = CategoricalHead(actionCount: max(1, spec.discreteActionCount))
    if h.network == .lstm {
      precondition(!kind.isValueBased, "--net lstm is for the actor-critics")
      switch NetworkKind.recurrentTorso(spec) {
      case .atari:
        let net = JointRecurrentNetwork(network: NetworkBuilder.recurrentAtari(h, spec, outputs: outputs, name: name))
        return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: net, head: categorical, synchronous: kind.isSynchronous))
      case .conv:
        let net = JointRecurrentNetwork(network: NetworkBuilder.recurrentConv(h, spec, outputs: outputs, name: name))
        return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: net, head: categorical, synchronous: kind.isSynchronous))
      default: break
      }
      let net = JointRecurrentNetwork(network: NetworkBuilder.recurrentMLP(h, spec, outputs: outputs, name: name))
      return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: net, head: categorical, synchronous: kind.isSynchronous))
    }
    switch h.network {
    case .mlp:
      let net = NetworkBuilder.mlp(h, spec, outputs: outputs, name: name)
      switch kind {
      case .a3c, .a2c: return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: JointNetwork(network: net), head: categorical, synchronous: kind.isSynchronous))
      case .qn: return SpecializedAlgorithm(QN(hyper: h, spec: spec, network: net))
      case .q1, .sarsa1: return SpecializedAlgorithm(OneStepQ(hyper: h, spec: spec, network: net, sarsa: kind == .sarsa1))
      }
    case .conv:
      let net = NetworkBuilder.conv(spec, outputs: outputs, name: name)
      switch kind {
      case .a3c, .a2c: return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: JointNetwork(network: net), head: categorical, synchronous: kind.isSynchronous))
      case .qn: return SpecializedAlgorithm(QN(hyper: h, spec: spec, network: net))
      case .q1, .sarsa1: return SpecializedAlgorithm(OneStepQ(hyper: h, spec: spec, network: net, sarsa: kind == .sarsa1))
      }
    case .atari:
      let net = NetworkBuilder.atari(spec, outputs: outputs, name: name)
      switch kind {
      case .a3c, .a2c: return SpecializedAlgorithm(ActorCritic(hyperparameters: h, spec: spec, model: JointNetwork(network: net), head: categorical, synchronous: kind.isSynchronous))
      case .qn: return SpecializedAlgorithm(QN(hyper: h, spec: spec, network: net))
      case .q1, .sarsa1: return SpecializedAlgorithm(OneStepQ(hyper: h, spec: spec, network: net, sarsa: kind == .sarsa1))
      }
    case .lstm: preconditionFailure("handled above")
    }
  }
}

/// An algorithm behind closures made where its concrete type is known.
///
/// A generic algorithm (`A3C<MLP>`) stored directly in `any WorkerAlgorithm`
/// is called through its generic conformance, which runs the worker loop
/// unspecialised (the network's kernels generic over the scalar type: ~400x
/// slower, measured). Capturing the concrete value in a closure at the
/// construction site — this initialiser is always inlined there — makes the
/// compiler specialise the loop for that exact type.
struct SpecializedAlgorithm: WorkerAlgorithm {
  let layers: [LayerEntry]
  let parameterCount: Int
  let targetParameterCount: Int
  let usesGradientExchange: Bool
  let initial: (UInt64) -> [Float]
  let run: (inout WorkerLink, [any Environment], UInt64) -> Void

  @inline(__always)
  init<A: WorkerAlgorithm>(_ algorithm: A) {
    layers = algorithm.layers
    parameterCount = algorithm.parameterCount
    targetParameterCount = algorithm.targetParameterCount
    usesGradientExchange = algorithm.usesGradientExchange
    initial = { algorithm.initialParameters(seed: $0) }
    run = { algorithm.runWorker(link: &$0, environments: $1, seed: $2) }
  }

  func initialParameters(seed: UInt64) -> [Float] { initial(seed) }

  func runWorker(link: inout WorkerLink, environments: [any Environment], seed: UInt64) {
    run(&link, environments, seed)
  }
}
