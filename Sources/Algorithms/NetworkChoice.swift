// NetworkChoice.swift — which network an algorithm trains (`--net`), and
// building it for an environment.

import BuiltInEnvs
import TinyNN

/// The network family of a run.
public enum NetworkKind: String, CaseIterable, Sendable {
  /// Dense layers (`--hidden`, `--activation`): the classic-control default.
  case mlp
  /// MinAtar's network: 3×3 convolution with 16 filters, ReLU, a dense
  /// layer of 128 ReLU units, then the outputs (`--hidden`/`--activation`
  /// do not apply). Needs a height × width × channels observation.
  case conv
  /// A3C-LSTM: the torso (`mlp`'s hidden layers; for image observations
  /// `conv`'s convolution and 128 ReLU units, or for stacked frames
  /// `atari`'s two convolutions and 256 units) → an LSTM of `--lstm-cells`
  /// cells → the policy and value outputs; the state is carried across
  /// rollouts within an episode. Actor-critics only.
  case lstm
  /// The paper's Atari network (Mnih et al. 2013, 2016): 16 filters 8×8
  /// stride 4, 32 filters 4×4 stride 2, 256 units, all ReLU, then the
  /// outputs. Needs stacked frames [channels, height, width] of at least
  /// 20×20 (ALE's [4, 84, 84] bytes).
  case atari

  /// The default for an environment: `atari` for stacked frames of bytes
  /// (the ALE's), `conv` for image-like (h × w × c) observations such as
  /// MinAtar's, `mlp` otherwise.
  public static func defaultFor(_ spec: EnvSpec) -> NetworkKind {
    if spec.observationIsBytes && readsFrames(spec) { return .atari }
    return spec.observationShape.count == 3 ? .conv : .mlp
  }

  /// Whether this network can read `spec`'s observations.
  public func fits(_ spec: EnvSpec) -> Bool {
    switch self {
    case .conv: spec.observationShape.count == 3
    case .atari: Self.readsFrames(spec)
    case .mlp, .lstm: true
    }
  }

  /// Whether `spec`'s observations are stacked frames the paper's network
  /// reads: [channels, height, width] with at most 64 channels and frames
  /// of at least 20×20 (the two convolutions need that much). MinAtar's
  /// [10, 10, C] planes are not.
  public static func readsFrames(_ spec: EnvSpec) -> Bool {
    let s = spec.observationShape
    return s.count == 3 && (1...64).contains(s[0]) && s[1] >= 20 && s[2] >= 20
  }

  /// `--net lstm`'s torso for `spec`: `atari`'s for stacked frames, `conv`'s
  /// for other images, else `mlp`'s hidden layers.
  public static func recurrentTorso(_ spec: EnvSpec) -> NetworkKind {
    readsFrames(spec) ? .atari : spec.observationShape.count == 3 ? .conv : .mlp
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

  /// The paper's Atari network over `spec`'s [channels, height, width] frames.
  static func atari(_ spec: EnvSpec, outputs: Int, name: String) -> AtariNet {
    let shape = spec.observationShape
    precondition(NetworkKind.readsFrames(spec), "--net atari needs stacked frames [channels, height, width]")
    return AtariNet(channels: shape[0], height: shape[1], width: shape[2], outputs: outputs, name: name)
  }

  /// `--net lstm`'s network for stacked frames (A3C-LSTM on Atari): the
  /// paper's two convolutions and its 256-unit layer as the torso (linear,
  /// then ReLU into the LSTM), then the LSTM and a linear head.
  static func recurrentAtari(_ hyper: Hyperparameters, _ spec: EnvSpec, outputs: Int, name: String) -> RecurrentNetwork<AtariNet> {
    let shape = spec.observationShape
    let torso = AtariNet(channels: shape[0], height: shape[1], width: shape[2], hidden: [], outputs: 256, name: "torso")
    return RecurrentNetwork(torso: torso, torsoActivation: .relu, cells: hyper.lstmCells, outputs: outputs, headName: name)
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
    case .atari: return atari(spec, outputs: outputs, name: name)
    case .lstm: preconditionFailure("--net lstm is a RecurrentNetwork, not a Network (see RecurrentPolicy)")
    }
  }
}
