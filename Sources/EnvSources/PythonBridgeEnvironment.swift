// PythonBridgeEnvironment.swift — an environment living in a Python process
// (`gym:ID`, `py:MODULE:FACTORY`), stepped through the shared exchange block
// of include/hogwild_bridge.h: one fixed-size request and answer per step.

import CEnvHost
import BuiltInEnvs
import HogwildSys

/// A Python environment behind the bridge. Copies share the one Python
/// process (it lives behind a reference); it ends when the last copy goes,
/// or with the process that started it.
///
/// A bridge that fails mid-run (the Python environment raised, or its
/// process died) cannot be recovered from inside a step: the process prints
/// one line saying why and exits with status 1 — in a worker that is a
/// worker failure, which the supervisor re-forks.
public struct PythonBridgeEnvironment: Environment {
  public let spec: EnvSpec
  public private(set) var elapsedSteps = 0
  let bridge: Bridge

  final class Bridge {
    let handle: OpaquePointer
    var action: [Float]
    var reward: Double = 0
    var terminated: Int32 = 0
    var truncated: Int32 = 0

    init(handle: OpaquePointer, actionSize: Int) {
      self.handle = handle
      action = [Float](repeating: 0, count: actionSize)
    }

    deinit { hw_bridge_close(handle) }

    /// Ends the process after a failed exchange (see the type's doc).
    func fail(_ rc: Int32) -> Never {
      let why = String(cString: hw_bridge_message(handle))
      let line = "error: \(rc == HW_BRIDGE_FAILED ? "the Python environment failed: " : "")\(why)\n"
      StandardError.write(line)
      CurrentProcess.exitImmediately(1)
    }
  }

  /// Starts `python` running the adaptor for `source` and waits until the
  /// environment is made. `spinNanoseconds`: how long each side polls before
  /// sleeping (worth it only while a CPU is free for the other side).
  public init(source: EnvSource, spec: EnvSpec, python: String, spinNanoseconds: UInt64) throws(EnvSourceError) {
    let actionSize = max(1, spec.continuousActionSize)
    var message = [CChar](repeating: 0, count: 2048)
    var handle: OpaquePointer?
    let argv = [python, "-c", PythonAdaptor.source, "serve", source.text]
    let rc = CArguments.withArgv(argv) { argv in
      hw_bridge_start(argv, UInt32(spec.observationSize), UInt32(actionSize), spinNanoseconds,
                      PythonProbe.timeoutNanoseconds, &handle, &message, message.count)
    }
    guard rc == 0, let handle else { throw EnvSourceError("\(source.text): " + CText.string(message)) }
    self.spec = spec
    bridge = Bridge(handle: handle, actionSize: actionSize)
  }

  /// The Python process's pid.
  public var processID: Int32 { hw_bridge_pid(bridge.handle) }

  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    reset(seed: rng.next(), observation: &observation)
  }

  public mutating func reset(seed: UInt64, observation: inout [Float]) {
    sized(&observation)
    let b = bridge
    let rc = observation.withUnsafeMutableBufferPointer { hw_bridge_reset(b.handle, seed, $0.baseAddress) }
    if rc != 0 { b.fail(rc) }
    elapsedSteps = 0
  }

  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    precondition(action >= 0 && action < spec.discreteActionCount,
                 "\(spec.id): action \(action) outside Discrete(\(spec.discreteActionCount))")
    bridge.action[0] = Float(action)
    return advance(&observation)
  }

  public mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome {
    guard case .box(let low, let high) = spec.actionSpace else {
      preconditionFailure("\(spec.id) has a discrete action space: use step(action:observation:)")
    }
    precondition(action.count == low.count, "\(spec.id): a box action has \(low.count) values")
    for d in 0..<low.count { bridge.action[d] = min(max(action[d], Float(low[d])), Float(high[d])) }
    return advance(&observation)
  }

  private mutating func advance(_ observation: inout [Float]) -> StepOutcome {
    sized(&observation)
    let b = bridge
    let rc = observation.withUnsafeMutableBufferPointer { obs in
      hw_bridge_step(b.handle, b.action, obs.baseAddress, &b.reward, &b.terminated, &b.truncated)
    }
    if rc != 0 { b.fail(rc) }
    elapsedSteps += 1
    // The runtime applies the time limit too (gymnasium.make already wraps
    // the env in TimeLimit; a py: factory's env may not).
    let limited = spec.timeLimit.map { elapsedSteps >= $0 } ?? false
    return StepOutcome(reward: b.reward, terminated: b.terminated != 0, truncated: b.truncated != 0 || limited)
  }

  private func sized(_ observation: inout [Float]) {
    if observation.count != spec.observationSize {
      observation = [Float](repeating: 0, count: spec.observationSize)
    }
  }

  public func writeObservation(into observation: inout [Float]) {
    preconditionFailure("\(spec.id): a Python environment does not re-emit its observation")
  }

  public var internalState: EnvState { .null }

  public mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError) {
    throw EnvStateError("\(spec.id) is a Python environment: its state is its own (replay it with --seed and --actions)")
  }
}
