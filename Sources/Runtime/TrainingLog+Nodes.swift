// TrainingLog+Nodes.swift — train.csv rows of the other nodes of a
// distributed run, read from rank 0's node table instead of slots.

import HogwildSegment

extension TrainingReading {
  /// A reading of another node's figures (as its last sync reported them);
  /// `globalSteps` is T as rank 0 sees it.
  public init(node s: NodeStatistics, globalSteps: UInt64, nanoseconds: UInt64) {
    self.nanoseconds = nanoseconds
    self.globalSteps = globalSteps
    updates = s.updates
    sums = s.training
    stalenessHistogram = s.stalenessHistogram.isEmpty
      ? [UInt64](repeating: 0, count: WorkerSlot.stalenessBuckets) : s.stalenessHistogram
    stalenessSum = s.stalenessSum
    stalenessMax = s.stalenessMax
    learningRate = s.learningRate
    epsilon = s.epsilon
  }
}
