// Supervisor+Distributed.swift — what a supervisor does differently as one
// node of `run --distributed` (docs/DISTRIBUTED.md; the protocol is
// include/hogwild.h NOTES (i)). The node's segment, workers and watch loop
// are the ones of a run on one machine; in addition the supervisor
//   - fills hw_dist before publishing, spawns the communicator after, and
//     forks its workers only once rank 0's θ has arrived;
//   - watches the communicator like a worker (its exit, its heartbeat) and
//     takes up a stop the nodes agreed on;
//   - on rank 0, drains the inbox of the other nodes' episodes with its own
//     ring and writes a train.csv row per node;
//   - at the end asks for the stop, reports its workers gone and waits for
//     the last sync before writing outputs (rank 0 only) and unlinking.

import Formats
import HogwildLink
import HogwildSegment
import HogwildSys

extension Supervisor {
  /// How long the nodes may take to all reach their first collective.
  static let joinTimeoutNanoseconds: UInt64 = 120_000_000_000

  /// The creator's fields of hw_dist (before `publish`).
  func prepareDistributed(_ segment: SharedSegment) {
    guard let d = config.distributed, let state = segment.distributed else { return }
    state.node = d.node
    state.syncEveryNanoseconds = d.syncEveryNanoseconds
    state.syncMode = d.sync
    state.rmspropSync = d.rmsprop
    state.supervisorPID = CurrentProcess.id
  }

  /// Spawns the communicator and waits for rank 0's θ, g, T and U (after
  /// `publish`, before any worker exists).
  func startCommunicator(_ segment: SharedSegment) throws(RunError) {
    guard let d = config.distributed, let state = segment.distributed else { return }
    let comm = try Communicator.spawn(path: d.communicatorPath, segment: segment, state: state)
    communicator = comm
    try comm.waitUntilReady(timeout: Self.joinTimeoutNanoseconds)
    // θ⁻ starts as a copy of θ: rank 0's, now.
    if segment.targetParameters.count > 0 { segment.targetParameters.copy(from: segment.parameters) }
    if config.progress {
      log("distributed: rank \(d.node) of \(d.nodes) (\(d.launcher)); sync \(d.sync.rawValue) every "
        + "\(Delay.format(d.syncEveryNanoseconds)), RMSProp statistics \(d.rmsprop.rawValue); communicator pid \(comm.process.pid)")
    }
  }

  /// Once per poll: the communicator's death or missed heartbeat ends the
  /// run with an error; a stop the nodes agreed on becomes this node's reason.
  func watchCommunicator() {
    guard let comm = communicator, comm.isRunning else { return }
    if let status = comm.poll() {
      guard reason == nil else { return }
      let what = "the communicator (pid \(comm.process.pid)) failed: \(comm.failure(status)); "
        + "MPI has no elastic recovery, so the whole job ends"
      log("error: \(what)")
      reason = .error(what)
      return
    }
    if reason == nil, let agreed = comm.state.stopAgreed {
      switch agreed {
      case .tMax: reason = .tMax
      case .targetReached: reason = .targetReached
      case .signal(let s): reason = .signal(s)
      case .error: reason = .error("another node failed, so every node stops (see its message)")
      }
    }
    let now = MonotonicClock.now
    let beat = max(comm.state.heartbeat, comm.startedAt)
    if reason == nil, now > beat, now - beat > config.workerTimeout {
      comm.kill()
      let what = "the communicator missed its heartbeat for \(Delay.format(config.workerTimeout)) "
        + "(a collective waited that long: another node hangs or died) and was killed"
      log("error: \(what)")
      reason = .error(what)
    }
  }

  /// Asks the other nodes to stop for this node's reason (the next sync
  /// carries it).
  func requestDistributedStop(_ segment: SharedSegment) {
    guard let state = segment.distributed, let reason else { return }
    switch reason {
    case .tMax: state.stopRequest = .tMax
    case .targetReached: state.stopRequest = .targetReached
    case .signal(let s): state.stopRequest = .signal(s)
    case .error: state.stopRequest = .error
    }
  }

  /// After the workers are reaped: the communicator's last sync (every
  /// node's final updates into θ, the last episodes into rank 0's inbox),
  /// after which it leaves MPI. A stop signal means mpirun is ending the
  /// job (Ctrl-C, or a rank died), and it kills the communicators (they are
  /// its MPI processes) about a second after the ranks: the last sync gets
  /// half a second; a failed node, whose peers are about to stop, as long.
  func finishCommunicator(_ segment: SharedSegment, metrics: MetricsWriter) {
    guard let comm = communicator, let d = config.distributed else { return }
    let timeout: UInt64
    switch reason {
    case .signal?, .error?: timeout = 500_000_000
    default: timeout = max(10_000_000_000, 4 * d.syncEveryNanoseconds + 2 * Self.shutdownGraceNanoseconds)
    }
    let finished = comm.finish(timeout: timeout) { drain(segment, into: metrics) }
    if !finished, reason == .tMax || reason == .targetReached {
      log("warning: the last sync did not complete; this node's outputs hold its own last updates")
    }
  }

  /// After the last sync, before writing outputs: the segment's name goes
  /// (unless --keep-segment). mpirun SIGKILLs a rank that is slow to stop;
  /// with the name gone, a kill while the outputs are written leaves
  /// nothing behind. (Until then the communicator is the segment's guardian:
  /// it unlinks the name if this process dies.)
  func releaseSegmentName(_ segmentName: String) {
    guard communicator != nil, !config.keepSegment else { return }
    try? SharedSegment.unlink(name: segmentName)
  }

  /// The very last step: a communicator still inside a collective (a node
  /// died, or the last sync timed out) is killed. Not earlier: Open MPI
  /// takes the death of a process inside MPI for its rank's and SIGKILLs
  /// the rank's launched process (this supervisor) at once.
  func endCommunicator() {
    communicator?.kill()
  }

  /// Moves the other nodes' episodes from the inbox to metrics.csv (rank 0).
  func drainInbox(_ segment: SharedSegment, into metrics: MetricsWriter, final: Bool) {
    guard let inbox = segment.distributed?.inbox else { return }
    while inboxTicket < inbox.published {
      switch inbox.read(ticket: inboxTicket) {
      case .ready(let record):
        accept(record, metrics: metrics)
      case .overwritten:
        lostRecords += 1
      case .notYetWritten:
        // One writer (rank 0's communicator), which publishes at once; a
        // ticket left empty means it died mid-record.
        guard final else { return }
        lostRecords += 1
      }
      inboxTicket += 1
    }
  }

  /// Rank 0: a train.csv row (and TensorBoard points) for every other node,
  /// from the node table, over the same interval as rank 0's own row.
  func logOtherNodes(_ segment: SharedSegment, at now: UInt64, into log: TrainingLogWriter) {
    guard let state = segment.distributed, state.nodes > 1 else { return }
    let globalSteps = segment.header.globalSteps.load()
    for node in 1..<state.nodes {
      guard let stats = state.statistics(ofNode: node) else { continue }
      let reading = TrainingReading(node: stats, globalSteps: globalSteps, nanoseconds: now)
      let previous = nodeReadings[node]
        ?? (TrainingReading(node: NodeStatistics(), globalSteps: 0, nanoseconds: startNanoseconds), 0)
      var row = TrainingRow(from: previous.reading, to: reading, start: startNanoseconds)
      row.node = node
      // The node's own rate: its steps, not T's (T counts every node).
      let seconds = Swift.max(Double(now &- previous.reading.nanoseconds) / 1e9, 1e-9)
      row.stepsPerSecond = Double(stats.steps &- previous.steps) / seconds
      log.append(row)
      tensorBoard?.row(row, nanoseconds: now, lostFraction: nil, tagPrefix: "node\(node)/")
      nodeReadings[node] = (reading, stats.steps)
    }
  }

  /// summary.json's "distributed" object (rank 0, after the last sync),
  /// and the updates of every node in `updates` (U counts this node's).
  func addDistributedSummary(_ summary: inout RunSummary, _ segment: SharedSegment) {
    guard let d = config.distributed, let state = segment.distributed else { return }
    var nodes: [NodeStatistics?] = (0..<state.nodes).map { state.statistics(ofNode: $0) }
    // This node's own figures are live; the table's row is a sync old.
    nodes[d.node] = nil
    let s = DistributedSummary(settings: d, state: state, slots: (0..<config.procs).map(segment.slot),
                               nodes: nodes, finished: state.phase == .finished)
    summary.distributed = s
    summary.updates = s.nodes.enumerated().reduce(summary.updates) { total, n in
      n.offset == d.node ? total : total &+ (n.element?.updates ?? 0)
    }
  }
}
