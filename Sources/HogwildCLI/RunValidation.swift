// RunValidation.swift — `run`'s command line to a checked configuration, in
// stages: parse the flags, settle the environment (a plugin or a Python
// environment is probed here), fill the defaults that depend on the
// environment, check the combinations of settings, fill the per-algorithm
// defaults. Everything here happens before anything is created; every
// failure is one line for exit 64.

import Algorithms
import EnvSources
import Envs
import Runtime

extension RunCommand {
  /// Parses and validates; nil after --help.
  static func parse(_ args: [String]) throws(UsageError) -> RunConfig? {
    try parseOptions(args)?.config
  }

  /// Parses `args` over `base` (the defaults, or a resumed run's stored
  /// settings) and validates; nil after --help.
  /// `launch`: check a --distributed command line as if started by this
  /// MPI launch (sweep --mpirun checks its runs before starting them).
  static func parseOptions(_ args: [String], base: RunConfig = RunConfig(), baseTarget: Double? = nil,
                           launch: MPILaunch? = nil) throws(UsageError) -> (config: RunConfig, resume: String?)? {
    var o = RunOptions()
    o.config = base
    // Which options were given: several defaults depend on the algorithm or
    // the environment, and apply only to options left out.
    var given: Set<String> = []
    guard try table.parse(args, into: &o, given: &given) else { return nil }
    var c = o.config
    // A resumed run keeps its stored settings: defaults apply to new runs only.
    let fresh = o.resumeDirectory == nil
    try settleEnvironment(&c, o)
    if fresh { applyEnvironmentDefaults(&c, given: given) }
    try checkCombinations(c, o, fresh: fresh, given: given)
    try settleDistributed(&c, o, fresh: fresh, launch: launch)
    if let list = o.delayWorkersList { c.delayWorkers = Set(list) }
    if fresh { applyAlgorithmDefaults(&c, given: given) }
    switch o.target {
    case .none:
      c.targetReturn = given.contains("--t-max") ? nil : fresh ? c.envSpec.rewardThreshold : baseTarget
    case .some(let t): c.targetReturn = t
    }
    return (c, o.resumeDirectory)
  }

  /// The environment a run trains on: `--env` resolved (probed once), or a
  /// resumed run's stored one (a different --env is refused with the other
  /// settings a resume keeps; --python may name another interpreter for it).
  static func settleEnvironment(_ c: inout RunConfig, _ o: RunOptions) throws(UsageError) {
    guard o.resumeDirectory != nil else {
      c.env = try resolveEnvironment(o.envSource ?? c.env.source, pythonFlag: o.pythonFlag)
      return
    }
    if let source = o.envSource { c.env = ResolvedEnv(source: source, spec: c.envSpec, python: c.env.python) }
    if let flag = o.pythonFlag {
      guard c.env.source.isPython else { throw pythonNotNeeded(c.envID) }
      do { c.env = ResolvedEnv(source: c.env.source, spec: c.envSpec, python: try PythonInterpreter.resolve(flag: flag)) }
      catch { throw UsageError(error.message) }
    }
  }

  /// A new run's defaults that follow from its environment, for what no flag
  /// set: the network (conv for images), a Box action space's entropy
  /// coefficient, the environment's sticky-action probability.
  static func applyEnvironmentDefaults(_ c: inout RunConfig, given: Set<String>) {
    let spec = c.envSpec
    if !given.contains("--net") { c.hyperparameters.network = NetworkKind.defaultFor(spec) }
    if spec.discreteActionCount == 0 && !given.contains("--ent-coef") {
      c.hyperparameters.entropyCoefficient = Hyperparameters.gaussianEntropyCoefficient
    }
    if !given.contains("--sticky") { c.stickyActionProbability = spec.stickyActionProbability }
  }

  /// Settings that are each valid but not together.
  static func checkCombinations(_ c: RunConfig, _ o: RunOptions, fresh: Bool, given: Set<String>) throws(UsageError) {
    let spec = c.envSpec
    let h = c.hyperparameters
    // A box action space (Pendulum-v1) needs a Gaussian policy: a3c has one;
    // the others maximise over or sample from a discrete action set.
    let continuous = spec.discreteActionCount == 0
    if continuous && c.algorithm != .a3c {
      throw UsageError("--env \(c.envID): its action space is continuous, which --algo \(c.algorithm.rawValue) does not support (use --algo a3c)")
    }
    if fresh {
      guard h.network.fits(spec) else {
        throw UsageError("--net conv: \(c.envID)'s observations are not images (height × width × channels); use --net mlp")
      }
      if continuous && h.network == .conv {
        throw UsageError("--net conv: continuous-action A3C uses dense policy and value networks")
      }
      if h.network == .lstm && c.algorithm.isValueBased {
        throw UsageError("--net lstm: --algo \(c.algorithm.rawValue) is value-based; the recurrent network is for a3c and a2c")
      }
      if h.network == .lstm && h.envsPerWorker > 1 {
        throw UsageError("--net lstm: --envs-per-worker \(h.envsPerWorker): the recurrent learner steps one environment per worker (use --envs-per-worker 1)")
      }
      // A resumed run's stored probability stands (a different --sticky is
      // refused with the other settings a resume keeps).
      if given.contains("--sticky") && spec.stickyActionProbability == nil {
        throw UsageError("--sticky: \(c.envID) has no sticky actions (only the MinAtar environments do)")
      }
    }
    if let list = o.delayWorkersList, let bad = list.first(where: { $0 >= c.procs }) {
      throw UsageError("--delay-workers: rank \(bad) does not exist with --procs \(c.procs) (ranks are 0 to \(c.procs - 1))")
    }
    if c.independent && c.algorithm.isSynchronous {
      throw UsageError("--independent: a2c's workers meet at a barrier by design; use it with a3c or the Q-learning family")
    }
    if c.audit && c.independent {
      throw UsageError("--audit: with --independent no worker writes the shared θ, so there is nothing to audit")
    }
    if c.staleUpdates > 0 {
      if c.algorithm.isSynchronous {
        throw UsageError("--stale-updates: a2c is synchronous by design (every round reads the θ the last round wrote); use it with a3c or the Q-learning family")
      }
      if c.independent {
        throw UsageError("--stale-updates: with --independent workers share no θ; there is no update order to be stale against")
      }
      if h.updateMode != .hogwild {
        throw UsageError("--stale-updates: updates are applied one at a time in a fixed order, so none is lost and --update \(h.updateMode.rawValue) has nothing to do; leave --update at hogwild")
      }
    }
    if h.rmsSqrt == .fast {
      if h.optimizer == .sgd {
        throw UsageError("--rmsprop-sqrt fast: --optimizer sgd takes no square root; leave --rmsprop-sqrt at exact")
      }
      if h.updateMode == .atomic {
        throw UsageError("--rmsprop-sqrt fast: --update atomic has only the exact form (its compare-and-swap loop is per float, not vectorised); use --update hogwild or locked, or --rmsprop-sqrt exact")
      }
    }
  }

  /// A new run's per-algorithm defaults, for what no flag set: learning
  /// rate (and its schedule) and the target network's sync interval.
  static func applyAlgorithmDefaults(_ c: inout RunConfig, given: Set<String>) {
    if !given.contains("--lr") {
      c.hyperparameters.learningRate = Hyperparameters.defaultLearningRate(for: c.algorithm, workers: c.procs)
    }
    if !given.contains("--lr-schedule") {
      c.hyperparameters.learningRateSchedule = Hyperparameters.defaultLearningRateSchedule(for: c.algorithm)
    }
    if !given.contains("--target-interval") {
      c.hyperparameters.targetInterval = Hyperparameters.defaultTargetInterval(for: c.algorithm)
    }
  }

  /// `source` with its spec (a plugin or a Python environment is probed
  /// here, once per process): every problem is one line for exit 64.
  static func resolveEnvironment(_ source: EnvSource, pythonFlag: String?) throws(UsageError) -> ResolvedEnv {
    var python: String?
    if source.isPython {
      do { python = try PythonInterpreter.resolve(flag: pythonFlag) } catch { throw UsageError(error.message) }
    } else if pythonFlag != nil {
      throw pythonNotNeeded(source.text)
    }
    do { return try EnvCatalog.resolve(source, python: python) } catch {
      throw UsageError("--env: \(error.message)")
    }
  }

  /// `--env`'s value, checked for its form only.
  static func parseEnvSource(_ v: String) throws(UsageError) -> EnvSource {
    do throws(EnvSourceError) { return try EnvSource(parsing: v) } catch { throw UsageError("--env \(v): \(error.message)") }
  }

  static func pythonNotNeeded(_ env: String) -> UsageError {
    UsageError("--python: only gym: and py: environments run in Python, and --env \(env) does not")
  }
}
