// RunCommand.swift — `hogwild-rl run`: its options, then train and report
// (parsing and checking the options: RunValidation.swift).

import Algorithms
import EnvSources
import BuiltInEnvs
import HogwildLink
import HogwildSegment
import HogwildSys
import Runtime
import TinyNN

struct RunOptions {
  var config = RunConfig()
  /// nil: the env's solved threshold; .some(nil): none.
  var target: Double??
  var delayWorkersList: [Int]?
  /// --resume DIR.
  var resumeDirectory: String?
  /// --env, as parsed (resolved once every flag is read: --python matters).
  var envSource: EnvSource?
  /// --python, as given.
  var pythonFlag: String?
  /// The Atari protocol's flags, as given.
  var atari = AtariFlags()
  /// --config FILE.
  var configFile: String?
  /// --no-tuned.
  var noTuned = false
  /// --distributed and its settings, as given (checked in RunDistributed.swift).
  var distributed = false
  var syncEvery: UInt64?
  var syncMode: SyncMode?
  var syncRMSProp: RMSPropSync?
}

enum RunCommand {
  static var table: OptionTable<RunOptions> {
    OptionTable<RunOptions>(
    command: "run",
    abstract: "Train an agent with N forked workers writing lock-free into one shared segment.",
    usage: "hogwild-rl run [--procs N] [--env ID] [--t-max N] [--delay D] [options]",
    options: runOptions,
    positional: nil,
    discussion: """
      With neither --t-max nor --target-return, a run trains until the mean return of the last
      100 episodes reaches the environment's solved threshold (at most 5,000,000 steps). With
      --t-max it trains for exactly that many steps, unless --target-return is also given. Ctrl-C stops every worker within a second and still writes every
      output. Outputs go to --out: metrics.csv, train.csv, summary.json, config.json, checkpoint.bin
      (and with --tensorboard an events.out.tfevents.* file; with --eval-every eval.csv and best.bin).

      A new run starts from the tuned settings of its environment and algorithm when the table
      (docs/TUNED.md) has them, says which in its first line, and takes every flag given over
      them; --no-tuned starts from the plain defaults. --config FILE reads settings from a JSON
      file with config.json's keys (flags given override it).

      The value-based methods (qn, q1, sarsa1) are scored on greedy test episodes, as DQN is:
      each worker interleaves one ε = 0 episode every --test-every of its own steps (no learning,
      not counted in T). Their last 100 decide the mean100, the target and "solved"; metrics.csv
      marks each row train or test, and summary.json also gives the training episodes' mean.

      checkpoint.bin is also rewritten during the run (--checkpoint-every). --resume DIR continues
      a run from DIR/checkpoint.bin with the settings stored in it: θ, the optimizer statistics,
      T, U, every rank's counters and the last-100 windows carry over; metrics.csv is appended;
      summary.json, config.json and checkpoint.bin are rewritten; --t-max is the absolute global
      step budget. Alongside --resume only --t-max, --target-return, --procs, --checkpoint-every,
      --quiet, --segment, --keep-segment, --max-restarts, --worker-timeout, --delay,
      --delay-workers, --audit, --python, --log-every, --tensorboard, --rmsprop-sqrt, --eval-every and --eval-episodes may differ from the stored run. --audit and --stale-updates
      start over at the resume point (θ as resumed is the audit's start and fills the ring).

      A checkpoint names the code its environment runs: a plugin's path, a Python interpreter.
      --resume loads them, so resuming someone else's checkpoint runs their code: a plugin or
      interpreter that is not a regular file owned by you or root (or that others may write) is
      refused unless --trust-checkpoint is given. One run writes into a directory at a time (it
      holds DIR/run.lock); a second one given the same --out or --resume DIR is refused.
      """)
  }

  static var runOptions: [OptionSpec<RunOptions>] {
    let d = RunConfig()
    let h = Hyperparameters()
    return [
      .init("--config", "file", "Read the run's settings from a JSON file with config.json's keys (a run's runs/<dir>/config.json repeats that run; add --seed 2 for another seed). Flags given with it override the file's values; an unknown key is refused.") { o, v throws(UsageError) in
        guard !v.isEmpty else { throw ValueParsers.fail("--config", "a JSON file", v) }
        o.configFile = v
      },
      .init("--no-tuned", nil, "Start from the plain defaults instead of the tuned settings of the environment and algorithm (\(TunedSettings.page); e.g. --vf-coef 0.01 for Acrobot-v1). Without it, a new run whose --env and --algo have an entry uses its settings, each overridden by its own flag, and says so in its first line.") { o, _ in
        o.noTuned = true
      },
      .init("--env", "source", "Environment: a built-in id (" + EnvRegistry.ids.joined(separator: ", ") + "); ALE/<Game>-v5, an Atari 2600 game through the ALE plugin 'make atari' builds (the paper's preprocessing; 'hogwild-rl envs' lists the games and the protocol, docs/ATARI.md); plugin:PATH[:NAME], a C plugin built against include/hogwild_env.h; gym:ID, gymnasium.make(ID) in a Python process per worker (e.g. gym:LunarLander-v3, gym:ALE/Breakout-v5); py:MODULE:FACTORY, a Python callable returning a Gymnasium-style environment. 'hogwild-rl envs --env SOURCE' shows its spec.", default: d.envID) { o, v throws(UsageError) in
        o.envSource = try parseEnvSource(v)
      },
      .init("--python", "path", "gym: and py: only: the Python interpreter that runs the environment (it needs gymnasium for gym:).", default: "$\(PythonInterpreter.variable), else python3 on PATH") { o, v throws(UsageError) in
        do throws(EnvSourceError) { _ = try PythonInterpreter.locate(v, what: "--python \(v)") } catch { throw UsageError(error.message) }
        o.pythonFlag = v
      },
      .init("--sticky", "p", "MinAtar only: probability in [0, 1] that a step repeats the previous action instead of the chosen one (MinAtar's sticky actions; 0: off).", default: "0.1") { o, v throws(UsageError) in
        o.config.stickyActionProbability = try ValueParsers.real("--sticky", v, "a probability in [0, 1]") { $0 >= 0 && $0 <= 1 }
      },
    ] + AtariFlags.options(\RunOptions.atari) + [
      .init("--algo", "name", "Algorithm: " + AlgorithmKind.allCases.map(\.rawValue).joined(separator: ", ") + ".", default: "a3c") { o, v throws(UsageError) in
        o.config.algorithm = try ValueParsers.choice("--algo", v, AlgorithmKind.self)
      },
      .init("--procs", "n", "Worker processes, 1 to 256.", default: "online CPUs, here \(RunConfig.onlineCPUs)") { o, v throws(UsageError) in
        o.config.procs = try ValueParsers.integer("--procs", v, 1...256)
      },
      .init("--seed", "s", "Seed; worker r uses stream r of it. --procs 1 runs are reproducible.", default: "\(d.seed)") { o, v throws(UsageError) in
        o.config.seed = try ValueParsers.unsigned("--seed", v)
      },
      .init("--t-max", "n", "Stop when T, the global step count, reaches n (accepts 5e6, 500k, 2M).", default: "\(d.tMax)") { o, v throws(UsageError) in
        o.config.tMax = UInt64(try ValueParsers.integer("--t-max", v, 1...Int(1e15)))
      },
      .init("--target-return", "r|none", "Stop once the last-100 mean return reaches r (qn/q1/sarsa1: of greedy test episodes, see --test-every).", default: "the env's solved threshold (475 for CartPole-v1); none when --t-max is given") { o, v throws(UsageError) in
        if v == "none" { o.target = .some(nil); return }
        o.target = .some(try ValueParsers.real("--target-return", v, "a number or 'none'") { _ in true })
      },
      .init("--n-steps", "n", "Rollout length before each update (the paper's t_max).", default: "\(h.nSteps)") { o, v throws(UsageError) in
        o.config.hyperparameters.nSteps = try ValueParsers.integer("--n-steps", v, 1...10_000)
      },
      .init("--envs-per-worker", "K", "Environments each worker steps in lockstep, 1 to \(Hyperparameters.maxEnvsPerWorker): one K-row forward pass per step and one gradient over the K·n rollout rows per update (1: the paper's algorithm). K > 1: every --algo (qn, q1, sarsa1: K·n rows per update, or K·I transitions); not with --net lstm.", default: "\(h.envsPerWorker)") { o, v throws(UsageError) in
        o.config.hyperparameters.envsPerWorker = try ValueParsers.integer("--envs-per-worker", v, 1...Hyperparameters.maxEnvsPerWorker)
      },
      .init("--gamma", "g", "Discount factor, in (0, 1].", default: "\(h.gamma)") { o, v throws(UsageError) in
        o.config.hyperparameters.gamma = try ValueParsers.real("--gamma", v, "a number in (0, 1]") { $0 > 0 && $0 <= 1 }
      },
      .init("--gae-lambda", "l", "λ of generalized advantage estimation, in [0, 1]; 1 is plain n-step returns.", default: "\(h.gaeLambda)") { o, v throws(UsageError) in
        o.config.hyperparameters.gaeLambda = try ValueParsers.real("--gae-lambda", v, "a number in [0, 1]") { $0 >= 0 && $0 <= 1 }
      },
      .init("--target-interval", "n", "qn/q1/sarsa1: copy θ⁻ ← θ every n global steps.", default: "\(h.targetInterval); q1: \(Hyperparameters.defaultTargetInterval(for: .q1))") { o, v throws(UsageError) in
        o.config.hyperparameters.targetInterval = try ValueParsers.integer("--target-interval", v, 1...Int(1e12))
      },
      .init("--eps-anneal", "n", "qn/q1/sarsa1: anneal ε linearly from 1 to each worker's final ε (0.1, 0.01 or 0.5) over n global steps.", default: "\(h.epsilonAnneal)") { o, v throws(UsageError) in
        o.config.hyperparameters.epsilonAnneal = try ValueParsers.integer("--eps-anneal", v, 0...Int(1e12))
      },
      .init("--eps-final", "paper|e", "qn/q1/sarsa1: every worker's final ε, in [0, 1]; paper: each worker draws 0.1, 0.01 or 0.5 w.p. 0.4, 0.3, 0.3.", default: "paper") { o, v throws(UsageError) in
        if v == "paper" { o.config.hyperparameters.epsilonFinal = nil; return }
        o.config.hyperparameters.epsilonFinal = try ValueParsers.real("--eps-final", v, "'paper' or a number in [0, 1]") { $0 >= 0 && $0 <= 1 }
      },
      .init("--q-loss", "name", "qn/q1/sarsa1: loss on the TD error: squared (the paper) or huber (δ = 1).", default: h.qLoss.rawValue) { o, v throws(UsageError) in
        o.config.hyperparameters.qLoss = try ValueParsers.choice("--q-loss", v, QLoss.self)
      },
      .init("--async-update", "n", "q1/sarsa1: local steps between updates (the paper's I_AsyncUpdate).", default: "\(h.asyncUpdate)") { o, v throws(UsageError) in
        o.config.hyperparameters.asyncUpdate = try ValueParsers.integer("--async-update", v, 1...10_000)
      },
      .init("--test-every", "n", "qn/q1/sarsa1: each worker plays one greedy (ε = 0) test episode after every n of its own training steps, once its current episode ends; these score the run (mean100, --target-return). 0: no tests, scored on training episodes.", default: "\(h.testEvery)") { o, v throws(UsageError) in
        o.config.hyperparameters.testEvery = try ValueParsers.integer("--test-every", v, 0...Int(1e12))
      },
      .init("--ent-coef", "beta", "Entropy bonus weight β.", default: "\(h.entropyCoefficient); \(Hyperparameters.gaussianEntropyCoefficient) for continuous actions") { o, v throws(UsageError) in
        o.config.hyperparameters.entropyCoefficient = try ValueParsers.real("--ent-coef", v, "a number ≥ 0") { $0 >= 0 }
      },
      .init("--vf-coef", "c", "Weight of the value loss (R − V)².", default: "\(h.valueCoefficient)") { o, v throws(UsageError) in
        o.config.hyperparameters.valueCoefficient = try ValueParsers.real("--vf-coef", v, "a number ≥ 0") { $0 >= 0 }
      },
      .init("--lr", "eta", "Learning rate.", default: "\(h.learningRate); a2c: \(h.learningRate)·min(N, 10) for N workers; qn, q1, sarsa1: \(Hyperparameters.valueBasedLearningRate)") { o, v throws(UsageError) in
        o.config.hyperparameters.learningRate = try ValueParsers.real("--lr", v, "a number > 0") { $0 > 0 }
      },
      .init("--lr-schedule", "s", "linear (anneal to 0 at T_max, as the paper) or constant.", default: "\(h.learningRateSchedule.rawValue); qn, q1, sarsa1: \(Hyperparameters.defaultLearningRateSchedule(for: .qn).rawValue)") { o, v throws(UsageError) in
        o.config.hyperparameters.learningRateSchedule = try ValueParsers.choice("--lr-schedule", v, LearningRateSchedule.self)
      },
      .init("--max-grad-norm", "x", "Clip each gradient's global L2 norm to x (0: no clipping).", default: "\(h.maxGradientNorm)") { o, v throws(UsageError) in
        o.config.hyperparameters.maxGradientNorm = try ValueParsers.real("--max-grad-norm", v, "a number ≥ 0") { $0 >= 0 }
      },
      .init("--optimizer", "name", "shared-rmsprop (statistics in the segment), rmsprop (per worker) or sgd.", default: h.optimizer.rawValue) { o, v throws(UsageError) in
        o.config.hyperparameters.optimizer = try ValueParsers.choice("--optimizer", v, OptimizerKind.self)
      },
      .init("--rms-alpha", "a", "RMSProp decay α, in [0, 1).", default: "\(h.rmsAlpha)") { o, v throws(UsageError) in
        o.config.hyperparameters.rmsAlpha = try ValueParsers.real("--rms-alpha", v, "a number in [0, 1)") { $0 >= 0 && $0 < 1 }
      },
      .init("--rms-eps", "e", "RMSProp ε, inside the square root: θ −= η·d/√(g+ε).", default: "\(h.rmsEpsilon)") { o, v throws(UsageError) in
        o.config.hyperparameters.rmsEpsilon = try ValueParsers.real("--rms-eps", v, "a number > 0") { $0 > 0 }
      },
      .init("--rmsprop-sqrt", "form", "How RMSProp computes η·d/√(g+ε): exact (a square root and a division) or fast (η·d·r, r the CPU's reciprocal square root estimate refined by one Newton step; relative error < 1e-6). fast: --update hogwild or locked, not atomic; not with --optimizer sgd.", default: h.rmsSqrt.rawValue) { o, v throws(UsageError) in
        o.config.hyperparameters.rmsSqrt = try ValueParsers.choice("--rmsprop-sqrt", v, RMSPropSqrt.self)
      },
      .init("--hidden", "list", "Hidden layer widths, comma-separated.", default: h.hidden.map(String.init).joined(separator: ",")) { o, v throws(UsageError) in
        o.config.hyperparameters.hidden = try ValueParsers.integerList("--hidden", v, 1...4096)
        guard o.config.hyperparameters.hidden.count <= 8 else {
          throw ValueParsers.fail("--hidden", "at most 8 layers", v)
        }
      },
      .init("--net", "kind", "Network: mlp (dense layers: --hidden, --activation), conv (MinAtar's: 3×3 convolution with 16 filters, ReLU, 128 ReLU units; image observations only), atari (the paper's Atari network: 16 filters 8×8 stride 4, 32 filters 4×4 stride 2, 256 units, all ReLU; stacked frames [channels, height, width] such as the ALE's [4, 84, 84] only) or lstm (A3C-LSTM: the mlp's hidden layers, or conv's torso for images, or atari's for stacked frames, then an LSTM of --lstm-cells cells, then the policy and value; state carried through each episode; a3c and a2c only).", default: "atari for ALE/*, conv for MinAtar, mlp otherwise") { o, v throws(UsageError) in
        o.config.hyperparameters.network = try ValueParsers.choice("--net", v, NetworkKind.self)
      },
      .init("--lstm-cells", "n", "LSTM cells of --net lstm, 1 to 1024.", default: "\(h.lstmCells); \(Hyperparameters.atari.lstmCells) for Atari frames") { o, v throws(UsageError) in
        o.config.hyperparameters.lstmCells = try ValueParsers.integer("--lstm-cells", v, 1...1024)
      },
      .init("--activation", "name", "Hidden activation: tanh or relu.", default: h.activation.rawValue) { o, v throws(UsageError) in
        o.config.hyperparameters.activation = try ValueParsers.choice("--activation", v, Activation.self)
      },
      .init("--update", "mode", "hogwild (lock-free, lost updates accepted), atomic (CAS per float) or locked (one mutex).", default: h.updateMode.rawValue) { o, v throws(UsageError) in
        o.config.hyperparameters.updateMode = try ValueParsers.choice("--update", v, UpdateMode.self)
      },
      .init("--audit", nil, "Measure lost updates: every worker also sums the steps it meant to apply (in double precision, a row per worker); summary.json and dump report ‖intended − actual change of θ‖ / ‖intended‖ overall and per layer. Costs speed; restarts at a resume point.") { o, _ in
        o.config.audit = true
      },
      .init("--stale-updates", "k", "Controlled staleness: every gradient is computed on θ as it was exactly k updates before it is applied (a ring of k + 1 snapshots; updates applied one at a time in order), so staleness is k whatever the timing. 0 is off; up to \(RunConfig.maxStaleUpdates). a3c, qn, q1, sarsa1 with --update hogwild only.", default: "0") { o, v throws(UsageError) in
        o.config.staleUpdates = try ValueParsers.integer("--stale-updates", v, 0...RunConfig.maxStaleUpdates)
      },
      .init("--delay", "d", "Wait between reading θ and writing the gradient: 0, 250us, 2ms, 1s, uniform:0-5ms, exp:2ms.", default: "0") { o, v throws(UsageError) in
        guard let delay = Delay.parse(v) else {
          throw ValueParsers.fail("--delay", "a duration such as 0, 250us, 2ms, 1s, uniform:0-5ms or exp:2ms", v)
        }
        o.config.delay = delay
      },
      .init("--delay-workers", "list", "Ranks that are delayed, comma-separated.", default: "all") { o, v throws(UsageError) in
        o.delayWorkersList = try ValueParsers.integerList("--delay-workers", v, 0...255)
      },
      .init("--out", "dir", "Output directory.", default: "runs/<env>__<algo>__<seed>__<unixtime>") { o, v throws(UsageError) in
        guard !v.isEmpty else { throw ValueParsers.fail("--out", "a directory path", v) }
        o.config.outputDirectory = v
      },
      .init("--segment", "name", "Shared memory segment name.", default: "/hogwild-rl.<pid>") { o, v throws(UsageError) in
        do { o.config.segmentName = try SharedSegment.normalizedName(v) } catch {
          throw UsageError("--segment: \(error)")
        }
      },
      .init("--keep-segment", nil, "Leave the segment in /dev/shm after the run, for `dump`.") { o, _ in
        o.config.keepSegment = true
      },
      .init("--max-restarts", "n", "Worker failures survived by re-forking the rank; 0 fails fast.", default: "\(d.maxRestarts)") { o, v throws(UsageError) in
        o.config.maxRestarts = try ValueParsers.integer("--max-restarts", v, 0...1_000_000)
      },
      .init("--worker-timeout", "d", "Kill and restart a worker whose heartbeat is older than d (e.g. 30s, 500ms).", default: Delay.format(d.workerTimeout)) { o, v throws(UsageError) in
        guard let ns = Delay.parseDuration(v), ns >= 10_000_000 else {
          throw ValueParsers.fail("--worker-timeout", "a duration of at least 10ms, such as 30s or 500ms", v)
        }
        o.config.workerTimeout = ns
      },
      .init("--independent", nil, "Benchmark baseline: each worker trains a private copy of θ (no shared writes).") { o, _ in
        o.config.independent = true
      },
      .init("--quiet", nil, "Print nothing on stderr but errors (no start or progress lines).") { o, _ in o.config.progress = false },
      .init("--checkpoint-every", "d|n", "Rewrite checkpoint.bin during the run: every duration d (500ms, 30s, 2m = minutes, 1h) or every n global steps (100000, 500k, 2M = million); 0 or none: only the final one.", default: d.checkpointEvery.description) { o, v throws(UsageError) in
        guard let every = CheckpointInterval.parse(v) else {
          throw ValueParsers.fail("--checkpoint-every", "a duration of at least 10ms (500ms, 30s, 2m, 1h), a step count (100000, 500k, 2M), or none", v)
        }
        o.config.checkpointEvery = every
      },
      .init("--log-every", "d|auto", "Append one row of training statistics to train.csv (and TensorBoard) every duration d (10ms at least; 500ms, 1s, 2m); auto: every second and at every 1% of T_max, so that a run over in a second still has 100 points.", default: "auto") { o, v throws(UsageError) in
        if v == "auto" {
          o.config.logEveryNanoseconds = RunConfig().logEveryNanoseconds
          o.config.logEveryPercent = true
          return
        }
        guard case .time(let ns)? = CheckpointInterval.parse(v) else {
          throw ValueParsers.fail("--log-every", "auto or a duration of at least 10ms (500ms, 1s, 2m)", v)
        }
        o.config.logEveryNanoseconds = ns
        o.config.logEveryPercent = false
      },
      .init("--tensorboard", nil, "Also write the curves for TensorBoard: events.out.tfevents.<unix seconds>.<host> in the output directory (charts/episodic_return and _length per episode; charts/SPS, losses/*, charts/learning_rate, hogwild/staleness_* per train.csv row; hogwild/lost_fraction with --audit), flushed every --log-every. View with 'tensorboard --logdir runs'. A resumed run adds a new file; it keeps the flag once given.") { o, _ in
        o.config.tensorboard = true
      },
      .init("--trust-checkpoint", nil, "With --resume: load the plugin or Python interpreter the checkpoint names even if it is not a regular file owned by you or root (a checkpoint from someone else is code they choose).") { o, _ in
        o.config.trustCheckpointCode = true
      },
      .init("--eval-every", "T", "Evaluate the policy at every multiple of T global steps (100k, 1M; 0: never) in a separate, lower-priority process that the workers never wait for: --eval-episodes greedy and as many sampled episodes (Q-networks: greedy only) from the same seeded starts each time, each cut at \(Policy.defaultMaxEpisodeSteps) steps; also once at the end. Each evaluation is a row of eval.csv and eval/* points with --tensorboard; best.bin (beside checkpoint.bin, for eval and export) keeps the θ with the best greedy mean so far.", default: "0") { o, v throws(UsageError) in
        o.config.evalEvery = UInt64(try ValueParsers.integer("--eval-every", v, 0...Int(1e15)))
      },
      .init("--eval-episodes", "n", "Episodes per mode of each --eval-every evaluation, 1 to 10000.", default: "\(d.evalEpisodes)") { o, v throws(UsageError) in
        o.config.evalEpisodes = try ValueParsers.integer("--eval-episodes", v, 1...10_000)
      },
      .init("--distributed", nil, "Run as one node of several, under an MPI launcher (mpirun -np P hogwild-rl run --distributed …, one rank per node): each node trains its own segment with its own --procs workers, and hogwild-comm (built by 'make mpi') keeps the nodes' θ close with MPI collectives every --sync-every. T and T_max count every node's steps; rank 0 writes the outputs. See docs/DISTRIBUTED.md.") { o, _ in
        o.distributed = true
      },
      .init("--sync-every", "d", "--distributed: time between two syncs of the nodes' θ (1ms to 1h).", default: Delay.format(DistributedSettings().syncEveryNanoseconds)) { o, v throws(UsageError) in
        guard let ns = Delay.parseDuration(v), DistributedSettings.syncEveryRange.contains(ns) else {
          throw ValueParsers.fail("--sync-every", "a duration from 1ms to 1h, such as 50ms or 1s", v)
        }
        o.syncEvery = ns
      },
      .init("--sync", "sum|mean", "--distributed: sum applies every node's updates on every node (asynchronous SGD across nodes, the paper's A3C); mean averages the nodes' changes (local SGD, periodic averaging).", default: DistributedSettings().sync.rawValue) { o, v throws(UsageError) in
        o.syncMode = try ValueParsers.choice("--sync", v, SyncMode.self)
      },
      .init("--sync-rmsprop", "mean|local", "--distributed with --optimizer shared-rmsprop: the RMSProp statistics g move to the nodes' mean at every sync (mean), or each node keeps its own (local).", default: DistributedSettings().rmsprop.rawValue) { o, v throws(UsageError) in
        o.syncRMSProp = try ValueParsers.choice("--sync-rmsprop", v, RMSPropSync.self)
      },
      .init("--resume", "dir", "Continue the run in dir from dir/checkpoint.bin (same env, network and algorithm settings); outputs go to dir.") { o, v throws(UsageError) in
        guard !v.isEmpty else { throw ValueParsers.fail("--resume", "a run directory", v) }
        var dir = v
        while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
        o.resumeDirectory = dir
      },
    ]
  }

  static func main(_ args: [String]) -> Int32 {
    var config: RunConfig
    do {
      guard let (c, resume) = try parseOptions(args) else { return 0 }
      config = c
      if let resume {
        switch resumeConfig(args, directory: resume) {
        case .success(let resumed): config = resumed
        case .failure(let failure): return failure.exitCode
        }
      }
    } catch {
      return CLI.usageFailure(error.message)
    }
    // --distributed: this process (mpirun's) only waits; the supervisor
    // runs as its child in a process group of its own (RankLauncher).
    if config.distributed != nil {
      if !RankLauncher.isSupervisor { return RankLauncher.runSupervisor(arguments: ["run"] + args) }
      guard RankLauncher.adoptParentDeath() else { return 1 }
    }
    // What the environment's probe left behind (a plugin that forked in
    // hw_env_create, a factory's detached subprocess) came to us: end it.
    ChildSubreaper.endAdopted()
    if config.progress {
      for o in CleanCommand.orphans() {
        CLI.printError(o.leftoverLine)
      }
    }
    let summary: RunSummary
    // The other ranks' lines say whose they are (mpirun interleaves them).
    let who = config.distributed.map { $0.node > 0 ? "rank \($0.node): " : "" } ?? ""
    do {
      let supervisor = try Supervisor(config: config) { CLI.printError(who + $0) }
      summary = try supervisor.run()
    } catch {
      if error.exitCode == 64 { return CLI.usageFailure(who + error.description) }
      CLI.printError(who + "error: \(error)")
      return error.exitCode
    }
    // Rank 0 reports for every node.
    if config.writesOutputs { printSummary(summary) }
    return summary.exitReason.exitCode
  }

  static func printSummary(_ s: RunSummary) {
    let st = s.staleness
    var lines = [
      "exit_reason: \(s.exitReason.name)",
      "steps: \(s.steps) in \(fmt(s.wallSeconds, 2)) s (\(whole(s.stepsPerSecond)) steps/s), updates: \(s.updates)",
      "episodes: \(s.episodes), mean_return_100: " + (s.meanReturn100.map { fmt($0, 2) } ?? "-"),
    ]
    if let step = s.solvedAtStep, let sec = s.solvedAtSeconds {
      lines.append("solved at step \(step) (\(fmt(sec, 2)) s)")
    }
    lines.append("staleness: mean \(fmt(st.mean, 2)), p50 \(fmt(st.p50, 1)), p99 \(fmt(st.p99, 1)), max \(st.max)")
    if let a = s.audit {
      lines.append("audit: lost fraction " + (a.overall.lostFraction.map { "\($0)" } ?? "-")
        + " (‖intended‖ \(fmt(a.overall.intendedNorm, 4)), ‖actual‖ \(fmt(a.overall.actualNorm, 4)))")
    }
    if let d = s.distributed {
      let reported = d.nodes.compactMap { $0 }
      let remote = reported.isEmpty ? 0 : reported.map(\.remoteUpdatesPerSync).reduce(0, +) / Double(reported.count)
      lines.append("distributed: \(d.settings.nodes) nodes, \(d.syncs) syncs (\(fmt(d.syncMillisecondsMean, 2)) ms, "
        + "\(Int(d.bytesPerSync)) bytes each); across nodes \(fmt(remote, 1)) remote updates per sync"
        + (d.finished ? "" : "; the last sync did not complete"))
    }
    lines.append("output: \(s.outputDirectory)")
    print(lines.joined(separator: "\n"))
  }

  /// `v` rounded to a whole number (as is when huge or not finite).
  static func whole(_ v: Double) -> String {
    v.isFinite && abs(v) < 1e15 ? String(Int64(v.rounded())) : "\(v)"
  }

  static func fmt(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite else { return "\(v)" }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    return "\((v * p).rounded() / p)"
  }
}
