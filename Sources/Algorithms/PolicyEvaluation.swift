// PolicyEvaluation.swift — running a trained policy without training it
// (`hogwild-rl eval`): the algorithm's network is rebuilt from the run's
// settings and driven by a local θ; no segment, no gradients.

import Envs
import HogwildSegment
import TinyNN

/// A trained policy: the network of `kind` for `spec`, acting on a fixed θ.
public struct Policy {
  /// The network (an `MLP` or a `ConvNet`, per the run's `--net`; with
  /// `--net lstm`, the recurrent network's head, and `recurrent` plays).
  public let network: any Network
  /// With `--net lstm`: one episode of the recurrent policy (the concrete
  /// network captured where its type is known).
  let recurrent: ((inout any Environment, [Float], inout Xoshiro256, Bool) -> (return: Double, length: Int))?
  public let actionCount: Int
  /// For a Box action space: the Gaussian policy's network, its action
  /// dimensions and their bounds (`network` is then unused).
  let gaussian: (policy: MLP, actions: GaussianActions)?
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
    // The network the algorithm trains, and what θ must look like for it.
    let expectedCount: Int
    let expectedLayers: [LayerEntry]
    if hyperparameters.network == .lstm && !kind.isValueBased && spec.discreteActionCount > 0 {
      gaussian = nil
      let (outputs, name) = NetworkBuilder.head(for: kind, spec)
      let actions = spec.discreteActionCount
      if spec.observationShape.count == 3 {
        let net = NetworkBuilder.recurrentConv(hyperparameters, spec, outputs: outputs, name: name)
        network = net.head
        (expectedCount, expectedLayers) = (net.parameterCount, net.layerEntries)
        recurrent = Self.player(net, actions: actions, observationSize: spec.observationSize)
      } else {
        let net = NetworkBuilder.recurrentMLP(hyperparameters, spec, outputs: outputs, name: name)
        network = net.head
        (expectedCount, expectedLayers) = (net.parameterCount, net.layerEntries)
        recurrent = Self.player(net, actions: actions, observationSize: spec.observationSize)
      }
    } else if kind == .a3c && spec.discreteActionCount == 0 && hyperparameters.network == .lstm {
      let net = NetworkBuilder.recurrentGaussian(hyperparameters, spec)
      gaussian = nil
      network = net.head
      (expectedCount, expectedLayers) = (net.parameterCount, net.layerEntries)
      recurrent = Self.gaussianPlayer(net, GaussianActions(spec), observationSize: spec.observationSize)
    } else if kind == .a3c && spec.discreteActionCount == 0 {
      let nets = NetworkBuilder.gaussianNetworks(hyperparameters, spec)
      recurrent = nil
      gaussian = (nets.policy, GaussianActions(spec))
      network = nets.policy
      (expectedCount, expectedLayers) = (nets.parameterCount, nets.layers)
    } else {
      recurrent = nil
      gaussian = nil
      let net = NetworkBuilder.network(for: kind, hyperparameters, spec)
      network = net
      (expectedCount, expectedLayers) = (net.parameterCount, net.layerEntries)
    }
    guard parameters.count == expectedCount else {
      throw MismatchError(description: "θ has \(parameters.count) floats; the network needs \(expectedCount)")
    }
    if let layers, layers != expectedLayers {
      throw MismatchError(description: "the layer table does not match the network")
    }
    actionCount = spec.discreteActionCount
    valueBased = kind.isValueBased
    self.parameters = parameters
  }

  /// A recurrent episode with the concrete network type.
  static func player<T: Network>(_ net: RecurrentNetwork<T>, actions: Int, observationSize: Int)
    -> (inout any Environment, [Float], inout Xoshiro256, Bool) -> (return: Double, length: Int)
  {
    { env, theta, rng, greedy in
      var p = RecurrentEpisodePlayer(network: net, actionCount: actions, observationSize: observationSize)
      return p.play(&env, parameters: theta, rng: &rng, greedy: greedy)
    }
  }

  /// A recurrent Gaussian episode: the LSTM state starts at zero and is
  /// carried from each step to the next; a ~ N(μ, σ²), or a = μ with
  /// `greedy`, clipped to the bounds.
  static func gaussianPlayer(_ net: RecurrentNetwork<MLP>, _ actions: GaussianActions, observationSize: Int)
    -> (inout any Environment, [Float], inout Xoshiro256, Bool) -> (return: Double, length: Int)
  {
    { env, theta, rng, greedy in
      var work: RecurrentWorkspace<Float> = net.makeWorkspace(maxSteps: 1)
      var observation = [Float](repeating: 0, count: observationSize)
      var action = [Float](repeating: 0, count: actions.dimensions)
      var raw = action
      env.reset(rng: &rng, observation: &observation)
      work.resetState()
      var total = 0.0
      var length = 0
      while true {
        net.forward(params: theta, input: observation, step: 0, workspace: &work)
        work.carryState(fromStep: 0)
        actions.choose(from: work.head, row: 0, greedy: greedy, rng: &rng, raw: &raw, rawOffset: 0, action: &action)
        let outcome = env.step(continuous: action, observation: &observation)
        total += outcome.reward
        length += 1
        if outcome.done { return (total, length) }
      }
    }
  }

  /// One episode from `env`'s reset. Actions are sampled from π(·|s; θ), or
  /// the most probable one with `greedy` (a Q-network always acts greedily).
  /// Returns the undiscounted return and the length.
  public func runEpisode<E: Environment>(_ env: inout E, rng: inout Xoshiro256,
                                         greedy: Bool) -> (return: Double, length: Int) {
    if let gaussian { return runContinuousEpisode(gaussian, &env, rng: &rng, greedy: greedy) }
    if let recurrent {
      var boxed: any Environment = env
      defer { env = boxed as! E }
      return recurrent(&boxed, parameters, &rng, greedy)
    }
    return play(network, &env, rng: &rng, greedy: greedy || valueBased)
  }

  /// One episode with the concrete network type (opened from `network`).
  func play<Net: Network, E: Environment>(_ net: Net, _ env: inout E, rng: inout Xoshiro256,
                                          greedy: Bool) -> (return: Double, length: Int) {
    var player = EpisodePlayer(network: net, actionCount: actionCount, observationSize: env.spec.observationSize)
    var boxed: any Environment = env
    defer { env = boxed as! E }
    // Never abandoned: keepGoing is always true.
    return player.play(&boxed, parameters: parameters, rng: &rng, greedy: greedy)!
  }

  /// One episode of a Gaussian policy: a ~ N(μ, σ²) clipped to the bounds,
  /// or a = μ (clipped) with `greedy`.
  func runContinuousEpisode<E: Environment>(_ g: (policy: MLP, actions: GaussianActions), _ env: inout E,
                                            rng: inout Xoshiro256, greedy: Bool) -> (return: Double, length: Int) {
    var work: MLPWorkspace<Float> = g.policy.makeWorkspace(maxBatch: 1)
    var observation = [Float](repeating: 0, count: env.spec.observationSize)
    var action = [Float](repeating: 0, count: g.actions.dimensions)
    var raw = action
    env.reset(rng: &rng, observation: &observation)
    var total = 0.0
    var length = 0
    while true {
      g.policy.forward(params: parameters, input: observation, row: 0, workspace: &work)
      g.actions.choose(from: work, row: 0, greedy: greedy, rng: &rng, raw: &raw, rawOffset: 0, action: &action)
      let outcome = env.step(continuous: action, observation: &observation)
      total += outcome.reward
      length += 1
      if outcome.done { return (total, length) }
    }
  }

  /// Returns of `episodes` episodes of `env` (freshly built with the trained
  /// run's options, e.g. its sticky actions), drawn from `seed`
  /// (reproducible for a given seed).
  public func evaluate(_ env: any Environment, episodes: Int, greedy: Bool, seed: UInt64) -> [Double] {
    var rng = Xoshiro256(seed: seed, stream: 0xE7A1 << 32)
    return evaluate(env, episodes: episodes, greedy: greedy, rng: &rng)
  }

  func evaluate<E: Environment>(_ env: E, episodes: Int, greedy: Bool, rng: inout Xoshiro256) -> [Double] {
    var env = env
    return (0..<episodes).map { _ in runEpisode(&env, rng: &rng, greedy: greedy).return }
  }
}
