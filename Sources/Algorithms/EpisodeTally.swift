// EpisodeTally.swift — the training episode in progress, across rollouts:
// its undiscounted return and length so far (EnvironmentBatch keeps one per
// environment).

/// One environment's running episode.
struct EpisodeTally {
  private(set) var total = 0.0
  private(set) var length = 0

  /// Counts one step and its reward.
  mutating func add(_ reward: Double) {
    total += reward
    length += 1
  }
}
