// PolicyEvaluation.swift — running a trained policy without training it
// (`hogwild-rl eval`): the algorithm's network is rebuilt from the run's
// settings and driven by a local θ; no segment, no gradients.

import Envs
import HogwildSegment
import TinyNN

/// A trained policy: the network of `kind` for `spec`, acting on a fixed θ.
public struct Policy {
  public let network: MLP
  public let actionCount: Int
  public let parameters: [Float]
  /// The network outputs Q-values: the policy is always greedy on them.
  public let valueBased: Bool

  /// Why θ does not fit the network the settings describe.
  public struct MismatchError: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  /// The network `AlgorithmFactory.make(kind, …)` trains, with θ. Throws if
  /// θ (and its layer table, when given) is not of that network's shape.
  public init(kind: AlgorithmKind, hyperparameters: Hyperparameters, spec: EnvSpec,
              parameters: [Float], layers: [LayerEntry]? = nil) throws(MismatchError) {
    // Which network the algorithm trains; the shape checks are the same for all.
    let algorithm: any SingleNetworkAlgorithm
    switch kind {
    case .a3c, .a2c: algorithm = A3C(hyperparameters: hyperparameters, spec: spec)
    case .qn, .q1, .sarsa1: algorithm = QN(hyperparameters: hyperparameters, spec: spec)
    }
    guard parameters.count == algorithm.parameterCount else {
      throw MismatchError(description: "θ has \(parameters.count) floats; the network needs \(algorithm.parameterCount)")
    }
    if let layers, layers != algorithm.layers {
      throw MismatchError(description: "the layer table does not match the network")
    }
    network = algorithm.network
    actionCount = spec.discreteActionCount
    valueBased = kind.isValueBased
    self.parameters = parameters
  }

  /// One episode from `env`'s reset. Actions are sampled from π(·|s; θ), or
  /// the most probable one with `greedy` (a Q-network always acts greedily).
  /// Returns the undiscounted return and the length.
  public func runEpisode<E: Environment>(_ env: inout E, rng: inout Xoshiro256,
                                         greedy: Bool) -> (return: Double, length: Int) {
    var player = EpisodePlayer(network: network, actionCount: actionCount,
                               observationSize: env.spec.observationSize)
    // Never abandoned: keepGoing is always true.
    return player.play(&env, parameters: parameters, rng: &rng, greedy: greedy || valueBased)!
  }

  /// Returns of `episodes` episodes of a fresh environment `spec.id`, drawn
  /// from `seed` (reproducible for a given seed).
  public func evaluate(envID: String, episodes: Int, greedy: Bool, seed: UInt64) -> [Double] {
    guard let env = EnvRegistry.make(envID) else { return [] }
    var rng = Xoshiro256(seed: seed, stream: 0xE7A1 << 32)
    return evaluate(env, episodes: episodes, greedy: greedy, rng: &rng)
  }

  func evaluate<E: Environment>(_ env: E, episodes: Int, greedy: Bool, rng: inout Xoshiro256) -> [Double] {
    var env = env
    return (0..<episodes).map { _ in runEpisode(&env, rng: &rng, greedy: greedy).return }
  }
}
