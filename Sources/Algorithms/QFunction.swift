// QFunction.swift — what n-step Q (QN.swift), one-step Q and Sarsa
// (OneStepQ.swift) share in a worker: Q(s, ·; θ′) and Q(s, ·; θ⁻) on the
// worker's copies of θ and θ⁻, ε-greedy choice, and the update every batch
// ends with: the TD loss on the action taken in each row, one gradient
// over the rows. Local computation only; the loops make the shared calls.

import BuiltInEnvs
import TinyNN

/// One worker's Q-network state: θ′, its copy of θ⁻, dθ, the workspaces,
/// and a batch of (a_i, y_i) rows. Allocates nothing after `init`.
struct QFunction<Net: Network>: LocalGradient {
  let network: Net
  let loss: QLoss
  /// θ′, the worker's copy of θ.
  var thetaLocal: [Float]
  /// The worker's copy of θ⁻ (re-read only when its version changes).
  var thetaTarget: [Float]
  /// dθ of the last batch (not clipped).
  var dTheta: [Float]
  /// Q(s, ·; θ′), a row per transition (plus the learner's scratch rows).
  var work: NetworkWorkspace<Float>
  /// Q(s, ·; θ⁻), a row per environment.
  var targetWork: NetworkWorkspace<Float>
  /// The batch: a_i and its target y_i per row.
  var actions: [Int]
  var targets: [Float]
  /// Rows of the last gradient, and its summed TD error.
  var rows = 0
  var losses = LossSums()

  /// Room for `rows` transitions (+ `scratchRows`) and `targetRows` rows of θ⁻.
  init(network: Net, loss: QLoss, rows: Int, scratchRows: Int, targetRows: Int) {
    precondition(network.outputs > 0, "a Q-network has |A| outputs")
    self.network = network
    self.loss = loss
    thetaLocal = [Float](repeating: 0, count: network.parameterCount)
    thetaTarget = [Float](repeating: 0, count: network.parameterCount)
    dTheta = [Float](repeating: 0, count: network.parameterCount)
    work = network.makeWorkspace(maxBatch: rows + scratchRows)
    targetWork = network.makeWorkspace(maxBatch: targetRows)
    actions = [Int](repeating: 0, count: rows)
    targets = [Float](repeating: 0, count: rows)
  }

  /// |A|.
  var actionCount: Int { network.outputs }

  /// Q(s, ·; θ′) of `rows` observations from `envs` (from environment
  /// `first`) into rows `firstRow…`.
  @inline(__always)
  mutating func forward(_ envs: EnvironmentBatch, from first: Int = 0, rows: Int, firstRow: Int) {
    network.forward(params: thetaLocal, observations: envs, from: first, rows: rows, firstRow: firstRow,
                    workspace: &work)
  }

  /// ε-greedy on Q(s, ·; θ′) of `row`.
  @inline(__always)
  func epsilonGreedy(row: Int, epsilon: Float, rng: inout Xoshiro256) -> Int {
    QPolicy.epsilonGreedy(work.activations, offset: work.outputOffset(row: row), count: actionCount,
                          epsilon: epsilon, rng: &rng)
  }

  /// Q(s, ·; θ⁻) of every environment's observation, into target rows 0..<K.
  @inline(__always)
  mutating func forwardTarget(_ envs: EnvironmentBatch) {
    network.forward(params: thetaTarget, observations: envs, from: 0, rows: envs.count, firstRow: 0,
                    workspace: &targetWork)
  }

  /// max_a Q(s, a; θ⁻) of target row `row`.
  @inline(__always)
  func maxTarget(row: Int) -> Float {
    QPolicy.maxValue(targetWork.activations, offset: targetWork.outputOffset(row: row), count: actionCount)
  }

  /// Q(s, a; θ⁻) of target row `row`.
  @inline(__always)
  func target(row: Int, action a: Int) -> Float { targetWork.activations[targetWork.outputOffset(row: row) + a] }

  /// max_a Q(s, a; θ⁻) of environment k's observation alone (target row 0).
  @inline(__always)
  mutating func maxTarget(of envs: EnvironmentBatch, _ k: Int) -> Float {
    network.forward(params: thetaTarget, observations: envs, from: k, rows: 1, firstRow: 0, workspace: &targetWork)
    return maxTarget(row: 0)
  }

  /// dθ ← ∂ Σ_i loss(y_i − Q(s_i, a_i; θ′))/∂θ′ over rows 0..<rows, run
  /// forward already; the loss reaches the action taken only. The summed
  /// |y_i − Q(s_i, a_i)| goes to `losses`.
  mutating func computeGradient(rows: Int) {
    self.rows = rows
    for i in 0..<rows {
      let row = work.outputGradientOffset(row: i)
      for a in 0..<actionCount { work.outputGradient[row + a] = 0 }
      let q = work.output(row: i, index: actions[i])
      work.setOutputGradient(row: i, index: actions[i], value: loss.gradient(target: targets[i], value: q))
    }
    for j in dTheta.indices { dTheta[j] = 0 }
    network.backward(params: thetaLocal, batch: rows, workspace: &work, gradients: &dTheta)
    var tdError: Float = 0
    for i in 0..<rows { tdError += abs(targets[i] - work.output(row: i, index: actions[i])) }
    losses = LossSums(tdError: tdError)
  }
}

/// What the asynchronous Q loop (`runAsynchronousQ`, QN.swift) needs of a
/// learner: Q's parameters and batch, the episodes that ended, and the
/// local steps of a rollout and its gradient.
protocol QLearner {
  associatedtype Net: Network
  var q: QFunction<Net> { get set }
  var finished: FinishedEpisodes { get set }
  /// Transitions of the last rollout (rows of the gradient).
  var rows: Int { get }
  /// K = 1: the last rollout ended its learning episode (the episode, or
  /// a life: see RolloutBuffer.swift).
  var episodeEnded: Bool { get }
  /// Each action is chosen one step ahead, on s′ (the one-step methods):
  /// an episode's first action is chosen before its first step.
  static var choosesAhead: Bool { get }
  /// Every environment's next action (learners that choose ahead).
  mutating func chooseActions(_ envs: EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256)
  /// K = 1, after the update that ended a learning episode: the next one
  /// (the environment reset unless only a life was lost).
  mutating func startEpisode(_ envs: inout EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256)
  mutating func rollout(_ envs: inout EnvironmentBatch, epsilon: Float, rng: inout Xoshiro256)
  /// The batch's targets and dθ.
  mutating func computeGradient()
}

/// An algorithm that learns Q(s, ·; θ) with a target network θ⁻ of the
/// same shape.
protocol ValueBasedAlgorithm: SingleNetworkAlgorithm {}

extension ValueBasedAlgorithm {
  var targetParameterCount: Int { network.parameterCount }
}
