// RecurrentEpisodePlayer.swift — whole episodes of a `--net lstm` policy on
// a fixed θ (`eval`): the LSTM state starts at zero with the episode and is
// carried from each step to the next, as in training.

import BuiltInEnvs
import TinyNN

/// Plays episodes of one recurrent actor-critic network. Owns its buffers,
/// so playing allocates nothing.
struct RecurrentEpisodePlayer<Torso: Network> {
  let network: RecurrentNetwork<Torso>
  let actionCount: Int
  var workspace: RecurrentWorkspace<Float>
  var observation: [Float]
  var bytes: [UInt8]
  var probabilities: [Float]

  init(network: RecurrentNetwork<Torso>, actionCount: Int, observationSize: Int, observationBytes: Bool = false) {
    precondition(actionCount >= 1 && actionCount <= network.outputs, "more actions than outputs")
    self.network = network
    self.actionCount = actionCount
    workspace = network.makeWorkspace(maxSteps: 1)
    observation = [Float](repeating: 0, count: observationBytes ? 0 : observationSize)
    bytes = [UInt8](repeating: 0, count: observationBytes ? observationSize : 0)
    probabilities = [Float](repeating: 0, count: actionCount)
  }

  /// One episode from `env`'s reset: the most probable action with
  /// `greedy`, else sampled from π(·|s, h; θ) with `rng`; cut after
  /// `maxSteps`. A lost life (Atari) starts the state afresh, as in
  /// training; the episode is the whole game.
  mutating func play(_ env: inout any Environment, parameters: [Float], rng: inout Xoshiro256,
                     greedy: Bool, maxSteps: Int = .max) -> (return: Double, length: Int, cut: Bool) {
    let readsBytes = !bytes.isEmpty
    if readsBytes { env.reset(rng: &rng, bytes: &bytes) } else { env.reset(rng: &rng, observation: &observation) }
    workspace.resetState()
    var total = 0.0
    var length = 0
    while true {
      if readsBytes {
        network.forward(params: parameters, bytes: bytes, step: 0, workspace: &workspace)
      } else {
        network.forward(params: parameters, input: observation, step: 0, workspace: &workspace)
      }
      workspace.carryState(fromStep: 0)
      let offset = workspace.head.outputOffset(row: 0)
      let action: Int
      if greedy {
        action = QPolicy.greedy(workspace.head.activations, offset: offset, count: actionCount)
      } else {
        CategoricalPolicy.softmax(logits: workspace.head.activations, offset: offset, count: actionCount,
                                  into: &probabilities)
        action = CategoricalPolicy.sample(probs: probabilities, count: actionCount, uniform: rng.nextUnitFloat())
      }
      let outcome = readsBytes ? env.step(action: action, bytes: &bytes) : env.step(action: action, observation: &observation)
      total += outcome.reward
      length += 1
      if outcome.done { return (total, length, false) }
      if length >= maxSteps { return (total, length, true) }
      if outcome.lifeLost { workspace.resetState() }
    }
  }
}
