// EpisodeTally.swift — the training episode in progress, across rollouts:
// its undiscounted return and length so far, published when it ends.

/// One worker's running episode. Every algorithm adds each step's reward
/// and publishes the episode through its link when it ends.
struct EpisodeTally {
  private(set) var total = 0.0
  private(set) var length = 0

  /// Counts one step and its reward.
  mutating func add(_ reward: Double) {
    total += reward
    length += 1
  }

  /// Publishes the finished episode (ending at global step `globalStep`)
  /// and starts the next one at zero.
  mutating func publish(to link: inout WorkerLink, globalStep: UInt64) {
    link.finishEpisode(return: total, length: length, globalStep: globalStep)
    total = 0
    length = 0
  }
}
