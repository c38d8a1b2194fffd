// EpisodePlayer.swift — playing whole episodes with a network on a fixed θ,
// without learning: `eval`'s episodes and the value-based methods' greedy
// test episodes share this loop.

import BuiltInEnvs
import TinyNN

/// Plays episodes of one network. Owns its buffers, so playing allocates
/// nothing (test episodes run inside a worker's loop).
public struct EpisodePlayer<Net: Network> {
  public let network: Net
  /// Actions: the first outputs (an actor-critic's last output is V).
  public let actionCount: Int
  var workspace: NetworkWorkspace<Float>
  var observation: [Float]
  /// The observation of an environment of byte observations (Atari frames).
  var bytes: [UInt8]
  var probabilities: [Float]
  /// Whether the last episode `play` returned was cut at its `maxSteps`.
  public private(set) var cut = false

  /// `observationBytes`: the environments played have byte observations.
  public init(network: Net, actionCount: Int, observationSize: Int, observationBytes: Bool = false) {
    precondition(actionCount >= 1 && actionCount <= network.outputs, "more actions than outputs")
    self.network = network
    self.actionCount = actionCount
    workspace = network.makeWorkspace(maxBatch: 1)
    observation = [Float](repeating: 0, count: observationBytes ? 0 : observationSize)
    bytes = [UInt8](repeating: 0, count: observationBytes ? observationSize : 0)
    probabilities = [Float](repeating: 0, count: actionCount)
  }

  /// One episode from `env`'s reset (its initial state drawn from `rng`).
  /// `greedy`: the action with the largest of the first `actionCount`
  /// outputs (argmax Q, or the most probable under softmax logits), lowest index on ties; otherwise sampled
  /// from softmax(outputs) with `rng`. `keepGoing(length)` is asked every
  /// 256 steps; false abandons the episode (nil). The episode is the
  /// environment's (a whole Atari game: lost lives do not end it), its
  /// return in `reward` (the game score). An episode still going after
  /// `maxSteps` steps ends there (`cut` says so).
  public mutating func play(
    _ env: inout any Environment, parameters: [Float], rng: inout Xoshiro256, greedy: Bool,
    maxSteps: Int = .max, keepGoing: (Int) -> Bool = { _ in true }
  ) -> (return: Double, length: Int)? {
    let actions = actionCount
    cut = false
    let readsBytes = env.spec.observationIsBytes
    precondition(readsBytes == !bytes.isEmpty, "EpisodePlayer: made for the other kind of observations")
    if readsBytes { env.reset(rng: &rng, bytes: &bytes) } else { env.reset(rng: &rng, observation: &observation) }
    var total = 0.0
    var length = 0
    while true {
      if readsBytes {
        network.forward(params: parameters, bytes: bytes, inputOffset: 0, row: 0, workspace: &workspace)
      } else {
        network.forward(params: parameters, input: observation, row: 0, workspace: &workspace)
      }
      let offset = workspace.outputOffset(row: 0)
      let action: Int
      if greedy {
        action = QPolicy.greedy(workspace.activations, offset: offset, count: actions)
      } else {
        CategoricalPolicy.softmax(logits: workspace.activations, offset: offset, count: actions, into: &probabilities)
        action = CategoricalPolicy.sample(probs: probabilities, count: actions, uniform: rng.nextUnitFloat())
      }
      let outcome = readsBytes ? env.step(action: action, bytes: &bytes) : env.step(action: action, observation: &observation)
      total += outcome.reward
      length += 1
      if outcome.done { return (total, length) }
      if length >= maxSteps {
        cut = true
        return (total, length)
      }
      if length % 256 == 0, !keepGoing(length) { return nil }
    }
  }
}
