// RolloutBuffer.swift — a worker's rollout buffer, the one place that records what
// its K environments did over up to n lockstep steps: each row's reward and
// how the step left its episode, the values the returns bootstrap from, and
// the episodes that ended (published by the loop once the steps are counted).
// Row t·K + k is step t of environment k.
//
// Two episodes are told apart for environments that report lost lives
// (Atari): the learning episode ends at a lost life as at a terminal state
// (no bootstrap; the next rollout starts a recurrent state afresh) and
// learns from the learning reward (Atari's clipped one), while the
// environment's episode — the whole game, in game score — goes on to its
// end, and only that end resets the environment and is reported.

import BuiltInEnvs

/// How a step left an environment's episode.
enum EpisodeEnd: Equatable {
  /// Still running: the next row of the same environment follows it.
  case running
  /// Terminal: nothing follows (the return's tail is 0).
  case terminated
  /// Cut by the time limit: the tail is bootstrapped from V of the state
  /// reached, which the next row (a new episode) no longer shows.
  case truncated
}

/// Up to n lockstep steps of K environments. K = 1 is the paper's rollout,
/// which stops at the episode's end; with K > 1 every environment takes all
/// n steps and one whose episode ends starts the next at once, so a row's
/// return is cut there. Allocates nothing after `init`.
struct RolloutBuffer {
  let n: Int
  /// K, the environments stepped in lockstep.
  let envCount: Int
  var rewards: [Float]
  /// How each row's step left its episode, and for a truncation the value
  /// of the state it reached (the next row is a new episode's).
  var ends: [EpisodeEnd]
  var truncationValues: [Float]
  /// What each environment's last row continues into: 0 after a terminal
  /// state, else the value of the state reached.
  var bootstraps: [Float]
  /// The episodes that ended, in step order.
  var finished: FinishedEpisodes
  /// Lockstep steps taken (≤ n; fewer only with K = 1, when the episode ended).
  var steps = 0
  /// K = 1: the learning episode ended (the episode, or a life), and with it
  /// the rollout.
  var episodeEnded = false
  /// K = 1: the environment's episode ended: it is reset before the next
  /// rollout (a lost life alone ends only the learning episode).
  var environmentEnded = false

  init(steps n: Int, environments K: Int) {
    precondition(n >= 1 && K >= 1)
    self.n = n
    envCount = K
    rewards = [Float](repeating: 0, count: n * K)
    ends = [EpisodeEnd](repeating: .running, count: n * K)
    truncationValues = [Float](repeating: 0, count: n * K)
    bootstraps = [Float](repeating: 0, count: K)
    finished = FinishedEpisodes(capacity: n * K)
  }

  /// Environment steps, K·steps: the rows of the gradient.
  var rows: Int { steps * envCount }

  /// Empties the buffer for the next rollout.
  mutating func start() {
    steps = 0
    episodeEnded = false
    environmentEnded = false
  }

  /// Whether another lockstep step belongs to this rollout.
  var continues: Bool { steps < n && !episodeEnded }

  /// Records environment k's step as `row`: its learning reward, how it
  /// left the learning episode, and an ended episode in `finished`. Returns
  /// whether the environment must start its next episode now (K > 1: the
  /// caller first sets a truncation's `truncationValues[row]`, then resets
  /// it); with K = 1 the rollout ends instead.
  @inline(__always)
  mutating func record(_ outcome: StepOutcome, row: Int, of k: Int, _ envs: inout EnvironmentBatch) -> Bool {
    rewards[row] = Float(outcome.learningReward)
    // Gymnasium may report both at step 500: termination wins; a lost life
    // ends the learning episode as a termination does.
    ends[row] = outcome.learningTerminal ? .terminated : outcome.truncated ? .truncated : .running
    if envCount == 1 && outcome.lifeLost { episodeEnded = true }
    guard outcome.done else { return false }
    let e = envs.takeEpisode(k)
    finished.add(total: e.total, length: e.length, offset: row + 1)
    if envCount == 1 {
      episodeEnded = true
      environmentEnded = true
      return false
    }
    return true
  }

  /// K = 1: the rollout's last state is terminal (it bootstraps from 0).
  var endsTerminal: Bool { ends[steps - 1] == .terminated }

  /// K = 1: R after the last step, `value` (0 after a terminal state); a
  /// truncation at the last step is cut to it too.
  mutating func bootstrap(_ value: Float) {
    bootstraps[0] = value
    truncationValues[steps - 1] = value
  }
}

/// Episodes that ended during a rollout, published once its steps are
/// counted in T (so each carries the global step it ended at).
struct FinishedEpisodes {
  private var totals: [Double]
  private var lengths: [Int]
  private var offsets: [Int]
  private(set) var count = 0

  /// Room for `capacity` episodes (a rollout of n lockstep steps of K
  /// environments ends at most n·K of them).
  init(capacity: Int) {
    totals = [Double](repeating: 0, count: capacity)
    lengths = [Int](repeating: 0, count: capacity)
    offsets = [Int](repeating: 0, count: capacity)
  }

  /// An episode of `total` over `length` steps, ending at the rollout's
  /// `offset`-th step (1-based, in lockstep order: step t of environment k
  /// is t·K + k + 1).
  mutating func add(total: Double, length: Int, offset: Int) {
    totals[count] = total
    lengths[count] = length
    offsets[count] = offset
    count += 1
  }

  /// Episode `e` (in the order they ended): its return, length and offset.
  func episode(_ e: Int) -> (total: Double, length: Int, offset: Int) { (totals[e], lengths[e], offsets[e]) }

  /// Empties the list (once the loop published them).
  mutating func removeAll() { count = 0 }
}
