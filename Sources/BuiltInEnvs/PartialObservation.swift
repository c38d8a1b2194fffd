// PartialObservation.swift — a partially observed variant of an environment:
// the same dynamics, rewards and time limit, but the agent sees only some
// components of the full observation (CartPoleNoVel-v1 hides the two
// velocities, as in the RL-Zoo's recurrent benchmarks; PendulumNoVel-v1
// shows cos θ and sin θ only). A feed-forward policy cannot tell the hidden
// components from one observation; a recurrent one can infer them.

/// `Base` with its observation projected onto the components `kept`.
/// Internal state, restore and step draws are the base's, so `replay` prints
/// and accepts the base's state form.
public struct PartialObservation<Base: Environment>: Environment {
  public var base: Base
  public let spec: EnvSpec
  /// Indices into the base's observation, in the order they are shown.
  public let kept: [Int]
  /// The base's full observation (reused: stepping allocates nothing).
  var full: [Float]

  /// `id` names the variant; `kept` must index the base's observation.
  public init(_ base: Base, id: String, kept: [Int]) {
    precondition(kept.allSatisfy { (0..<base.spec.observationSize).contains($0) }, "kept index out of range")
    self.base = base
    self.kept = kept
    self.full = [Float](repeating: 0, count: base.spec.observationSize)
    self.spec = PartialObservation.spec(of: base.spec, id: id, keeping: kept.count)
  }

  /// The base's spec with the new id and the smaller flat observation.
  public static func spec(of base: EnvSpec, id: String, keeping count: Int) -> EnvSpec {
    EnvSpec(id: id, observationSize: count, actionSpace: base.actionSpace,
            maxEpisodeSteps: base.maxEpisodeSteps, rewardThreshold: base.rewardThreshold,
            observationIsBinary: base.observationIsBinary,
            stickyActionProbability: base.stickyActionProbability)
  }

  public var elapsedSteps: Int { base.elapsedSteps }

  public mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) {
    base.reset(rng: &rng, observation: &full)
    project(into: &observation)
  }

  public mutating func reset(seed: UInt64, observation: inout [Float]) {
    base.reset(seed: seed, observation: &full)
    project(into: &observation)
  }

  public mutating func step(action: Int, observation: inout [Float]) -> StepOutcome {
    let outcome = base.step(action: action, observation: &full)
    project(into: &observation)
    return outcome
  }

  public mutating func step(continuous action: [Float], observation: inout [Float]) -> StepOutcome {
    let outcome = base.step(continuous: action, observation: &full)
    project(into: &observation)
    return outcome
  }

  public func writeObservation(into observation: inout [Float]) {
    var whole = [Float](repeating: 0, count: base.spec.observationSize)
    base.writeObservation(into: &whole)
    select(from: whole, into: &observation)
  }

  public var internalState: EnvState { base.internalState }

  public mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError) {
    try base.restore(state, elapsedSteps: elapsedSteps)
    base.writeObservation(into: &full)
  }

  public mutating func reseedStepDraws(_ seed: UInt64) { base.reseedStepDraws(seed) }

  func project(into observation: inout [Float]) { select(from: full, into: &observation) }

  func select(from whole: [Float], into observation: inout [Float]) {
    if observation.count != kept.count { observation = [Float](repeating: 0, count: kept.count) }
    for (i, k) in kept.enumerated() { observation[i] = whole[k] }
  }
}

extension PartialObservation: Sendable where Base: Sendable {}

extension PartialObservation where Base == CartPole {
  /// CartPole-v1 observing cart position and pole angle only.
  public static let cartPoleNoVel = PartialObservation(CartPole(), id: "CartPoleNoVel-v1", kept: [0, 2])
}

extension PartialObservation where Base == Pendulum {
  /// Pendulum-v1 observing cos θ and sin θ only.
  public static let pendulumNoVel = PartialObservation(Pendulum(), id: "PendulumNoVel-v1", kept: [0, 1])
}
