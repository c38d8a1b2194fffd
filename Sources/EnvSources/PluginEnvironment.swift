// PluginEnvironment.swift — an environment from a C plugin
// (include/hogwild_env.h), stepped in this process through the plugin's
// function pointers. The runtime, not the plugin, applies the time limit.

import CEnvHost
import Envs
import HogwildSys

/// One environment made by a plugin. Copies share the plugin's environment
/// (it lives behind a reference); give each stepping loop its own instance.
public struct PluginEnvironment: Environment {
  public let spec: EnvSpec
  public private(set) var elapsedSteps = 0
  let handle: Handle

  /// The plugin's environment and the buffers a step needs, so stepping
  /// allocates nothing.
  final class Handle {
    let env: OpaquePointer
    /// The action as the ABI passes it: float32 values (a discrete index in [0]).
    var action: [Float]
    var reward: Double = 0
    var terminated: Int32 = 0
    var truncated: Int32 = 0

    init(env: OpaquePointer, actionSize: Int) {
      self.env = env
      action = [Float](repeating: 0, count: actionSize)
    }

    deinit { hw_plugin_destroy(env) }
  }

  /// Loads the plugin at `path` (in this process) and creates `spec.id`'s
  /// environment from `seed`. `spec` is what the probe reported.
  public init(path: String, spec: EnvSpec, seed: UInt64) throws(EnvSourceError) {
    var message = [CChar](repeating: 0, count: Int(HW_PLUGIN_MESSAGE))
    var plugin: OpaquePointer?
    guard hw_plugin_open(path, &plugin, &message, message.count) == 0, let plugin else {
      throw EnvSourceError("\(path): " + CText.string(message))
    }
    var env: OpaquePointer?
    let rc = hw_plugin_create(plugin, spec.id, seed, &env)
    guard rc == 0, let env else {
      throw EnvSourceError(Errno(rc) == .invalidArgument ? "\(path): hw_env_create(\"\(spec.id)\", \(seed)) returned NULL"
        : "\(path): no memory for an environment")
    }
    self.spec = spec
    handle = Handle(env: env, actionSize: max(1, spec.continuousActionSize))
  }

  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    reset(seed: rng.next(), observation: &observation)
  }

  public mutating func reset(seed: UInt64, observation: inout [Float]) {
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

  private mutating func advance(_ observation: inout [Float]) -> StepOutcome {
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

  private func sized(_ observation: inout [Float]) {
    if observation.count != spec.observationSize {
      observation = [Float](repeating: 0, count: spec.observationSize)
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
