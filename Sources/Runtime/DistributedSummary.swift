// DistributedSummary.swift — what summary.json (and `dump`) say about a
// distributed run: the job, the syncs' cost, and staleness at both levels —
// within a node (updates other workers of the node applied while a worker
// computed, as on one machine) and across nodes (updates the other nodes
// made that a node had not seen until a sync merged them).

import Formats
import HogwildLink
import HogwildSegment

/// One node's figures, from its own slots (this node) or rank 0's node table.
public struct NodeFigures: Sendable, Equatable {
  public var node: Int
  public var procs: UInt64
  public var steps: UInt64
  public var updates: UInt64
  public var episodes: UInt64
  public var restarts: UInt64
  /// Within the node: staleness of its workers' gradients.
  public var withinNode: StalenessSummary
  public var stalenessSum: UInt64
  /// Across nodes: syncs, and the updates each merged from the other nodes.
  public var syncs: UInt64
  public var remoteUpdatesTotal: UInt64
  public var localUpdatesTotal: UInt64
  public var intervalNanosecondsTotal: UInt64
  public var syncNanosecondsTotal: UInt64
  public var syncNanosecondsMax: UInt64
  public var remoteHistogram: [UInt64]

  /// From a row of rank 0's node table.
  public init(node: Int, _ s: NodeStatistics) {
    self.node = node
    procs = s.procs
    steps = s.steps
    updates = s.updates
    episodes = s.episodes
    restarts = s.restarts
    withinNode = StalenessSummary(histogram: s.stalenessHistogram, sum: s.stalenessSum, max: s.stalenessMax)
    stalenessSum = s.stalenessSum
    syncs = s.syncs
    remoteUpdatesTotal = s.remoteUpdatesTotal
    localUpdatesTotal = s.localUpdatesTotal
    intervalNanosecondsTotal = s.intervalNanosecondsTotal
    syncNanosecondsTotal = s.syncNanosecondsTotal
    syncNanosecondsMax = s.syncNanosecondsMax
    remoteHistogram = s.remoteHistogram
  }

  /// From this node's own slots and hw_dist (live).
  public init(node: Int, slots: [WorkerSlot], state: DistributedState) {
    self.node = node
    procs = UInt64(slots.count)
    steps = slots.reduce(0) { $0 &+ $1.steps }
    updates = slots.reduce(0) { $0 &+ $1.updates }
    episodes = slots.reduce(0) { $0 &+ $1.episodes }
    restarts = slots.reduce(0) { $0 &+ UInt64($1.restarts) }
    withinNode = StalenessSummary(slots: slots)
    stalenessSum = slots.reduce(0) { $0 &+ $1.stalenessSum }
    syncs = state.syncs
    remoteUpdatesTotal = state.remoteUpdatesTotal
    localUpdatesTotal = state.localUpdatesTotal
    intervalNanosecondsTotal = state.intervalNanosecondsTotal
    syncNanosecondsTotal = state.syncNanosecondsTotal
    syncNanosecondsMax = state.syncNanosecondsMax
    remoteHistogram = state.remoteHistogram
  }

  func perSync(_ total: UInt64) -> Double { syncs > 0 ? Double(total) / Double(syncs) : 0 }

  /// Across nodes, in updates: the other nodes' updates one sync merged
  /// (on average), which this node's workers had not seen.
  public var remoteUpdatesPerSync: Double { perSync(remoteUpdatesTotal) }
  /// The time between syncs, ms (on average).
  public var intervalMilliseconds: Double { perSync(intervalNanosecondsTotal) / 1e6 }

  public var json: JSON {
    .object([
      ("rank", .int(Int64(node))),
      ("procs", .uint(procs)),
      ("steps", .uint(steps)),
      ("updates", .uint(updates)),
      ("episodes", .uint(episodes)),
      ("worker_restarts", .uint(restarts)),
      ("syncs", .uint(syncs)),
      ("sync_ms_mean", .double(perSync(syncNanosecondsTotal) / 1e6)),
      ("sync_ms_max", .double(Double(syncNanosecondsMax) / 1e6)),
      ("staleness_within_node", withinNode.json),
      ("staleness_across_nodes", .object([
        ("remote_updates_per_sync", .double(remoteUpdatesPerSync)),
        ("local_updates_per_sync", .double(perSync(localUpdatesTotal))),
        ("interval_ms", .double(intervalMilliseconds)),
        ("histogram", .array(remoteHistogram.map(JSON.uint))),
      ])),
    ])
  }
}

/// summary.json's "distributed" object.
public struct DistributedSummary: Sendable {
  public var settings: DistributedSettings
  /// This node's syncs and their cost.
  public var syncs: UInt64
  public var bytesPerSync: Double
  public var syncMillisecondsMean: Double
  public var syncMillisecondsMax: Double
  public var episodesForwarded: UInt64
  /// Whether the last sync (every node's final updates) completed.
  public var finished: Bool
  /// Every node, rank order; nil where nothing was received.
  public var nodes: [NodeFigures?]

  /// - Parameter nodes: the node table's rows; nil at this node's own rank
  ///   (read from `slots` and `state` instead) and where nothing arrived.
  public init(settings: DistributedSettings, state: DistributedState, slots: [WorkerSlot],
              nodes table: [NodeStatistics?], finished: Bool) {
    self.settings = settings
    syncs = state.syncs
    let n = Double(Swift.max(syncs, 1))
    bytesPerSync = Double(state.bytesTotal) / n
    syncMillisecondsMean = Double(state.syncNanosecondsTotal) / n / 1e6
    syncMillisecondsMax = Double(state.syncNanosecondsMax) / 1e6
    episodesForwarded = state.episodesForwarded
    self.finished = finished
    nodes = table.enumerated().map { rank, row in
      rank == settings.node ? NodeFigures(node: rank, slots: slots, state: state) : row.map { NodeFigures(node: rank, $0) }
    }
  }

  /// Within-node staleness over every node's workers.
  public var withinNode: StalenessSummary {
    var hist = [UInt64](repeating: 0, count: WorkerSlot.stalenessBuckets)
    var sum: UInt64 = 0, mx: UInt64 = 0
    for f in nodes.compactMap({ $0 }) {
      for (i, v) in f.withinNode.histogram.enumerated() where i < hist.count { hist[i] &+= v }
      sum &+= f.stalenessSum
      mx = Swift.max(mx, f.withinNode.max)
    }
    return StalenessSummary(histogram: hist, sum: sum, max: mx)
  }

  public var json: JSON {
    let known = nodes.compactMap { $0 }
    let remote = known.isEmpty ? 0 : known.map(\.remoteUpdatesPerSync).reduce(0, +) / Double(known.count)
    let interval = known.isEmpty ? 0 : known.map(\.intervalMilliseconds).reduce(0, +) / Double(known.count)
    return .object([
      ("rank", .int(Int64(settings.node))),
      ("nodes", .int(Int64(settings.nodes))),
      ("launcher", .string(settings.launcher)),
      ("sync", .string(settings.sync.rawValue)),
      ("sync_every", .string(Delay.format(settings.syncEveryNanoseconds))),
      ("sync_rmsprop", .string(settings.rmsprop.rawValue)),
      ("syncs", .uint(syncs)),
      ("bytes_per_sync", .double(bytesPerSync.rounded())),
      ("sync_ms_mean", .double(syncMillisecondsMean)),
      ("sync_ms_max", .double(syncMillisecondsMax)),
      ("episodes_received", .uint(episodesForwarded)),
      ("final_sync", .bool(finished)),
      ("staleness_within_node", withinNode.json),
      ("staleness_across_nodes", .object([
        ("remote_updates_per_sync", .double(remote)),
        ("interval_ms", .double(interval)),
      ])),
      ("per_node", .array(nodes.enumerated().map { rank, f in
        f?.json ?? .object([("rank", .int(Int64(rank))), ("reported", .bool(false))])
      })),
    ])
  }
}
