// RunConfig.swift — every effective setting of a training run.

import Algorithms
import EnvSources
import BuiltInEnvs
import Formats
import HogwildLink
import HogwildSegment
import HogwildSys

/// Settings of one `hogwild-rl run`. The CLI validates and fills it; the
/// supervisor only reads it.
public struct RunConfig: Sendable {
  /// The environment: its source (`--env`), spec and, for a Python source,
  /// the interpreter.
  public var env = ResolvedEnv(builtin: "CartPole-v1")
  /// `--env` as config.json keeps it (a plugin's path absolute, its name given).
  public var envID: String { env.source.text }
  public var envSpec: EnvSpec { env.spec }
  /// MinAtar's sticky-action probability for every worker's environment
  /// (`run --sticky`); nil for an environment without sticky actions (and, for
  /// a MinAtar id, its default, 0.1).
  public var stickyActionProbability: Double?
  public var algorithm = AlgorithmKind.a3c
  /// Worker processes (1 ... 256).
  public var procs = RunConfig.onlineCPUs
  public var seed: UInt64 = 1
  /// Stop when T ≥ tMax.
  public var tMax: UInt64 = 5_000_000
  /// Stop once the last-100 mean reaches this (nil: run to tMax).
  public var targetReturn: Double?
  public var hyperparameters = Hyperparameters()
  public var delay = Delay.none
  /// Ranks that wait out `delay` (nil: all).
  public var delayWorkers: Set<Int>?
  /// Output directory (nil: runs/<env>__<algo>__<seed>__<unixtime>).
  public var outputDirectory: String?
  /// Segment name (nil: /hogwild-rl.<supervisor pid>).
  public var segmentName: String?
  public var keepSegment = false
  /// Print the once-a-second progress line.
  public var progress = true
  /// Worker failures the run survives by re-forking the rank (0: fail fast).
  public var maxRestarts = 10
  /// A worker whose heartbeat is older than this is killed and restarted.
  public var workerTimeout: UInt64 = 30_000_000_000
  /// Every worker trains a private copy of θ: the "no shared writes"
  /// baseline for measuring what sharing one segment costs.
  public var independent = false
  /// How often the supervisor writes checkpoint.bin during the run (the
  /// final one is always written).
  public var checkpointEvery = CheckpointInterval.time(60_000_000_000)
  /// `--log-every`: how often the supervisor appends a row to train.csv, ns.
  public var logEveryNanoseconds: UInt64 = 1_000_000_000
  /// `--log-every auto` (the default): a row every second and also at every
  /// 1% of T_max, so a run that ends in a second still has curves.
  public var logEveryPercent = true
  /// `--tensorboard`: also write the run's curves to an
  /// events.out.tfevents.* file in the output directory.
  public var tensorboard = false
  /// `--audit`: measure lost updates (intended against actual change of θ).
  public var audit = false
  /// `--eval-every T`: evaluate θ at every multiple of T global steps in a
  /// separate process (0: never); `--eval-episodes N` episodes per mode.
  public var evalEvery: UInt64 = 0
  public var evalEpisodes = 10
  /// `--stale-updates K`: every gradient is computed on θ as it was exactly
  /// K updates before it is applied (0: off).
  public var staleUpdates = 0
  /// Set by `run --resume DIR`: θ, g, T, U, the per-rank counters and the
  /// episode window continue from this checkpoint.
  public var resume: ResumeState?
  /// `run --resume --trust-checkpoint`: load the plugin or interpreter the
  /// checkpoint names even if it is not a regular file owned by this user
  /// or root (not stored: it is a decision about one file, once).
  public var trustCheckpointCode = false
  /// Where the settings came from, for the run's first line (tuned for the
  /// environment, a --config file, the defaults); not a setting itself.
  public var settingsNote: String?
  /// `--distributed`: this process is one node of an MPI job (nil: a run on one machine).
  public var distributed: DistributedSettings?

  public init() {}

  /// The largest K of `--stale-updates` (the ring holds K + 1 copies of θ).
  public static let maxStaleUpdates = 4096

  /// Online CPUs, at least 1.
  public static var onlineCPUs: Int { CurrentProcess.onlineCPUs }

  /// How the workers build their environment.
  public var envOptions: EnvOptions { EnvOptions(stickyActionProbability: stickyActionProbability) }

  /// Whether the run is scored on greedy test episodes (a value-based
  /// algorithm with --test-every > 0) rather than on training episodes.
  public var scoresTestEpisodes: Bool { algorithm.isValueBased && hyperparameters.testEvery > 0 }

  /// Whether rank `r` is delayed.
  public func isDelayed(_ r: Int) -> Bool { delay != .none && (delayWorkers?.contains(r) ?? true) }

  /// The default output directory for a run starting at `unixTime`.
  public func defaultOutputDirectory(unixTime: Int) -> String {
    let env = String(self.env.label.map { $0 == "/" || $0 == ":" ? "-" : $0 })
    return "runs/\(env)__\(algorithm.rawValue)__\(seed)__\(unixTime)"
  }

  /// The Atari protocol's settings (config.json keys named after their
  /// flags), for a plugin environment that has them; nothing otherwise.
  var atariJSON: [(String, JSON)] {
    guard let a = env.atari else { return [] }
    return [
      ("sticky_actions", .double(a.stickyActions)),
      ("full_action_space", .bool(a.fullActionSpace)),
      ("no_life_loss_terminal", .bool(!a.lifeLossTerminal)),
      ("noop_max", .int(Int64(a.noopMax))),
      ("rom_dir", a.romDirectory.map(JSON.string) ?? .null),
    ]
  }

  /// Every setting, for config.json.
  public var json: JSON {
    let h = hyperparameters
    return .object([
      ("env", .string(envID)),
      ("env_spec", envSpec.json),
      ("python", env.python.map(JSON.string) ?? .null),
      ("sticky", .number(stickyActionProbability)),
      ("algo", .string(algorithm.rawValue)),
      ("procs", .int(Int64(procs))),
      ("seed", .uint(seed)),
      ("t_max", .uint(tMax)),
      ("target_return", .number(targetReturn)),
      ("n_steps", .int(Int64(h.nSteps))),
      ("gamma", .double(h.gamma)),
      ("gae_lambda", .double(h.gaeLambda)),
      ("ent_coef", .double(h.entropyCoefficient)),
      ("vf_coef", .double(h.valueCoefficient)),
      ("lr", .double(h.learningRate)),
      ("lr_schedule", .string(h.learningRateSchedule.rawValue)),
      ("max_grad_norm", .double(h.maxGradientNorm)),
      ("optimizer", .string(h.optimizer.rawValue)),
      ("rms_alpha", .double(h.rmsAlpha)),
      ("rms_eps", .double(h.rmsEpsilon)),
      ("rmsprop_sqrt", .string(h.rmsSqrt.rawValue)),
      ("hidden", .array(h.hidden.map { .int(Int64($0)) })),
      ("net", .string(h.network.rawValue)),
      ("lstm_cells", .int(Int64(h.lstmCells))),
      ("activation", .string(h.activation.rawValue)),
      ("update", .string(h.updateMode.rawValue)),
      ("target_interval", .int(Int64(h.targetInterval))),
      ("eps_anneal", .int(Int64(h.epsilonAnneal))),
      ("eps_final", h.epsilonFinal.map(JSON.double) ?? .string("paper")),
      ("q_loss", .string(h.qLoss.rawValue)),
      ("async_update", .int(Int64(h.asyncUpdate))),
      ("test_every", .int(Int64(h.testEvery))),
      ("envs_per_worker", .int(Int64(h.envsPerWorker))),
      ("delay", .string(delay.description)),
      ("delay_workers", delayWorkers.map { .array($0.sorted().map { .int(Int64($0)) }) } ?? .string("all")),
      ("segment", segmentName.map(JSON.string) ?? .null),
      ("keep_segment", .bool(keepSegment)),
      ("independent", .bool(independent)),
      ("audit", .bool(audit)),
      ("stale_updates", .int(Int64(staleUpdates))),
      ("max_restarts", .int(Int64(maxRestarts))),
      ("worker_timeout", .string(Delay.fixed(workerTimeout).description)),
      ("checkpoint_every", .string(checkpointEvery.description)),
      ("log_every", .string(logEveryPercent ? "auto" : CheckpointInterval.time(logEveryNanoseconds).description)),
      ("tensorboard", .bool(tensorboard)),
      ("eval_every", .uint(evalEvery)),
      ("eval_episodes", .int(Int64(evalEpisodes))),
    ] + atariJSON + (resume.map { [("resumed_at_step", JSON.uint($0.checkpoint.globalSteps))] } ?? []) + distributedJSON)
  }
}
