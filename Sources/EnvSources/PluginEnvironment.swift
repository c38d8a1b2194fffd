// PluginEnvironment.swift — an environment from a C plugin
// (include/hogwild_env.h), stepped in this process through the plugin's
// function pointers. The runtime, not the plugin, applies the time limit.

import CEnvHost
import BuiltInEnvs
import HogwildSys

/// One environment made by a plugin. Copies share the plugin's environment
/// (it lives behind a reference); give each stepping loop its own instance
/// (`independentCopy` makes one).
///
/// A plugin of byte observations (extension 1's HW_ENV_UINT8: the Atari
/// plugin) is stepped through the byte `reset`/`step` only, and its step
/// info gives the reward, the learning reward and a lost life.
public struct PluginEnvironment: Environment {
  public let spec: EnvSpec
  public private(set) var elapsedSteps = 0
  let handle: Handle

  /// The plugin's environment and the buffers a step needs, so stepping
  /// allocates nothing.
  final class Handle {
    let env: OpaquePointer
    /// The plugin it came from, its path and options: for `independentCopy`.
    let plugin: OpaquePointer
    let path: String
    let options: [String]
    /// The action as the ABI passes it: float32 values (a discrete index in [0]).
    var action: [Float]
    var reward: Double = 0
    var terminated: Int32 = 0
    var truncated: Int32 = 0
    var info = hw_env_step_info()

    init(env: OpaquePointer, plugin: OpaquePointer, path: String, options: [String], actionSize: Int) {
      self.env = env
      self.plugin = plugin
      self.path = path
      self.options = options
      action = [Float](repeating: 0, count: actionSize)
    }

    deinit { hw_plugin_destroy(env) }
  }

  /// Loads the plugin at `path` (in this process) and creates `spec.id`'s
  /// environment from `seed`, with `options` (extension 1's `key=value`
  /// strings, as the probe was given them). `spec` is what the probe reported.
  public init(path: String, spec: EnvSpec, options: [String] = [], seed: UInt64) throws(EnvSourceError) {
    var message = [CChar](repeating: 0, count: Int(HW_PLUGIN_MESSAGE))
    var plugin: OpaquePointer?
    guard hw_plugin_open(path, &plugin, &message, message.count) == 0, let plugin else {
      throw EnvSourceError("\(path): " + CText.string(message))
    }
    try self.init(plugin: plugin, path: path, spec: spec, options: options, seed: seed)
  }

  init(plugin: OpaquePointer, path: String, spec: EnvSpec, options: [String], seed: UInt64) throws(EnvSourceError) {
    var message = [CChar](repeating: 0, count: Int(HW_PLUGIN_MESSAGE))
    let size = message.count
    var env: OpaquePointer?
    let rc = CArguments.withOptionalArgv(options) { argv in
      hw_plugin_create(plugin, spec.id, argv, seed, &env, &message, size)
    }
    guard rc == 0, let env else {
      let why = CText.string(message)
      throw EnvSourceError(Errno(rc) != .invalidArgument ? "\(path): no memory for an environment"
        : why.isEmpty ? "\(path): creating \(spec.id) (seed \(seed)) returned NULL" : "\(path): \(why)")
    }
    self.spec = spec
    handle = Handle(env: env, plugin: plugin, path: path, options: options, actionSize: max(1, spec.continuousActionSize))
  }

  /// A new environment of the same plugin, id and options, created from
  /// `seed` (a test episode must not step the training episode's). Traps
  /// if the plugin cannot make one (it made this one).
  public func independentCopy(seed: UInt64) -> any Environment {
    do {
      return try PluginEnvironment(plugin: handle.plugin, path: handle.path, spec: spec, options: handle.options,
                                   seed: seed)
    } catch {
      preconditionFailure("\(spec.id): \(error.message)")
    }
  }

  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    reset(seed: rng.next(), observation: &observation)
  }

  public mutating func reset(seed: UInt64, observation: inout [Float]) {
    precondition(!spec.observationIsBytes, "\(spec.id) has byte observations: use reset(seed:bytes:)")
    sized(&observation)
    observation.withUnsafeMutableBufferPointer { hw_plugin_reset(handle.env, seed, $0.baseAddress) }
    elapsedSteps = 0
  }

  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    precondition(action >= 0 && action < spec.discreteActionCount,
                 "\(spec.id): action \(action) outside Discrete(\(spec.discreteActionCount))")
    handle.action[0] = Float(action)
    return advance(&observation)
  }

  public mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome {
    guard case .box(let low, let high) = spec.actionSpace else {
      preconditionFailure("\(spec.id) has a discrete action space: use step(action:observation:)")
    }
    precondition(action.count == low.count, "\(spec.id): a box action has \(low.count) values")
    // The ABI promises actions within the bounds (as Gymnasium's envs clip).
    for d in 0..<low.count { handle.action[d] = min(max(action[d], Float(low[d])), Float(high[d])) }
    return advance(&observation)
  }

  public mutating func reset(rng: inout Xoshiro256, bytes: inout [UInt8]) {
    reset(seed: rng.next(), bytes: &bytes)
  }

  public mutating func reset(seed: UInt64, bytes: inout [UInt8]) {
    precondition(spec.observationIsBytes, "\(spec.id) has float observations: use reset(seed:observation:)")
    sized(&bytes)
    bytes.withUnsafeMutableBufferPointer { hw_plugin_reset_u8(handle.env, seed, $0.baseAddress) }
    elapsedSteps = 0
  }

  /// The byte step: the step info's reward (returns), learning reward (the
  /// learner's) and lost life, as far as the spec says the plugin reports them.
  public mutating func step(action: Int, bytes: inout [UInt8]) -> StepOutcome {
    precondition(spec.observationIsBytes, "\(spec.id) has float observations: use step(action:observation:)")
    precondition(action >= 0 && action < spec.discreteActionCount,
                 "\(spec.id): action \(action) outside Discrete(\(spec.discreteActionCount))")
    sized(&bytes)
    let h = handle
    h.action[0] = Float(action)
    bytes.withUnsafeMutableBufferPointer { obs in hw_plugin_step_u8(h.env, h.action, obs.baseAddress, &h.info) }
    elapsedSteps += 1
    let limited = spec.timeLimit.map { elapsedSteps >= $0 } ?? false
    let info = h.info
    return StepOutcome(reward: info.reward, terminated: info.terminated != 0, truncated: info.truncated != 0 || limited,
                       learningReward: spec.shapesReward ? info.learning_reward : info.reward,
                       lifeLost: spec.reportsLifeLoss && info.life_lost != 0)
  }

  private mutating func advance(_ observation: inout [Float]) -> StepOutcome {
    precondition(!spec.observationIsBytes, "\(spec.id) has byte observations: use step(action:bytes:)")
    sized(&observation)
    let h = handle
    observation.withUnsafeMutableBufferPointer { obs in
      hw_plugin_step(h.env, h.action, obs.baseAddress, &h.reward, &h.terminated, &h.truncated)
    }
    elapsedSteps += 1
    // Gymnasium's TimeLimit: truncated once the count reaches the limit.
    let limited = spec.timeLimit.map { elapsedSteps >= $0 } ?? false
    return StepOutcome(reward: h.reward, terminated: h.terminated != 0, truncated: h.truncated != 0 || limited)
  }

  private func sized<T: Numeric>(_ observation: inout [T]) {
    if observation.count != spec.observationSize {
      observation = [T](repeating: 0, count: spec.observationSize)
    }
  }

  /// A plugin keeps its state to itself: there is nothing to observe but
  /// the observation.
  public func writeObservation(into observation: inout [Float]) {
    preconditionFailure("\(spec.id): a plugin environment does not re-emit its observation")
  }

  public var internalState: EnvState { .null }

  public mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError) {
    throw EnvStateError("\(spec.id) is a plugin environment: its state is its own (replay it with --seed and --actions)")
  }
}
