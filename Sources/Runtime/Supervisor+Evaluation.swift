// Supervisor+Evaluation.swift — `--eval-every T --eval-episodes N`: at every
// multiple of T the supervisor copies θ (as a checkpoint) and forks an
// evaluator, which plays N greedy and N sampled episodes with θ fixed and
// ends; the workers never wait for it (it runs at a lower priority and
// shares nothing with them but the CPU). Each evaluation is a row of
// eval.csv and eval/* points in TensorBoard; the checkpoint with the best
// greedy mean so far is kept as best.bin beside checkpoint.bin.

import Algorithms
import EnvSources
import BuiltInEnvs
import Formats
import HogwildSegment
import HogwildSys

/// The evaluations of one run, as the supervisor keeps them.
struct EvaluationState {
  /// The next multiple of --eval-every to evaluate at.
  var nextAt: UInt64
  /// The evaluator running now: its process, the checkpoint it evaluates,
  /// its T and wall seconds.
  var running: (child: ForkedChild, checkpoint: Checkpoint, steps: UInt64, seconds: Double)?
  /// T of the last evaluation started.
  var lastAt: UInt64?
  /// The best greedy mean so far (best.bin's), and its T.
  var best: (mean: Double, steps: UInt64)?
  var completed = 0
  var failureReported = false
  let csv: BufferedFile
  /// The last result, for the progress line.
  var lastGreedyMean: Double?

  static let header = "T,wall_seconds,episodes,greedy_mean,greedy_std,greedy_min,greedy_max,"
    + "sampled_mean,sampled_std,sampled_min,sampled_max,episodes_cut,best\n"
}

/// One evaluation's episodes, as the evaluator reports them.
struct EvaluationResult {
  var greedy: [(return: Double, length: Int, cut: Bool)]
  var sampled: [(return: Double, length: Int, cut: Bool)]

  var json: JSON {
    func list(_ e: [(return: Double, length: Int, cut: Bool)]) -> JSON {
      .array(e.map { .array([.exactDouble($0.return), .int(Int64($0.length)), .bool($0.cut)]) })
    }
    return .object([("greedy", list(greedy)), ("sampled", list(sampled))])
  }

  init(greedy: [(return: Double, length: Int, cut: Bool)], sampled: [(return: Double, length: Int, cut: Bool)]) {
    self.greedy = greedy
    self.sampled = sampled
  }

  /// Reads the evaluator's file (nil if it is not one).
  init?(json: JSON) {
    func list(_ j: JSON?) -> [(return: Double, length: Int, cut: Bool)]? {
      guard let items = j?.arrayValue else { return nil }
      var out: [(return: Double, length: Int, cut: Bool)] = []
      for item in items {
        guard let a = item.arrayValue, a.count == 3, let r = a[0].doubleValue, let l = a[1].doubleValue,
          case .bool(let cut) = a[2], l >= 0, l < 1e15
        else { return nil }
        out.append((r, Int(l), cut))
      }
      return out
    }
    guard let g = list(json["greedy"]), let s = list(json["sampled"]) else { return nil }
    greedy = g
    sampled = s
  }
}

extension Supervisor {
  /// Where the evaluator leaves its result (read and removed by the supervisor).
  static func evaluationResultPath(_ outDir: String) -> String { outDir + "/.eval-result.json" }

  /// Opens eval.csv (appended on resume) and learns the best greedy mean so
  /// far from it; nil without --eval-every.
  func startEvaluations(steps: UInt64, outDir: String) throws(OutputError) -> EvaluationState? {
    guard config.evalEvery > 0 else { return nil }
    let path = outDir + "/eval.csv"
    var best: (mean: Double, steps: UInt64)?
    if config.resume != nil, let bytes = try? readWholeFile(path) {
      for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false)
        guard cells.count >= 4, let t = UInt64(cells[0]), let m = Double(cells[3]) else { continue }
        if m >= (best?.mean ?? -.infinity) { best = (m, t) }
      }
    }
    let csv = try BufferedFile(path: path, mode: config.resume != nil ? .append : .truncate)
    if csv.position == 0 { csv.write(EvaluationState.header) }
    csv.flush()
    let every = config.evalEvery
    return EvaluationState(nextAt: (steps / every + 1) * every, best: best, csv: csv)
  }

  /// Called every poll: collects a finished evaluator, starts the next
  /// evaluation when T has passed the next multiple of --eval-every and none
  /// is running (a slow evaluation skips the multiples it overlaps).
  func evaluationTick(_ segment: SharedSegment, outDir: String) {
    guard var e = evaluation else { return }
    defer { evaluation = e }
    if e.running != nil {
      collectEvaluation(&e, outDir: outDir, blocking: false)
      return
    }
    let t = segment.header.globalSteps.load()
    guard t >= e.nextAt, reason == nil else { return }
    startEvaluation(&e, segment, outDir: outDir)
    e.nextAt = (t / config.evalEvery + 1) * config.evalEvery
  }

  /// At the end of a run: a signal ends a running evaluator at once; a run
  /// that ended normally waits for it, then evaluates the final θ (unless it
  /// was just evaluated), so best.bin has seen every policy the run kept.
  func finishEvaluations(_ segment: SharedSegment, outDir: String) {
    guard var e = evaluation else { return }
    defer {
      evaluation = e
      try? FileSystem.remove(Self.evaluationResultPath(outDir))
    }
    let normal = reason == .tMax || reason == .targetReached
    if e.running != nil {
      if normal { waitForEvaluation(&e, outDir: outDir) } else {
        e.running!.child.kill()
        _ = try? e.running!.child.wait(blocking: true)
        e.running = nil
      }
    }
    guard normal, e.lastAt != segment.header.globalSteps.load() else { return }
    // No worker is left to yield to: full priority.
    startEvaluation(&e, segment, outDir: outDir, yielding: false)
    waitForEvaluation(&e, outDir: outDir)
  }

  /// Waits for the running evaluator; a stop signal meanwhile ends it.
  func waitForEvaluation(_ e: inout EvaluationState, outDir: String) {
    while e.running != nil {
      if StopSignals.received != nil {
        e.running!.child.kill()
        _ = try? e.running!.child.wait(blocking: true)
        e.running = nil
        return
      }
      collectEvaluation(&e, outDir: outDir, blocking: false)
      if e.running != nil { MonotonicClock.sleep(nanoseconds: Self.pollNanoseconds) }
    }
  }

  /// Forks the evaluator for θ as it is now (while single-threaded, as every
  /// fork of the supervisor).
  func startEvaluation(_ e: inout EvaluationState, _ segment: SharedSegment, outDir: String, yielding: Bool = true) {
    let checkpoint = makeCheckpoint(segment)
    let steps = checkpoint.globalSteps
    let seconds = Double(MonotonicClock.now &- startNanoseconds) / 1e9
    let path = Self.evaluationResultPath(outDir)
    try? FileSystem.remove(path)
    let me = CurrentProcess.id
    let child: ForkedChild?
    do { child = try ForkedChild.fork() } catch {
      if !e.failureReported { log("warning: evaluation at T \(steps) not started: could not fork: \(error)") }
      e.failureReported = true
      return
    }
    guard let child else {
      Self.evaluatorMain(config: config, parameters: checkpoint.parameters, resultPath: path, supervisor: me,
                         yielding: yielding)
    }
    e.running = (child, checkpoint, steps, seconds)
    e.lastAt = steps
  }

  /// The evaluator process: N greedy and N sampled episodes (Q-networks:
  /// greedy only) from the same seeded starting states at every evaluation,
  /// each cut at `Policy.defaultMaxEpisodeSteps`; the result as JSON in
  /// `resultPath`. Ends with _exit.
  static func evaluatorMain(config: RunConfig, parameters: [Float], resultPath: String, supervisor: Int32,
                            yielding: Bool) -> Never {
    do { try CurrentProcess.becomeChild(of: supervisor) } catch { CurrentProcess.exitImmediately(WorkerProcess.orphanedStatus) }
    CurrentProcess.dieQuietlyOnFaults()
    // Workers first: during training the evaluator takes what CPU is left.
    if yielding { CurrentProcess.lowerPriority(by: 10) }
    let policy: Policy
    let env: any BuiltInEnvs.Environment
    do {
      policy = try Policy(kind: config.algorithm, hyperparameters: config.hyperparameters, spec: config.envSpec,
                          parameters: parameters)
      env = try config.env.make(options: config.envOptions, seed: config.seed ^ 0xE7A1, concurrent: 1)
    } catch {
      StandardError.write("error: evaluator: \(error)\n")
      CurrentProcess.exitImmediately(1)
    }
    let n = config.evalEpisodes, cap = Policy.defaultMaxEpisodeSteps
    let seed = config.seed &+ 0xE7A1
    let greedy = policy.evaluateEpisodes(env, episodes: n, greedy: true, seed: seed, maxSteps: cap)
    let sampled = policy.valueBased ? [] : policy.evaluateEpisodes(env, episodes: n, greedy: false, seed: seed, maxSteps: cap)
    let text = EvaluationResult(greedy: greedy, sampled: sampled).json.serialized() + "\n"
    do { try OutputFiles.writeAtomically(resultPath, text: text) } catch { CurrentProcess.exitImmediately(1) }
    CurrentProcess.exitImmediately(0)
  }

  /// Collects the evaluator if it has ended: its row, its points, best.bin.
  func collectEvaluation(_ e: inout EvaluationState, outDir: String, blocking: Bool) {
    guard let r = e.running else { return }
    let status: ExitStatus
    do {
      guard let s = try r.child.wait(blocking: blocking) else { return }
      status = s
    } catch {
      e.running = nil
      return
    }
    e.running = nil
    let path = Self.evaluationResultPath(outDir)
    defer { try? FileSystem.remove(path) }
    guard status.isSuccess, let bytes = try? readWholeFile(path),
      let json = try? JSON.parse(String(decoding: bytes, as: UTF8.self)), let result = EvaluationResult(json: json),
      !result.greedy.isEmpty
    else {
      if !e.failureReported { log("warning: the evaluation at T \(r.steps) failed (\(status)); the run goes on") }
      e.failureReported = true
      return
    }
    let g = Self.stats(result.greedy.map(\.return)), s = Self.stats(result.sampled.map(\.return))
    let cut = (result.greedy + result.sampled).filter(\.cut).count
    // Ties go to the later policy (trained longer).
    let isBest = g.mean >= (e.best?.mean ?? -.infinity)
    if isBest {
      do {
        try OutputFiles.writeAtomically(outDir + "/best.bin", bytes: r.checkpoint.encoded())
        e.best = (g.mean, r.steps)
      } catch {
        log("warning: could not write best.bin: \(error)")
      }
    }
    func cells(_ x: (mean: Double, std: Double, min: Double, max: Double)?) -> String {
      guard let x else { return ",,," }
      return [x.mean, x.std, x.min, x.max].map { "\($0)" }.joined(separator: ",")
    }
    e.csv.write("\(r.steps),\((r.seconds * 1000).rounded() / 1000),\(result.greedy.count),\(cells(g)),"
      + "\(cells(result.sampled.isEmpty ? nil : s)),\(cut),\(isBest ? 1 : 0)\n")
    e.csv.flush()
    e.completed += 1
    e.lastGreedyMean = g.mean
    tensorBoard?.evaluation(steps: r.steps, wallSeconds: r.seconds,
                            greedy: (g.mean, Self.meanLength(result.greedy)),
                            sampled: result.sampled.isEmpty ? nil : (s.mean, Self.meanLength(result.sampled)))
    tensorBoard?.flush()
  }

  static func stats(_ values: [Double]) -> (mean: Double, std: Double, min: Double, max: Double) {
    guard !values.isEmpty else { return (.nan, .nan, .nan, .nan) }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    return (mean, std, values.min()!, values.max()!)
  }

  static func meanLength(_ e: [(return: Double, length: Int, cut: Bool)]) -> Double {
    e.isEmpty ? .nan : Double(e.reduce(0) { $0 + $1.length }) / Double(e.count)
  }

  /// summary.json's "eval" object (nil without --eval-every).
  var evaluationSummary: JSON? {
    guard let e = evaluation else { return nil }
    return .object([
      ("every", .uint(config.evalEvery)),
      ("episodes", .int(Int64(config.evalEpisodes))),
      ("evaluations", .int(Int64(e.completed))),
      ("best_greedy_mean", .number(e.best?.mean)),
      ("best_at_step", e.best.map { .uint($0.steps) } ?? .null),
    ])
  }
}
