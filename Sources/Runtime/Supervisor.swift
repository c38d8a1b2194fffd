// Supervisor.swift — one training run from start to end.
//
// Order matters here:
//  1. Everything that can fail because of the user's input is checked before
//     anything is created; the segment is created next (O_EXCL), then the
//     output directory; a failure of either backs out the other.
//  2. The segment is filled and published, stop-signal handlers installed,
//     and the workers are forked while this process is still single-threaded.
//  3. The supervisor then only watches: it drains the episode ring into
//     metrics.csv, decides when to stop, reaps workers, prints progress.
//  4. Shutdown: state = stopping, workers get 1 s to leave, stragglers are
//     SIGKILLed, every child is reaped, outputs are written, the segment is
//     unlinked. No zombie, no /dev/shm entry, whatever ended the run.

import Algorithms
import BuiltInEnvs
import Formats
import HogwildLink
import HogwildSegment
import HogwildSys

/// Runs training as configured.
public final class Supervisor {
  public let config: RunConfig
  public let spec: EnvSpec
  let algorithm: any WorkerAlgorithm
  let log: (String) -> Void

  /// Stop polling more often than this and the supervisor eats a core;
  /// less often and the episode ring may fill at very high episode rates.
  static let pollNanoseconds: UInt64 = 5_000_000
  /// How long workers get to leave on their own before SIGKILL.
  static let shutdownGraceNanoseconds: UInt64 = 1_000_000_000

  /// - Parameter log: receives human-readable lines (the CLI sends them to stderr).
  public init(config: RunConfig, log: @escaping (String) -> Void) throws(RunError) {
    let spec = config.envSpec
    self.config = config
    self.spec = spec
    self.algorithm = AlgorithmFactory.make(config.algorithm, hyperparameters: config.hyperparameters, spec: spec)
    self.log = log
  }

  // MARK: state of a running run

  struct Child {
    var rank: Int
    /// The worker's reaper (our child); the worker's own pid is in its slot.
    var reaper: ForkedChild
    /// CLOCK_MONOTONIC when it was forked (its heartbeat before it has one).
    var startedAt: UInt64
    var running = true
    /// SIGKILLed by the supervisor at shutdown: its death is no failure.
    var killedBySupervisor = false
    /// SIGKILLed by the watchdog: a failure, reported as a missed heartbeat.
    var killedAsHung = false
  }

  /// Restarts used so far (bounded by --max-restarts for the whole run).
  var restartsUsed = 0

  var children: [Child] = []
  var reason: ExitReason?
  /// The last 100 training episodes, and the last 100 greedy test
  /// episodes (value-based methods); `scoredWindow` is the one that counts.
  var trainWindow = EpisodeWindow(size: 100)
  var testWindow = EpisodeWindow(size: 100)
  var nextTicket: UInt64 = 0
  var ticketWaitSince: UInt64?
  var lostRecords: UInt64 = 0
  /// Rows written to metrics.csv so far, by kind.
  var episodesWritten: UInt64 = 0
  var testEpisodesWritten: UInt64 = 0
  var solvedAt: (step: UInt64, seconds: Double)?
  var startNanoseconds: UInt64 = 0
  /// --tensorboard's event file (nil without the flag).
  var tensorBoard: TensorBoardLog?
  /// --eval-every's evaluations (Supervisor+Evaluation.swift; nil without it).
  var evaluation: EvaluationState?
  /// When training ended (workers reaped), for wall_seconds; nil before.
  var trainingEndNanoseconds: UInt64?

  // Checkpoints (Supervisor+Checkpoint.swift).
  /// When the next periodic checkpoint is due: a CLOCK_MONOTONIC time or a
  /// value of T, per --checkpoint-every; 0 until the first check.
  var nextCheckpointAt: UInt64 = 0
  var checkpointWriteFailed = false
  /// Files whose failing writes were already reported.
  var warnedWriteFailures: Set<String> = []
  /// Why the segment can no longer be trusted (truncated under the run), once it cannot.
  var segmentDamage: String?
  /// The segment's counters as last read while it was intact (for the
  /// summary of a run whose segment went bad).
  var totals = RunTotals()

  // A distributed run (Supervisor+Distributed.swift).
  /// This node's communicator (nil without --distributed).
  var communicator: Communicator?
  /// The next ticket of rank 0's inbox of other nodes' episodes.
  var inboxTicket: UInt64 = 0
  /// Each other node's last train.csv reading and its steps then.
  var nodeReadings: [Int: (reading: TrainingReading, steps: UInt64)] = [:]

  /// Trains until T_max, the target return, a signal or a failure, then
  /// writes every output and cleans up. Throws only if the run could not
  /// start; once workers exist, problems end the run with a reason instead.
  public func run() throws(RunError) -> RunSummary {
    // Stop signals wait (blocked) until the handlers are installed: one that
    // arrived while the segment and the files are being made would kill the
    // process half-way and leak them. Let through at `StopSignals.install`,
    // it stops the run cleanly right after the fork.
    StopSignals.block()
    var handlersInstalled = false
    defer { if !handlersInstalled { StopSignals.unblock() } }

    // 1. Create the segment, then the output directory.
    let layout: SegmentLayout
    do {
      layout = try SegmentLayout(
        parameterCount: algorithm.parameterCount,
        optimizerCount: config.hyperparameters.optimizer.usesSharedStatistics ? algorithm.parameterCount : 0,
        targetCount: algorithm.targetParameterCount,
        workerCount: config.procs, exchange: algorithm.usesGradientExchange,
        audit: config.audit, staleUpdates: config.staleUpdates,
        distributedNodes: config.distributed?.nodes ?? 0)
    } catch { throw .usage(error.description) }
    let segment = try createSegment(layout)
    let segmentName = segment.name
    let outDir = config.outputDirectory ?? config.defaultOutputDirectory(unixTime: WallClock.unixSeconds)
    // A distributed run's ranks above 0 write nothing: rank 0 writes for all.
    let writes = config.writesOutputs
    func output(_ file: String) -> String { writes ? outDir + "/" + file : BufferedFile.discardPath }
    do {
      if writes { try OutputFiles.makeDirectory(outDir) }
    } catch {
      try? SharedSegment.unlink(name: segmentName)
      throw .usage("--out: \(error)")
    }
    // One run per directory (taken before any file in it is touched); a
    // distributed run's ranks above 0 touch none (rank 0 holds it for all).
    var directoryLock: DirectoryLock?
    do { if writes { directoryLock = try DirectoryLock(directory: outDir) } } catch {
      try? SharedSegment.unlink(name: segmentName)
      switch error {
      case .held(let path):
        throw .usage("--out \(outDir): another run is writing there (it holds \(path))")
      case .failed(let e):
        throw .runtime(e.description)
      }
    }
    let metrics: MetricsWriter
    let trainingLog: TrainingLogWriter
    do {
      let nodeColumn = config.distributed != nil
      metrics = try MetricsWriter(path: output("metrics.csv"), append: config.resume != nil, nodeColumn: nodeColumn)
      trainingLog = try TrainingLogWriter(path: output("train.csv"), append: config.resume != nil, nodeColumn: nodeColumn)
      if writes {
        try OutputFiles.writeAtomically(outDir + "/config.json", text: config.json.serialized(indent: true) + "\n")
        if config.tensorboard { tensorBoard = try openTensorBoard(outDir) }
        evaluation = try startEvaluations(steps: config.resume?.checkpoint.globalSteps ?? 0, outDir: outDir)
      }
    } catch {
      try? SharedSegment.unlink(name: segmentName)
      throw .runtime(error.description)
    }

    // 2. Fill and publish the segment, then fork.
    fill(segment)
    prepareDistributed(segment)
    restoreFromCheckpoint(segment)
    // θ⁻ starts as a copy of θ (also after a resume: checkpoints carry no θ⁻).
    if segment.targetParameters.count > 0 { segment.targetParameters.copy(from: segment.parameters) }
    beginStudyRegions(segment)
    do { try segment.initializeLock() } catch {
      try? SharedSegment.unlink(name: segmentName)
      throw .runtime(error.description)
    }
    segment.publish()
    let header = segment.header
    header.state = .running
    // From here on a truncated segment faults into zeros, not into death.
    segment.guardAgainstTruncation()
    StopSignals.install()
    handlersInstalled = true
    if config.progress {
      // An environment built by a stated protocol (the ALE's) says which, so
      // that a run is not compared with a differently built one by mistake.
      log("run: \(config.env.label) \(config.algorithm.rawValue), \(config.procs) workers, seed \(config.seed), "
        + "T_max \(config.tMax)" + (config.settingsNote.map { "; settings: \($0)" } ?? "")
        + "; segment \(segmentName); output \(outDir)"
        + (spec.protocolLine.map { "; protocol: " + $0 } ?? ""))
    }

    // --distributed: rank 0's θ, g, T and U before any worker reads them.
    do { try startCommunicator(segment) } catch {
      StopSignals.reset()
      try? SharedSegment.unlink(name: segmentName)
      throw error
    }

    startNanoseconds = MonotonicClock.now
    startNanoseconds -= resumedWallNanoseconds(before: startNanoseconds)
    tensorBoard?.runStartUnix = Double(WallClock.now) / 1e9 - Double(MonotonicClock.now &- startNanoseconds) / 1e9
    // train.csv's first row counts from before the first fork: a fast worker
    // applies gradients while the supervisor is still forking the others.
    var lastReading = TrainingReading(segment: segment, nanoseconds: MonotonicClock.now)
    for rank in 0..<config.procs {
      guard let reaper = spawn(rank: rank, segment: segment) else { break }
      children.append(Child(rank: rank, reaper: reaper, startedAt: MonotonicClock.now))
    }

    // 3. Watch.
    var progress = ProgressLine(enabled: config.progress, tMax: config.tMax, target: config.targetReturn,
                                startSteps: header.globalSteps.load(),
                                startSeconds: Double(MonotonicClock.now - startNanoseconds) / 1e9)
    var lastReport = startNanoseconds
    var lastTotals = startNanoseconds
    totals = RunTotals(segment: segment, procs: config.procs)
    func logTraining(at now: UInt64) {
      let reading = TrainingReading(segment: segment, nanoseconds: now)
      var row = TrainingRow(from: lastReading, to: reading, start: startNanoseconds)
      row.node = config.distributed?.node
      trainingLog.append(row)
      if let tensorBoard {
        // The overall audit figure only (summary.json's per-layer ones are not plotted).
        let theta = segment.parameters
        let lost = segment.audit?.figures(theta: theta, offset: 0, count: theta.count).lostFraction
        tensorBoard.row(row, nanoseconds: now, lostFraction: lost, tagPrefix: config.distributed.map { "node\($0.node)/" } ?? "")
      }
      lastReading = reading
      if writes { logOtherNodes(segment, at: now, into: trainingLog) }
      tensorBoard?.flush()
    }
    while reason == nil {
      MonotonicClock.sleep(nanoseconds: Self.pollNanoseconds)
      if checkSegment(segment) { break }
      drain(segment, into: metrics)
      checkSignal()
      reap(segment, blocking: false)
      watchHeartbeats(segment)
      watchCommunicator()
      if reason == nil, children.allSatisfy({ !$0.running }) {
        if header.globalSteps.load() >= config.tMax {
          reason = .tMax
        } else {
          log("error: every worker exited before T_max")
          reason = .error("every worker exited before T_max")
        }
      }
      let now = MonotonicClock.now
      // The figures a summary needs, kept in our own memory (a few hundred
      // loads), in case the segment goes bad.
      if now - lastTotals >= 100_000_000, segmentDamage == nil {
        lastTotals = now
        totals = RunTotals(segment: segment, procs: config.procs)
      }
      if now - lastReport >= 1_000_000_000, segmentDamage == nil {
        lastReport = now
        checkParametersFinite(segment)
        metrics.flush()
        noteWriteFailures(metrics: metrics, trainingLog: trainingLog)
        report(&progress, segment, now: now)
        // Orphans of killed reapers (a Python environment process) were
        // re-parented to us: end them.
        ChildSubreaper.endAdopted(keeping: ownChildren)
      }
      if segmentDamage == nil {
        if now - lastReading.nanoseconds >= config.logEveryNanoseconds
          || percentRowDue(lastReading, steps: header.globalSteps.load())
        {
          logTraining(at: now)
        }
        if writes {
          maybeCheckpoint(segment, outDir: outDir)
          evaluationTick(segment, outDir: outDir)
        }
      }
    }

    // 4. Shut down.
    requestDistributedStop(segment)
    header.state = .stopping
    let deadline = MonotonicClock.now + (segmentDamage == nil ? Self.shutdownGraceNanoseconds : 0)
    while children.contains(where: \.running), MonotonicClock.now < deadline {
      MonotonicClock.sleep(nanoseconds: Self.pollNanoseconds)
      _ = checkSegment(segment)
      if segmentDamage == nil { drain(segment, into: metrics) }
      reap(segment, blocking: false)
    }
    for i in children.indices where children[i].running {
      children[i].killedBySupervisor = true
      killWorker(children[i], in: segment)
    }
    reap(segment, blocking: true)
    ChildSubreaper.endAdopted(keeping: ownChildren)
    _ = checkSegment(segment)
    let intact = segmentDamage == nil
    if intact {
      // --distributed: the last sync brings every node's final updates and episodes.
      finishCommunicator(segment, metrics: metrics)
      drain(segment, into: metrics, final: true)
      releaseSegmentName(segmentName)
      logTraining(at: MonotonicClock.now)
      totals = RunTotals(segment: segment, procs: config.procs)
      report(&progress, segment, now: MonotonicClock.now)
    }
    metrics.flush()
    progress.finish()
    // The run's wall time ends with training; a final evaluation is not in it.
    trainingEndNanoseconds = MonotonicClock.now
    finishEvaluations(segment, outDir: outDir)

    if intact { checkParametersFinite(segment) }
    var summary = summarize(segment, outDir: outDir)
    if intact { addDistributedSummary(&summary, segment) }
    // Every output is tried, and every one that could not be written is named.
    var failed: [OutputError] = [metrics.failure, trainingLog.failure, tensorBoard?.writer.failure].compactMap { $0 }
    // A non-finite θ is never checkpointed, nor a θ lost with its segment:
    // the last good checkpoint stays.
    // A distributed run's ranks above 0 write nothing: rank 0 writes for all.
    if writes, intact, nonFiniteLayer(segment) == nil {
      do { try OutputFiles.writeAtomically(outDir + "/checkpoint.bin", bytes: makeCheckpoint(segment).encoded()) } catch {
        failed.append(error)
      }
    }
    if writes {
      do { try OutputFiles.writeAtomically(outDir + "/summary.json", text: summary.json.serialized(indent: true) + "\n") } catch {
        failed.append(error)
      }
    }
    header.state = .done
    if !config.keepSegment || !intact { try? SharedSegment.unlink(name: segmentName) }
    endCommunicator()
    withExtendedLifetime(directoryLock) {}
    // Only now: a signal while the outputs were written (a distributed
    // rank's waiter dying under mpirun sends SIGTERM) must not end the
    // process half-way through them.
    StopSignals.reset()
    if !failed.isEmpty {
      let what = "could not write " + failed.map { "\($0.path) (\($0.errno))" }.joined(separator: ", ")
      log("error: \(what)")
      var failedSummary = summary
      if case .error = summary.exitReason {} else { failedSummary.exitReason = .error(what) }
      return failedSummary
    }
    return summary
  }

  /// Every process this supervisor started itself: the workers' reapers, the
  /// communicator, the evaluator. Any other child was adopted (an orphan of
  /// an environment's process) and is ended by `ChildSubreaper.endAdopted`.
  var ownChildren: [Int32] {
    children.map(\.reaper.pid) + [communicator?.process.pid, evaluation?.running?.child.pid].compactMap { $0 }
  }

  /// Creates the segment: --segment's name (taken: a usage error), or
  /// "/hogwild-rl.<pid>", and if anyone took that one, "/hogwild-rl.<pid>.<n>":
  /// without --segment the name is ours to choose.
  func createSegment(_ layout: SegmentLayout) throws(RunError) -> SharedSegment {
    let base = "/hogwild-rl.\(CurrentProcess.id)"
    let candidates = config.segmentName.map { [config.segmentName(forRequested: $0)] } ?? [base] + (1...64).map { "\(base).\($0)" }
    for name in candidates {
      let normalized: String
      do { normalized = try SharedSegment.normalizedName(name) } catch { throw .usage("--segment: \(error)") }
      do {
        return try SharedSegment.create(name: normalized, layout: layout)
      } catch {
        if case .create(_, let e) = error, e == .fileExists {
          if config.segmentName != nil {
            throw .usage("--segment: shared memory segment \"\(normalized)\" is already in use")
          }
          continue
        }
        throw .runtime(error.description)
      }
    }
    throw .runtime("could not create a shared memory segment: \(base) and 64 variants of it are taken in /dev/shm")
  }

  /// Checks that the segment is still intact (see `SharedSegment.damage`).
  /// The first time it is not: says so once, ends the run with an error, and
  /// returns true; the supervisor then stops its workers and writes what it
  /// holds in its own memory (metrics rows so far, the last totals).
  @discardableResult
  func checkSegment(_ segment: SharedSegment) -> Bool {
    guard segmentDamage == nil else { return true }
    guard let why = segment.damage() else { return false }
    segmentDamage = why
    let what = "the shared segment went bad: \(why); workers stopped, "
      + "checkpoint.bin keeps the last periodic checkpoint"
    log("error: \(what)")
    reason = .error(what)
    return true
  }

  /// Warns once per file whose rows could not be written (the rows are kept
  /// and tried again; the end of the run names every file still failing).
  func noteWriteFailures(metrics: MetricsWriter, trainingLog: TrainingLogWriter) {
    for failure in [metrics.failure, trainingLog.failure, tensorBoard?.writer.failure].compactMap({ $0 })
    where !warnedWriteFailures.contains(failure.path) {
      warnedWriteFailures.insert(failure.path)
      log("warning: \(failure); its rows are kept and written again at the next flush")
    }
  }

  // MARK: steps of the run

  /// `--log-every auto`: whether T has passed the next 1% of T_max since the
  /// last train.csv row (rows of a one-second run would be one otherwise).
  func percentRowDue(_ last: TrainingReading, steps: UInt64) -> Bool {
    guard config.logEveryPercent else { return false }
    let every = max(config.tMax / 100, 1)
    return steps / every > last.globalSteps / every
  }

  /// A new event file per run and per resume, as TensorBoard's own writers
  /// do (it reads every file in the directory, in name order).
  func openTensorBoard(_ outDir: String) throws(OutputError) -> TensorBoardLog {
    let realtime = WallClock.now, monotonic = MonotonicClock.now
    let name = TensorBoardWriter.fileName(unixSeconds: Int(realtime / 1_000_000_000), hostname: TensorBoardWriter.hostname)
    let writer = try TensorBoardWriter(path: outDir + "/" + name, wallTime: Double(realtime) / 1e9)
    return TensorBoardLog(writer: writer, realtimeNanoseconds: realtime, monotonicNanoseconds: monotonic)
  }

  func fill(_ segment: SharedSegment) {
    let h = segment.header
    let hp = config.hyperparameters
    h.envID = config.env.label
    h.algorithm = config.algorithm.rawValue
    h.optimizer = hp.optimizer.rawValue
    h.updateMode = hp.updateMode.rawValue
    h.activation = hp.activation.rawValue
    h.seed = config.seed
    h.tMax = config.tMax
    h.observationSize = spec.observationSize
    h.actionCount = spec.discreteActionCount
    h.nonce = WallClock.now ^ (UInt64(UInt32(bitPattern: CurrentProcess.id)) << 32)
    h.layers = algorithm.layers
    h.hyperparameters = hp.table + [("delay_mean_ns", config.delay.meanNanoseconds),
                                     ("independent", config.independent ? 1 : 0)]
      + (config.targetReturn.map { [("target_return", $0)] } ?? [])
    segment.parameters.write(algorithm.initialParameters(seed: config.seed))
  }

  /// The audit and the staleness ring start from θ as it is now (the
  /// initial θ, or the resumed one: neither is in checkpoints).
  func beginStudyRegions(_ segment: SharedSegment) {
    segment.audit?.begin(at: segment.parameters)
    guard let ring = segment.staleRing else { return }
    let h = segment.header
    let u = h.globalUpdates.load()
    ring.fill(from: segment.parameters)
    h.staleBase = u
    h.staleTicket.store(u)
  }

  /// Moves finished episodes from the ring to metrics.csv, in ticket order.
  func drain(_ segment: SharedSegment, into metrics: MetricsWriter, final: Bool = false) {
    // A distributed run's ranks above 0 neither write nor score episodes:
    // their communicator forwards them to rank 0, which drains its inbox.
    guard config.writesOutputs else { return }
    drainInbox(segment, into: metrics, final: final)
    let ring = segment.episodeRing
    while nextTicket < ring.published {
      switch ring.read(ticket: nextTicket) {
      case .ready(let record):
        accept(record, metrics: metrics)
        nextTicket += 1
        ticketWaitSince = nil
      case .overwritten:
        lostRecords += 1
        nextTicket += 1
        ticketWaitSince = nil
      case .notYetWritten:
        // A worker is between taking the ticket and publishing. If it died
        // there, the ticket never fills: give up on it after a second.
        let now = MonotonicClock.now
        if final || now - (ticketWaitSince ?? now) > 1_000_000_000 {
          lostRecords += 1
          nextTicket += 1
          ticketWaitSince = nil
        } else {
          if ticketWaitSince == nil { ticketWaitSince = now }
          return
        }
      }
    }
  }

  func accept(_ r: EpisodeRecord, metrics: MetricsWriter) {
    // After the target is reached the run is over as far as results go;
    // episodes that finish during shutdown are not written, so a seeded
    // --procs 1 run writes the same rows every time.
    guard reason != .targetReached else { return }
    let seconds = Double(r.endNanoseconds &- startNanoseconds) / 1e9
    metrics.append(r, wallSeconds: seconds)
    tensorBoard?.episode(r)
    switch r.kind {
    case .training:
      episodesWritten &+= 1
      trainWindow.add(r.episodeReturn)
    case .test:
      testEpisodesWritten &+= 1
      testWindow.add(r.episodeReturn)
    }
    // "Solved" and the target are judged on the scored kind only.
    guard (r.kind == .test) == config.scoresTestEpisodes else { return }
    let window = scoredWindow
    guard window.isFull, let mean = window.mean else { return }
    if solvedAt == nil, let threshold = spec.rewardThreshold ?? config.targetReturn, mean >= threshold {
      solvedAt = (r.globalStep, seconds)
    }
    if let target = config.targetReturn, reason == nil, mean >= target {
      reason = .targetReached
    }
  }

  /// The window a run is scored on: greedy test episodes for a value-based
  /// run with --test-every > 0, training episodes otherwise.
  var scoredWindow: EpisodeWindow { config.scoresTestEpisodes ? testWindow : trainWindow }

  func checkSignal() {
    if let s = StopSignals.received, reason == nil { reason = .signal(s) }
  }

  /// Forks the worker of `rank` (while this process is single-threaded: the
  /// supervisor never starts threads). Returns nil, with `reason` set, if
  /// fork fails.
  func spawn(rank: Int, segment: SharedSegment) -> ForkedChild? {
    let me = CurrentProcess.id
    // Before the fork: the worker writes its own pid here as it starts.
    segment.slot(rank).claim(pid: 0)
    let reaper: ForkedChild?
    do { reaper = try ForkedChild.fork() } catch {
      if reason == nil { reason = .error("could not fork worker \(rank): \(error)") }
      return nil
    }
    guard let reaper else {
      // The reaper: forks the worker, then only waits for it (see
      // Reaper.run). The worker records its own pid in its slot.
      do { try Reaper.setUp(supervisor: me) } catch { CurrentProcess.exitImmediately(WorkerProcess.orphanedStatus) }
      let worker: ForkedChild?
      do { worker = try ForkedChild.fork() } catch { CurrentProcess.exitImmediately(1) }
      guard let worker else {
        WorkerProcess.main(rank: rank, supervisor: CurrentProcess.parentID, segment: segment, config: config,
                           algorithm: algorithm)
      }
      Reaper.run(worker: worker)
    }
    return reaper
  }

  /// Signals the worker of `child` itself (its pid from the slot), so its
  /// reaper reports the death and reaps it; the reaper only if the worker
  /// has not recorded its pid yet — or if what the slot holds is not the
  /// reaper's child (the segment is writable by every worker and its
  /// environment: a stray write must not aim SIGKILL elsewhere).
  func killWorker(_ child: Child, in segment: SharedSegment) {
    let pid = segment.slot(child.rank).pid
    let worker = pid > 0 && ProcessProbe.parent(of: pid) == child.reaper.pid
    (worker ? ForkedChild(pid: pid) : child.reaper).kill()
  }

  /// Collects exited workers. A worker that failed is re-forked into its
  /// rank while --max-restarts allows; past that, the run ends with an error.
  /// A worker ends well only by leaving its loop (status 0 with its slot
  /// marked exited): any other end, status 0 included (an environment that
  /// calls exit), is a failure.
  func reap(_ segment: SharedSegment, blocking: Bool) {
    // A stop signal sent to the whole process group (mpirun's SIGTERM to a
    // rank) reaches the workers too: note it first, so their deaths by it
    // read as the stop they are, not as failures to restart.
    checkSignal()
    for i in children.indices where children[i].running {
      let status: ExitStatus
      do {
        guard let ended = try children[i].reaper.wait(blocking: blocking) else { continue }
        status = ended
      } catch {
        // ECHILD: already reaped or not ours; nothing left to wait for.
        children[i].running = false
        continue
      }
      children[i].running = false
      let c = children[i]
      // A worker killed by its segment going bad is no failure of its own.
      if status.isBusError { checkSegment(segment) }
      guard !c.killedBySupervisor, segmentDamage == nil else { continue }
      let slot = segment.slot(c.rank)
      if status.isSuccess, slot.status == .exited { continue }
      // Killed by the stop signal itself (sent to the whole process group): a stop, not a failure.
      if case .signal(let s)? = reason, status == .signaled(s) { continue }
      slot.status = .failed
      let what: String
      switch status {
      case _ where c.killedAsHung: what = "missed its heartbeat for \(Delay.format(config.workerTimeout)) and was killed"
      case .signaled(let s): what = "was killed by signal \(s) (\(ExitStatus.signalName(s)))"
      case .exited(0): what = "exited with status 0 before its work was done (did its environment end the process?)"
      case .exited(let code): what = "exited with status \(code)"
      }
      let workerPID = slot.pid
      let who = "worker \(c.rank) (pid \(workerPID > 0 ? workerPID : c.reaper.pid))"
      // Restart only into a run that goes on (not during shutdown).
      if reason == nil, !blocking, segment.header.state == .running, restartsUsed < config.maxRestarts {
        restartsUsed += 1
        slot.restarts += 1
        guard let reaper = spawn(rank: c.rank, segment: segment) else { continue }
        children[i] = Child(rank: c.rank, reaper: reaper, startedAt: MonotonicClock.now)
        log("warning: \(who) \(what); restarted (restart \(restartsUsed) of \(config.maxRestarts))")
        continue
      }
      let limit = config.maxRestarts > 0 && restartsUsed >= config.maxRestarts
        ? " (--max-restarts \(config.maxRestarts) used up)" : ""
      log("error: \(who) \(what)\(limit)")
      if reason == nil { reason = .error("\(who) \(what)\(limit)") }
    }
  }

  /// The first layer of θ holding a NaN or ±Inf, with how many.
  func nonFiniteLayer(_ segment: SharedSegment) -> (name: String, count: Int)? {
    let theta = segment.parameters
    for layer in segment.header.layers {
      let bad = theta.statistics(offset: layer.offset, count: layer.count).nonFinite
      if bad > 0 { return (layer.name, bad) }
    }
    return nil
  }

  /// Gradients that are not finite are dropped by the workers; if θ itself
  /// turns non-finite anyway (a finite but huge step, a stray write), the run
  /// stops with an error naming the layer.
  func checkParametersFinite(_ segment: SharedSegment) {
    guard reason == nil, let bad = nonFiniteLayer(segment) else { return }
    let what = "θ became non-finite: layer \(bad.name) holds \(bad.count) NaN/Inf values; "
      + "checkpoint.bin keeps the last finite parameters"
    log("error: \(what)")
    reason = .error(what)
  }

  /// Kills workers whose heartbeat is older than --worker-timeout; `reap`
  /// then restarts them. (A worker sleeping in --delay still heartbeats.)
  func watchHeartbeats(_ segment: SharedSegment) {
    let now = MonotonicClock.now
    for i in children.indices where children[i].running && !children[i].killedAsHung {
      let beat = max(segment.slot(children[i].rank).heartbeat, children[i].startedAt)
      if now > beat, now - beat > config.workerTimeout {
        children[i].killedAsHung = true
        killWorker(children[i], in: segment)
      }
    }
  }

  func report(_ progress: inout ProgressLine, _ segment: SharedSegment, now: UInt64) {
    let h = segment.header
    progress.report(
      seconds: Double(now &- startNanoseconds) / 1e9, steps: h.globalSteps.load(),
      updates: h.globalUpdates.load(), episodes: episodesWritten, mean100: scoredWindow.mean,
      trainMean100: config.scoresTestEpisodes ? trainWindow.mean : nil,
      testEpisodes: config.scoresTestEpisodes ? testEpisodesWritten : nil,
      staleness: totals.staleness.mean, restarts: totals.restarts,
      evaluation: evaluation?.lastGreedyMean.map { (last: $0, best: evaluation?.best?.mean ?? $0) })
  }

  func summarize(_ segment: SharedSegment, outDir: String) -> RunSummary {
    // While the segment is intact `totals` was read just now; after it went
    // bad, they are the last figures read from it.
    let t = totals
    return RunSummary(
      config: config, steps: t.steps, updates: t.updates,
      wallSeconds: Double((trainingEndNanoseconds ?? MonotonicClock.now) &- startNanoseconds) / 1e9,
      episodes: episodesWritten, testEpisodes: testEpisodesWritten,
      testSteps: t.testSteps,
      meanReturn100: scoredWindow.mean, trainMeanReturn100: trainWindow.mean,
      solvedAtStep: solvedAt?.step, solvedAtSeconds: solvedAt?.seconds,
      staleness: t.staleness,
      workerRestarts: t.restarts,
      droppedGradients: t.droppedGradients,
      lostEpisodeRecords: lostRecords, audit: segmentDamage == nil ? AuditSummary(segment: segment) : nil,
      exitReason: reason ?? .error("no reason"),
      segmentName: segment.name, outputDirectory: outDir, evaluation: evaluationSummary)
  }
}

/// The segment's run-wide counters at one moment, kept in the supervisor's
/// own memory so that a run whose segment went bad can still report them.
struct RunTotals {
  var steps: UInt64 = 0
  var updates: UInt64 = 0
  var testSteps: UInt64 = 0
  var restarts = 0
  var droppedGradients: UInt64 = 0
  var staleness = StalenessSummary(histogram: [], sum: 0, max: 0)

  init() {}

  init(segment: SharedSegment, procs: Int) {
    let h = segment.header
    let slots = (0..<procs).map(segment.slot)
    steps = h.globalSteps.load()
    updates = h.globalUpdates.load()
    testSteps = slots.reduce(0) { $0 &+ $1.testSteps }
    restarts = slots.reduce(0) { $0 &+ $1.restarts }
    droppedGradients = slots.reduce(0) { $0 &+ $1.droppedGradients }
    staleness = StalenessSummary(slots: slots)
  }
}
