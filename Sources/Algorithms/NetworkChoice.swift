// NetworkChoice.swift — which network an algorithm trains (`--net`), and
// building it for an environment.

import Envs
import TinyNN

/// The network family of a run.
public enum NetworkKind: String, CaseIterable, Sendable {
  /// Dense layers (`--hidden`, `--activation`): the classic-control default.
  case mlp
  /// MinAtar's network: 3×3 convolution with 16 filters, ReLU, a dense
  /// layer of 128 ReLU units, then the outputs (`--hidden`/`--activation`
  /// do not apply). Needs a height × width × channels observation.
  case conv
  /// A3C-LSTM: the torso (`mlp`'s hidden layers, or `conv`'s convolution
  /// and 128 ReLU units for image observations) → an LSTM of
  /// `--lstm-cells` cells → the policy and value outputs; the state is
  /// carried across rollouts within an episode. Actor-critics only.
  case lstm

  /// The default for an environment: `conv` for image-like (h × w × c)
  /// observations such as MinAtar's, `mlp` otherwise.
  public static func defaultFor(_ spec: EnvSpec) -> NetworkKind {
    spec.observationShape.count == 3 ? .conv : .mlp
  }

  /// Whether this network can read `spec`'s observations.
  public func fits(_ spec: EnvSpec) -> Bool {
    self != .conv || spec.observationShape.count == 3
  }
}

/// Builds the run's network with `outputs` outputs.
enum NetworkBuilder {
  /// The output layer `kind` needs: Q(s, ·) for the value-based methods,
  /// |A| logits and V(s) for the actor-critics; and the tensors' name.
  static func head(for kind: AlgorithmKind, _ spec: EnvSpec) -> (outputs: Int, name: String) {
    kind.isValueBased ? (spec.discreteActionCount, "q") : (spec.discreteActionCount + 1, "actor_critic")
  }

  static func mlp(_ hyper: Hyperparameters, _ spec: EnvSpec, outputs: Int, name: String) -> MLP {
    MLP(inputs: spec.observationSize, hidden: hyper.hidden, outputs: outputs, activation: hyper.activation, name: name)
  }

  static func conv(_ spec: EnvSpec, outputs: Int, name: String) -> ConvNet {
    let shape = spec.observationShape
    precondition(shape.count == 3, "--net conv needs a height × width × channels observation")
    return ConvNet(height: shape[0], width: shape[1], channels: shape[2], outputs: outputs, name: name)
  }

  /// `--net lstm`'s network for a feature-vector observation: the MLP's
  /// hidden layers as the torso (its last hidden width is the LSTM's input,
  /// through `--activation`), then the LSTM and a linear head.
  static func recurrentMLP(_ hyper: Hyperparameters, _ spec: EnvSpec, outputs: Int, name: String) -> RecurrentNetwork<MLP> {
    let torso = MLP(inputs: spec.observationSize, hidden: Array(hyper.hidden.dropLast()), outputs: hyper.hidden.last!,
                    activation: hyper.activation, name: "torso")
    return RecurrentNetwork(torso: torso, torsoActivation: hyper.activation, cells: hyper.lstmCells,
                            outputs: outputs, headName: name)
  }

  /// `--net lstm`'s network for image observations: MinAtar's convolution
  /// and 128 ReLU units as the torso, then the LSTM and a linear head.
  static func recurrentConv(_ hyper: Hyperparameters, _ spec: EnvSpec, outputs: Int, name: String) -> RecurrentNetwork<ConvNet> {
    let shape = spec.observationShape
    let torso = ConvNet(height: shape[0], width: shape[1], channels: shape[2], hidden: [], outputs: 128, name: "torso")
    return RecurrentNetwork(torso: torso, torsoActivation: .relu, cells: hyper.lstmCells, outputs: outputs, headName: name)
  }

  /// The continuous A3C's networks (the paper's, for continuous control): a
  /// policy MLP of 2·D outputs, μ_0 … μ_{D−1} then ρ_0 … ρ_{D−1}
  /// (σ² = softplus(ρ)), and a value MLP of one output after it in θ.
  static func gaussianNetworks(_ hyper: Hyperparameters, _ spec: EnvSpec) -> SplitNetworks {
    let D = GaussianActions(spec).dimensions
    let policy = MLP(inputs: spec.observationSize, hidden: hyper.hidden, outputs: 2 * D,
                     activation: hyper.activation, name: "policy")
    let value = MLP(inputs: spec.observationSize, hidden: hyper.hidden, outputs: 1, activation: hyper.activation,
                    name: "value", parameterOffset: policy.parameterCount)
    return SplitNetworks(policy: policy, value: value)
  }

  /// `--net lstm` for a Box action space: one torso → LSTM → [μ, ρ, V]
  /// network (sharing the LSTM between policy and value is the paper's LSTM
  /// agent).
  static func recurrentGaussian(_ hyper: Hyperparameters, _ spec: EnvSpec) -> RecurrentNetwork<MLP> {
    recurrentMLP(hyper, spec, outputs: 2 * GaussianActions(spec).dimensions + 1, name: "gaussian_actor_critic")
  }

  /// The network `kind` trains, for code that does not run it in a worker
  /// loop (`eval`): the factory builds the concrete types itself.
  static func network(for kind: AlgorithmKind, _ hyper: Hyperparameters, _ spec: EnvSpec) -> any Network {
    let (outputs, name) = head(for: kind, spec)
    switch hyper.network {
    case .mlp: return mlp(hyper, spec, outputs: outputs, name: name)
    case .conv: return conv(spec, outputs: outputs, name: name)
    case .lstm: preconditionFailure("--net lstm is a RecurrentNetwork, not a Network (see RecurrentPolicy)")
    }
  }
}
