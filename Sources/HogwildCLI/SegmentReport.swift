// SegmentReport.swift — what `dump` shows about a segment, built once as
// JSON and rendered either as that JSON or as text tables.

import Formats
import HogwildSegment
import HogwildSys
import Runtime

enum SegmentReport {
  /// The whole report (keys documented in README, "Reading dump").
  static func json(_ seg: SharedSegment) -> JSON {
    let h = seg.header
    let now = MonotonicClock.now
    let slots = (0..<h.procs).map(seg.slot)
    let theta = seg.parameters
    let layers: [JSON] = h.layers.map { l in
      let st = theta.statistics(offset: l.offset, count: l.count)
      return .object([
        ("name", .string(l.name)), ("rows", .int(Int64(l.rows))), ("cols", .int(Int64(l.cols))),
        ("offset", .int(Int64(l.offset))), ("count", .int(Int64(l.count))),
      ] + statsFields(st))
    }
    let opt = seg.optimizerStatistics
    let workers: [JSON] = slots.map { s in
      let st = StalenessSummary(histogram: s.stalenessHistogram, sum: s.stalenessSum, max: s.stalenessMax)
      let hb = s.heartbeat
      return .object([
        ("rank", .int(Int64(s.rank))),
        ("pid", .int(Int64(s.pid))),
        ("alive", .bool(ProcessProbe.isAlive(s.pid))),
        ("status", .string(s.status.description)),
        ("t", .uint(s.steps)),
        ("episodes", .uint(s.episodes)),
        ("last_return", .double(s.lastReturn)),
        ("last_length", .uint(s.lastLength)),
        ("updates", .uint(s.updates)),
        ("staleness_mean", .double(st.mean)),
        ("staleness_p50", .double(st.p50)),
        ("staleness_p99", .double(st.p99)),
        ("staleness_max", .uint(st.max)),
        ("staleness_histogram", .array(s.stalenessHistogram.map(JSON.uint))),
        ("heartbeat_age_seconds", hb == 0 ? .null : .double(Double(now &- hb) / 1e9)),
        ("restarts", .int(Int64(s.restarts))),
        ("dropped_gradients", .uint(s.droppedGradients)),
        ("delay_seconds", .double(Double(s.delayNanoseconds) / 1e9)),
        ("epsilon", s.epsilon.isFinite ? .double(s.epsilon) : .null),
        ("test_episodes", .uint(s.testEpisodes)),
        ("test_steps", .uint(s.testSteps)),
        ("sync_gradient_round", .uint(s.syncGradientRound)),
        ("sync_reduce_round", .uint(s.syncReduceRound)),
        ("train_grads", .uint(s.trainingSums.gradients)),
        ("learning_rate", .double(s.learningRate)),
        ("training", Self.trainingJSON(s.trainingSums.means)),
      ])
    }
    return .object([
      ("segment", .string(seg.name)),
      ("bytes", .int(Int64(seg.size))),
      ("magic", .string("0x" + String(h.magic, radix: 16))),
      ("layout_version", .int(Int64(h.layoutVersion))),
      ("creator_pid", .int(Int64(h.creatorPID))),
      ("creator_alive", .bool(SegmentCatalog.isLive(seg.name, creator: h.creatorPID))),
      ("nonce", .string(String(h.nonce, radix: 16))),
      ("created_unix_ns", .uint(h.createdUnixNanoseconds)),
      ("age_seconds", .double(Double(now &- h.createdMonotonicNanoseconds) / 1e9)),
      ("state", .string(h.state.description)),
      ("env", .string(h.envID)),
      ("algo", .string(h.algorithm)),
      ("optimizer", .string(h.optimizer)),
      ("update", .string(h.updateMode)),
      ("activation", .string(h.activation)),
      ("seed", .uint(h.seed)),
      ("procs", .int(Int64(h.procs))),
      ("T", .uint(h.globalSteps.load())),
      ("T_max", .uint(h.tMax)),
      ("U", .uint(h.globalUpdates.load())),
      ("sync_rounds", .uint(h.syncRounds)),
      ("episodes_published", .uint(seg.episodeRing.published)),
      ("hyperparameters", .object(h.hyperparameters.map { ($0.key, .double($0.value)) })),
      ("regions", .array(h.regions.map {
        .object([("name", .string($0.name)), ("offset", .uint($0.offset)), ("bytes", .uint($0.bytes))])
      })),
      ("parameters", .object([("count", .int(Int64(theta.count)))] + statsFields(theta.statistics())
        // The first values exactly, so external readers (examples/) can be checked against dump.
        + [("first", .array((0..<min(firstParameters, theta.count)).map { .exactDouble(Double(theta[$0])) }))])),
      ("layers", .array(layers)),
      ("optimizer_statistics", opt.count == 0 ? .null
        : .object([("count", .int(Int64(opt.count)))] + statsFields(opt.statistics()))),
      ("staleness", StalenessSummary(slots: slots).json),
      ("stale_updates", .int(Int64(h.staleUpdates))),
      ("audit", AuditSummary(segment: seg)?.json ?? .null),
      ("workers", .array(workers)),
    ] + (seg.distributed.map { [("distributed", distributedJSON($0, updates: h.globalUpdates.load(), now: now))] } ?? []))
  }

  /// A distributed run's node: its place in the job, its communicator, the
  /// syncs and their cost, and the staleness across nodes (NOTES (i)).
  static func distributedJSON(_ d: DistributedState, updates: UInt64, now: UInt64) -> JSON {
    let syncs = d.syncs
    func perSync(_ v: UInt64) -> Double { syncs > 0 ? Double(v) / Double(syncs) : 0 }
    let end = d.lastSyncEnd
    let stop = { (s: DistributedStop?) -> JSON in s.map { .string(Self.stopName($0)) } ?? .null }
    var nodes: [JSON] = []
    if d.node == 0 {
      for r in 0..<d.nodes {
        guard let n = d.statistics(ofNode: r) else {
          nodes.append(.object([("rank", .int(Int64(r))), ("reported", .bool(false))]))
          continue
        }
        nodes.append(NodeFigures(node: r, n).json)
      }
    }
    return .object([
      ("rank", .int(Int64(d.node))),
      ("nodes", .int(Int64(d.nodes))),
      ("communicator_pid", .int(Int64(d.communicatorPID))),
      ("communicator_alive", .bool(ProcessProbe.isAlive(d.communicatorPID))),
      ("phase", .string(d.phase?.description ?? "unknown")),
      ("sync", .string(d.syncMode?.rawValue ?? "unknown")),
      ("sync_every_ms", .double(Double(d.syncEveryNanoseconds) / 1e6)),
      ("sync_rmsprop", .string(d.rmspropSync.rawValue)),
      ("syncs", .uint(syncs)),
      ("last_sync_ms", .double(Double(d.lastSyncNanoseconds) / 1e6)),
      ("last_sync_bytes", .uint(d.lastSyncBytes)),
      ("sync_ms_mean", .double(perSync(d.syncNanosecondsTotal) / 1e6)),
      ("sync_ms_max", .double(Double(d.syncNanosecondsMax) / 1e6)),
      ("bytes_total", .uint(d.bytesTotal)),
      // Across nodes: what this node has applied that the others have not
      // seen yet, and what the last sync brought from them.
      ("since_last_sync", .object([
        ("updates", .uint(updates &- d.updatesAtLastSync)),
        ("ms", end == 0 ? .null : .double(Double(now &- end) / 1e6)),
      ])),
      ("staleness_across_nodes", .object([
        ("remote_updates_last", .uint(d.remoteUpdatesLast)),
        ("remote_updates_per_sync", .double(perSync(d.remoteUpdatesTotal))),
        ("local_updates_per_sync", .double(perSync(d.localUpdatesTotal))),
        ("interval_ms", .double(perSync(d.intervalNanosecondsTotal) / 1e6)),
        ("histogram", .array(d.remoteHistogram.map(JSON.uint))),
      ])),
      ("episodes_forwarded", .uint(d.episodesForwarded)),
      ("episodes_lost", .uint(d.episodesLost)),
      ("stop_requested", stop(d.stopRequest)),
      ("stop_agreed", stop(d.stopAgreed)),
      ("workers_stopped", .bool(d.workersStopped)),
      ("error", d.error.isEmpty ? .null : .string(d.error)),
      ("per_node", d.node == 0 ? .array(nodes) : .null),
    ])
  }

  static func stopName(_ s: DistributedStop) -> String {
    switch s {
    case .tMax: "t_max"
    case .targetReached: "target_reached"
    case .signal(let n): "signal \(n)"
    case .error: "error"
    }
  }

  /// How many leading θ values the report lists (`parameters.first`).
  static let firstParameters = 8

  static func statsFields(_ s: TensorStatistics) -> [(String, JSON)] {
    [("mean", .double(s.mean)), ("std", .double(s.std)), ("min", .double(s.min)),
     ("max", .double(s.max)), ("l2", .double(s.l2)), ("non_finite", .int(Int64(s.nonFinite)))]
  }

  /// A worker's training statistics, means over all its gradients so far.
  static func trainingJSON(_ m: GradientMeans?) -> JSON {
    guard let m else { return .null }
    return .object([("policy_loss", .double(m.policyLoss)), ("value_loss", .double(m.valueLoss)),
                    ("entropy", .double(m.entropy)), ("grad_norm", .double(m.gradientNorm)),
                    ("clipped_fraction", .double(m.clippedFraction)), ("td_error", .double(m.tdError))])
  }
}
