// RunValidation.swift — `run`'s command line to a checked configuration, in
// stages: parse the flags, settle the environment (a plugin or a Python
// environment is probed here), fill the defaults that depend on the
// environment, check the combinations of settings, fill the per-algorithm
// defaults. Everything here happens before anything is created; every
// failure is one line for exit 64.

import Algorithms
import EnvSources
import BuiltInEnvs
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
    // The command line alone first: --help, --config, --no-tuned, --resume.
    var flags = RunOptions()
    flags.config = base
    var flagsGiven: Set<String> = []
    guard try table.parse(args, into: &flags, given: &flagsGiven) else { return nil }
    let layers = try settingLayers(args, flags, given: flagsGiven)
    // The recurrent learner steps one environment per worker: asking for
    // --net lstm leaves out a tuned --envs-per-worker (the Atari entry's 8).
    var tunedArgs = layers.tuned
    var note = layers.note
    if flagsGiven.contains("--net"), flags.config.hyperparameters.network == .lstm,
      let i = tunedArgs.firstIndex(of: "--envs-per-worker"), i + 1 < tunedArgs.count
    {
      let dropped = " --envs-per-worker " + tunedArgs[i + 1]
      tunedArgs.removeSubrange(i...(i + 1))
      if let n = note, let r = n.firstRange(of: dropped) { note = String(n[..<r.lowerBound] + n[r.upperBound...]) }
    }
    var o = RunOptions()
    o.config = base
    // Which options were given: several defaults depend on the algorithm or
    // the environment, and apply only to options left out. Tuned settings
    // count as given for those, but not for what --t-max implies (a tuned
    // budget keeps the env's solved threshold as the target).
    var tuned: Set<String> = []
    var given: Set<String> = []
    do { _ = try table.parse(tunedArgs, into: &o, given: &tuned) } catch {
      throw UsageError("tuned settings (\(TunedSettings.page)): \(error.message)")
    }
    if let file = flags.configFile {
      do { _ = try table.parse(layers.file, into: &o, given: &given) } catch {
        throw UsageError("--config \(file): \(error.message)")
      }
    }
    _ = try table.parse(args, into: &o, given: &given)
    var c = o.config
    c.settingsNote = note
    // A resumed run keeps its stored settings: defaults apply to new runs only.
    let fresh = o.resumeDirectory == nil
    let settled = given.union(tuned)
    try settleEnvironment(&c, o)
    if fresh { applyEnvironmentDefaults(&c, given: settled) }
    do { try checkCombinations(c, o, fresh: fresh, given: given) } catch {
      // A refusal a tuned setting took part in names the way out.
      guard !tuned.isEmpty else { throw error }
      throw UsageError(error.message + " (with the tuned settings of \(TunedSettings.page): "
        + tunedArgs.joined(separator: " ") + "; --no-tuned leaves them out)")
    }
    try settleDistributed(&c, o, fresh: fresh, launch: launch)
    if let list = o.delayWorkersList { c.delayWorkers = Set(list) }
    if fresh { applyAlgorithmDefaults(&c, given: settled) }
    switch o.target {
    case .none:
      c.targetReturn = given.contains("--t-max") ? nil : fresh ? c.envSpec.rewardThreshold : baseTarget
    case .some(let t): c.targetReturn = t
    }
    return (c, o.resumeDirectory)
  }

  /// The settings under the command line: --config's file (without the keys
  /// whose flags were given) and the tuned entry of the run's environment
  /// and algorithm (without the keys given either way), as `run` arguments;
  /// and the note the run's first line prints about them.
  static func settingLayers(_ args: [String], _ flags: RunOptions, given: Set<String>)
    throws(UsageError) -> (tuned: [String], file: [String], note: String?)
  {
    var file: [String] = []
    if let path = flags.configFile {
      guard flags.resumeDirectory == nil else {
        throw UsageError("--config: a resumed run keeps its stored settings (--resume takes no --config)")
      }
      file = try SettingsFile.load(path, overridden: given)
    }
    // A resumed run keeps its stored settings.
    guard flags.resumeDirectory == nil else { return ([], [], nil) }
    // Which environment and algorithm: the command line over the file.
    var chosen = RunOptions()
    do {
      _ = try table.parse(file, into: &chosen)
    } catch {
      throw UsageError("--config \(flags.configFile ?? ""): \(error.message)")
    }
    if let env = flags.envSource { chosen.envSource = env }
    if given.contains("--algo") { chosen.config.algorithm = flags.config.algorithm }
    let source = chosen.envSource ?? chosen.config.env.source
    let algo = chosen.config.algorithm.rawValue
    let from = flags.configFile.map { "from \($0)" }
    if flags.noTuned {
      return ([], file, [from, "defaults (--no-tuned)"].compactMap { $0 }.joined(separator: "; "))
    }
    guard let entry = TunedSettings.entry(for: source, algo: algo) else {
      // A full config.json sets everything; a note on a missing entry is noise then.
      return ([], file, from ?? "defaults (no tuned entry for \(source.text) \(algo); \(TunedSettings.page))")
    }
    let fromFile = Set(SettingsFile.flagsIn(file))
    let tuned = try SettingsFile.arguments(entry.settings, what: "tuned settings for \(entry.env) \(entry.algo)",
                                           overridden: given.union(fromFile))
    if tuned.isEmpty, let from { return ([], file, from) }
    let applied = tuned.isEmpty
      ? (entry.settings.isEmpty ? "the defaults" : "every one overridden")
      : tuned.joined(separator: " ")
    let status = entry.status == "measured" ? "tuned" : entry.status + ","
    let what = "\(status) for \(entry.env) \(entry.algo) (\(TunedSettings.page)): \(applied)"
    return (tuned, file, [from, what].compactMap { $0 }.joined(separator: "; "))
  }

  /// The environment a run trains on: `--env` resolved (probed once), or a
  /// resumed run's stored one (a different --env is refused with the other
  /// settings a resume keeps; --python may name another interpreter for it).
  static func settleEnvironment(_ c: inout RunConfig, _ o: RunOptions) throws(UsageError) {
    guard o.resumeDirectory != nil else {
      let source = o.envSource ?? c.env.source
      c.env = try resolveEnvironment(source, pythonFlag: o.pythonFlag, atari: o.atari)
      try applyStickyActionsFlag(&c, o)
      return
    }
    if let source = o.envSource {
      c.env = ResolvedEnv(source: source, spec: c.envSpec, python: c.env.python, atari: c.env.atari)
    }
    if o.atari.given {
      // Compared with the stored ones below (a resume keeps them; --rom-dir may move).
      c.env = ResolvedEnv(source: c.env.source, spec: c.envSpec, python: c.env.python,
                          atari: try o.atari.settings(for: c.env.source, base: c.env.atari))
      try applyStickyActionsFlag(&c, o)
    }
    if let flag = o.pythonFlag {
      guard c.env.source.isPython else { throw pythonNotNeeded(c.envID) }
      do { c.env = ResolvedEnv(source: c.env.source, spec: c.envSpec, python: try PythonInterpreter.resolve(flag: flag)) }
      catch { throw UsageError(error.message) }
    }
  }

  /// `--sticky-actions` on a MinAtar environment: its sticky actions, as
  /// `--sticky` (the ALE's go to the plugin with the other Atari flags).
  static func applyStickyActionsFlag(_ c: inout RunConfig, _ o: RunOptions) throws(UsageError) {
    guard let p = o.atari.stickyActions, !c.env.source.isPlugin else { return }
    guard c.envSpec.stickyActionProbability != nil else {
      throw UsageError("--sticky-actions: \(c.envID) has no sticky actions (MinAtar and the Atari games do)")
    }
    c.stickyActionProbability = p
  }

  /// A new run's defaults that follow from its environment, for what no flag
  /// set: the network (atari for stacked frames, conv for images), a Box
  /// action space's entropy coefficient, the environment's sticky-action
  /// probability, and on Atari frames the paper's settings
  /// (`Hyperparameters.atari`).
  static func applyEnvironmentDefaults(_ c: inout RunConfig, given: Set<String>) {
    let spec = c.envSpec
    if !given.contains("--net") { c.hyperparameters.network = NetworkKind.defaultFor(spec) }
    if spec.discreteActionCount == 0 && !given.contains("--ent-coef") {
      c.hyperparameters.entropyCoefficient = Hyperparameters.gaussianEntropyCoefficient
    }
    if !given.contains("--sticky") && !given.contains("--sticky-actions") {
      c.stickyActionProbability = spec.stickyActionProbability
    }
    if readsAtariFrames(c) {
      let a = Hyperparameters.atari
      if !given.contains("--n-steps") { c.hyperparameters.nSteps = a.nSteps }
      if !given.contains("--ent-coef") { c.hyperparameters.entropyCoefficient = a.entropyCoefficient }
      if !given.contains("--max-grad-norm") { c.hyperparameters.maxGradientNorm = a.maxGradientNorm }
      if !given.contains("--lstm-cells") { c.hyperparameters.lstmCells = a.lstmCells }
      if !given.contains("--test-every") { c.hyperparameters.testEvery = a.testEvery }
    }
  }

  /// The run's network reads stacked frames with the paper's Atari front
  /// (`--net atari`, or `--net lstm` on frames): the Atari defaults apply.
  static func readsAtariFrames(_ c: RunConfig) -> Bool {
    let net = c.hyperparameters.network
    return NetworkKind.readsFrames(c.envSpec) && (net == .atari || net == .lstm)
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
        if h.network == .atari {
          throw UsageError("--net atari: \(c.envID)'s observations \(spec.observationShape) are not stacked frames [channels, height, width] of at least 20×20 (the ALE's are [4, 84, 84]); use --net mlp or conv")
        }
        throw UsageError("--net conv: \(c.envID)'s observations are not images (height × width × channels); use --net mlp")
      }
      if continuous && h.network == .atari {
        throw UsageError("--net atari: continuous-action A3C uses dense policy and value networks")
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
        if c.env.source.isPlugin {
          throw UsageError("--sticky: MinAtar's flag; an Atari game's sticky actions are --sticky-actions P")
        }
        throw UsageError("--sticky: \(c.envID) has no sticky actions (only the MinAtar environments do)")
      }
      if given.contains("--sticky") && given.contains("--sticky-actions") {
        throw UsageError("--sticky-actions: give it or --sticky, not both")
      }
    }
    if let list = o.delayWorkersList, let bad = list.first(where: { $0 >= c.procs }) {
      throw UsageError("--delay-workers: rank \(bad) does not exist with --procs \(c.procs) (ranks are 0 to \(c.procs - 1))")
    }
    if c.independent && c.algorithm.isSynchronous {
      throw UsageError("--independent: a2c's workers meet at a barrier by design; use it with a3c or the Q-learning family")
    }
    if c.evalEvery > 0 && c.independent {
      throw UsageError("--eval-every: with --independent each worker trains a private θ; the shared θ an evaluation would read never changes")
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
    let atari = readsAtariFrames(c)
    if !given.contains("--lr") {
      c.hyperparameters.learningRate = atari ? Hyperparameters.atari.learningRate
        : Hyperparameters.defaultLearningRate(for: c.algorithm, workers: c.procs)
    }
    if !given.contains("--lr-schedule") {
      c.hyperparameters.learningRateSchedule = atari ? Hyperparameters.atari.learningRateSchedule
        : Hyperparameters.defaultLearningRateSchedule(for: c.algorithm)
    }
    if !given.contains("--target-interval") {
      c.hyperparameters.targetInterval = Hyperparameters.defaultTargetInterval(for: c.algorithm)
    }
  }

  /// `source` with its spec (a plugin or a Python environment is probed
  /// here, once per process): every problem is one line for exit 64.
  static func resolveEnvironment(_ source: EnvSource, pythonFlag: String?,
                                 atari: AtariFlags = AtariFlags()) throws(UsageError) -> ResolvedEnv {
    var python: String?
    if source.isPython {
      do { python = try PythonInterpreter.resolve(flag: pythonFlag) } catch { throw UsageError(error.message) }
    } else if pythonFlag != nil {
      throw pythonNotNeeded(source.text)
    }
    let settings = try atari.settings(for: source)
    do { return try EnvCatalog.resolve(source, python: python, atari: settings) } catch {
      throw UsageError("--env: \(error.message)")
    }
  }

  /// An id that is not built in: the built-in id it is closest to, and the
  /// Gymnasium id of the same name through the bridge.
  static func unknownEnvironment(_ id: String) -> UsageError {
    let gym = EnvSource.gym(id).text
    if let near = NearMatch.best(id, among: EnvRegistry.ids) {
      return UsageError("--env: unknown environment '\(id)'; did you mean '\(near)' (built in) or '\(gym)' "
        + "(Gymnasium's, run in Python)? 'hogwild-rl envs' lists the built-in ids")
    }
    return UsageError("--env: unknown environment '\(id)'; '\(gym)' runs Gymnasium's \(id) in Python; "
      + "'hogwild-rl envs' lists the built-in ids")
  }

  /// `--env`'s value, checked for its form only.
  static func parseEnvSource(_ v: String) throws(UsageError) -> EnvSource {
    do throws(EnvSourceError) { return try EnvSource(parsing: v) } catch {
      // An ALE/ id of the wrong form gets the ALE form in the reply.
      let prefixed = ["plugin:", "gym:", "py:", "ALE/"].contains { v.hasPrefix($0) }
      if !prefixed, !v.isEmpty, !v.contains(where: \.isWhitespace) { throw unknownEnvironment(v) }
      throw UsageError("--env \(v): \(error.message)")
    }
  }

  static func pythonNotNeeded(_ env: String) -> UsageError {
    UsageError("--python: only gym: and py: environments run in Python, and --env \(env) does not")
  }
}
