// RunOutcome.swift — why a run ended, its exit status, and summary.json.

import Formats
import HogwildSegment

/// Why a run ended.
public enum ExitReason: Equatable, Sendable {
  /// T reached T_max.
  case tMax
  /// The last-100 mean reached --target-return.
  case targetReached
  /// SIGINT, SIGTERM or SIGHUP.
  case signal(Int32)
  /// A worker failed or a runtime error occurred.
  case error(String)

  /// The `exit_reason` value in summary.json.
  public var name: String {
    switch self {
    case .tMax: "t_max"
    case .targetReached: "target_reached"
    case .signal: "signal"
    case .error: "error"
    }
  }

  /// The process exit status: 0 for a normal end, 128 + signal, or 1.
  public var exitCode: Int32 {
    switch self {
    case .tMax, .targetReached: 0
    case .signal(let s): 128 + s
    case .error: 1
    }
  }
}

/// What a finished run reports (summary.json).
public struct RunSummary: Sendable {
  public var config: RunConfig
  public var steps: UInt64
  public var updates: UInt64
  public var wallSeconds: Double
  /// Training episodes written to metrics.csv.
  public var episodes: UInt64
  /// Greedy test episodes written (value-based methods; 0 otherwise).
  public var testEpisodes: UInt64
  /// Environment steps of the test episodes (not in `steps`).
  public var testSteps: UInt64
  /// The scored last-100 mean: test episodes for a value-based run with
  /// --test-every > 0, training episodes otherwise.
  public var meanReturn100: Double?
  /// The last-100 mean of training episodes (every algorithm).
  public var trainMeanReturn100: Double?
  public var solvedAtStep: UInt64?
  public var solvedAtSeconds: Double?
  public var staleness: StalenessSummary
  public var workerRestarts: Int
  public var droppedGradients: UInt64
  public var lostEpisodeRecords: UInt64
  /// What `--audit` found (nil without it).
  public var audit: AuditSummary?
  /// A distributed run's job, syncs and two levels of staleness (nil without --distributed).
  public var distributed: DistributedSummary? = nil
  public var exitReason: ExitReason
  public var segmentName: String
  public var outputDirectory: String
  /// --eval-every's figures (summary.json's "eval"; nil without it).
  public var evaluation: JSON? = nil

  public var stepsPerSecond: Double { wallSeconds > 0 ? Double(steps) / wallSeconds : 0 }

  public var json: JSON {
    var fields: [(String, JSON)] = [
      ("env", .string(config.envID)),
      ("algo", .string(config.algorithm.rawValue)),
      ("procs", .int(Int64(config.procs))),
      ("seed", .uint(config.seed)),
      ("t_max", .uint(config.tMax)),
      ("target_return", .number(config.targetReturn)),
      ("steps", .uint(steps)),
      ("wall_seconds", .double(wallSeconds)),
      ("steps_per_second", .double(stepsPerSecond.rounded())),
      ("episodes", .uint(episodes)),
      ("test_episodes", .uint(testEpisodes)),
      ("test_steps", .uint(testSteps)),
      ("mean_return_100", .number(meanReturn100)),
      ("train_mean_return_100", .number(trainMeanReturn100)),
      ("solved_at_step", solvedAtStep.map(JSON.uint) ?? .null),
      ("solved_at_seconds", .number(solvedAtSeconds)),
      ("updates", .uint(updates)),
      ("staleness", staleness.json),
      ("worker_restarts", .int(Int64(workerRestarts))),
      ("dropped_gradients", .uint(droppedGradients)),
      ("lost_episode_records", .uint(lostEpisodeRecords)),
    ]
    if let audit { fields.append(("audit", audit.json)) }
    if let evaluation { fields.append(("eval", evaluation)) }
    if let distributed { fields.append(("distributed", distributed.json)) }
    fields += [
      ("exit_reason", .string(exitReason.name)),
    ]
    if case .error(let why) = exitReason { fields.append(("error", .string(why))) }
    if case .signal(let s) = exitReason { fields.append(("signal", .int(Int64(s)))) }
    fields.append(("segment", .string(segmentName)))
    fields.append(("out", .string(outputDirectory)))
    return .object(fields)
  }
}
