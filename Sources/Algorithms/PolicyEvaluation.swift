// PolicyEvaluation.swift — running a trained policy without training it
// (`hogwild-rl eval`): the algorithm's network is rebuilt from the run's
// settings and driven by a local θ; no segment, no gradients.

import BuiltInEnvs
import HogwildSegment
import TinyNN

/// A trained policy: the network of `kind` for `spec`, acting on a fixed θ.
public struct Policy {
  /// The network (an `MLP`, a `ConvNet` or an `AtariNet`, per the run's `--net`; with
  /// `--net lstm`, the recurrent network's head, and `recurrent` plays).
  public let network: any Network
  /// With `--net lstm`: one episode of the recurrent policy (the concrete
  /// network captured where its type is known).
  let recurrent: ((inout any Environment, [Float], inout Xoshiro256, Bool, Int) -> (return: Double, length: Int, cut: Bool))?
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
      switch NetworkKind.recurrentTorso(spec) {
      case .atari:
        let net = NetworkBuilder.recurrentAtari(hyperparameters, spec, outputs: outputs, name: name)
        network = net.head
        (expectedCount, expectedLayers) = (net.parameterCount, net.layerEntries)
        recurrent = Self.player(net, actions: actions, spec: spec)
      case .conv:
        let net = NetworkBuilder.recurrentConv(hyperparameters, spec, outputs: outputs, name: name)
        network = net.head
        (expectedCount, expectedLayers) = (net.parameterCount, net.layerEntries)
        recurrent = Self.player(net, actions: actions, spec: spec)
      default:
        let net = NetworkBuilder.recurrentMLP(hyperparameters, spec, outputs: outputs, name: name)
        network = net.head
        (expectedCount, expectedLayers) = (net.parameterCount, net.layerEntries)
        recurrent = Self.player(net, actions: actions, spec: spec)
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
  static func player<T: Network>(_ net: RecurrentNetwork<T>, actions: Int, spec: EnvSpec)
    -> (inout any Environment, [Float], inout Xoshiro256, Bool, Int) -> (return: Double, length: Int, cut: Bool)
  {
    { env, theta, rng, greedy, maxSteps in
      var p = RecurrentEpisodePlayer(network: net, actionCount: actions, observationSize: spec.observationSize,
                                     observationBytes: spec.observationIsBytes)
      return p.play(&env, parameters: theta, rng: &rng, greedy: greedy, maxSteps: maxSteps)
    }
  }

  /// A recurrent Gaussian episode: the LSTM state starts at zero and is
  /// carried from each step to the next; a ~ N(μ, σ²), or a = μ with
  /// `greedy`, clipped to the bounds.
  static func gaussianPlayer(_ net: RecurrentNetwork<MLP>, _ actions: GaussianActions, observationSize: Int)
    -> (inout any Environment, [Float], inout Xoshiro256, Bool, Int) -> (return: Double, length: Int, cut: Bool)
  {
    { env, theta, rng, greedy, maxSteps in
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
        if outcome.done { return (total, length, false) }
        if length >= maxSteps { return (total, length, true) }
      }
    }
  }

  /// One episode from `env`'s reset. Actions are sampled from π(·|s; θ), or
  /// the most probable one with `greedy` (a Q-network always acts greedily).
  /// Returns the undiscounted return and the length, and whether the
  /// episode was cut at `maxSteps` (an environment without a time limit and
  /// a policy that never loses would otherwise never end).
  public func runEpisode<E: Environment>(_ env: inout E, rng: inout Xoshiro256, greedy: Bool,
                                         maxSteps: Int = .max) -> (return: Double, length: Int, cut: Bool) {
    if let gaussian { return runContinuousEpisode(gaussian, &env, rng: &rng, greedy: greedy, maxSteps: maxSteps) }
    if let recurrent {
      var boxed: any Environment = env
      defer { env = boxed as! E }
      return recurrent(&boxed, parameters, &rng, greedy, maxSteps)
    }
    // The network's concrete type (and `play` generic over nothing else), so
    // that its forward pass is the specialized one the workers run: through
    // the existential, or beside a generic environment, it is generic code
    // ~50× slower (an Atari step took 54 ms).
    let g = greedy || valueBased
    var boxed: any Environment = env
    defer { env = boxed as! E }
    switch network {
    case let net as AtariNet: return play(net, &boxed, rng: &rng, greedy: g, maxSteps: maxSteps)
    case let net as ConvNet: return play(net, &boxed, rng: &rng, greedy: g, maxSteps: maxSteps)
    case let net as MLP: return play(net, &boxed, rng: &rng, greedy: g, maxSteps: maxSteps)
    default: return play(network, &boxed, rng: &rng, greedy: g, maxSteps: maxSteps)
    }
  }

  /// One episode with the concrete network type (opened from `network`).
  func play<Net: Network>(_ net: Net, _ env: inout any Environment, rng: inout Xoshiro256,
                          greedy: Bool, maxSteps: Int) -> (return: Double, length: Int, cut: Bool) {
    var player = EpisodePlayer(network: net, actionCount: actionCount, observationSize: env.spec.observationSize,
                               observationBytes: env.spec.observationIsBytes)
    // Never abandoned: keepGoing is always true.
    let (r, length) = player.play(&env, parameters: parameters, rng: &rng, greedy: greedy, maxSteps: maxSteps)!
    return (r, length, player.cut)
  }

  /// One episode of a Gaussian policy: a ~ N(μ, σ²) clipped to the bounds,
  /// or a = μ (clipped) with `greedy`.
  func runContinuousEpisode<E: Environment>(_ g: (policy: MLP, actions: GaussianActions), _ env: inout E,
                                            rng: inout Xoshiro256, greedy: Bool,
                                            maxSteps: Int) -> (return: Double, length: Int, cut: Bool) {
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
      if outcome.done { return (total, length, false) }
      if length >= maxSteps { return (total, length, true) }
    }
  }

  /// The default per-episode step cap of `eval` and of evaluations during
  /// training (`--max-episode-steps`): far above any time limit of the
  /// built-in environments, and an end for a game without one.
  public static let defaultMaxEpisodeSteps = 100_000

  /// `episodes` episodes of `env` drawn from `seed`, as `evaluate`, each
  /// with its length and whether `maxSteps` cut it.
  public func evaluateEpisodes(_ env: any Environment, episodes: Int, greedy: Bool, seed: UInt64,
                               maxSteps: Int = .max) -> [(return: Double, length: Int, cut: Bool)] {
    var rng = Xoshiro256(seed: seed, stream: 0xE7A1 << 32)
    var env = env
    return (0..<episodes).map { _ in runEpisode(&env, rng: &rng, greedy: greedy, maxSteps: maxSteps) }
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
