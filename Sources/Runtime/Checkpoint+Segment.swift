// Checkpoint+Segment.swift — a checkpoint taken of a live segment, and the
// segment's layer table as the checkpoint file stores it.

import Formats
import HogwildSegment

extension Checkpoint {
  /// Takes a checkpoint of a live segment (the copy races with workers, as
  /// any Hogwild! read does): θ, g, T, U, the layer table and every rank's
  /// counters. The supervisor adds the config and the episode windows.
  public init(segment: SharedSegment) {
    let h = segment.header
    let workers = (0..<h.procs).map { r in
      let s = segment.slot(r)
      return WorkerCounters(steps: s.steps, episodes: s.episodes, updates: s.updates, randomState: s.randomState,
                            testEpisodes: s.testEpisodes, testSteps: s.testSteps)
    }
    self.init(envID: h.envID, algorithm: h.algorithm, globalSteps: h.globalSteps.load(),
              globalUpdates: h.globalUpdates.load(), layers: h.layers.map(Checkpoint.Layer.init),
              parameters: segment.parameters.snapshot,
              optimizerStatistics: segment.optimizerStatistics.snapshot,
              workers: workers)
  }
}

extension Checkpoint.Layer {
  public init(_ e: LayerEntry) { self.init(name: e.name, rows: e.rows, cols: e.cols, offset: e.offset, count: e.count) }
}

extension LayerEntry {
  public init(_ l: Checkpoint.Layer) { self.init(name: l.name, rows: l.rows, cols: l.cols, offset: l.offset, count: l.count) }
}
