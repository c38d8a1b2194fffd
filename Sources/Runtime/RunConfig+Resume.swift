// RunConfig+Resume.swift — reading a run's settings back from config.json
// (stored in checkpoint.bin), and what a resumed run carries over.

import Algorithms
import EnvSources
import BuiltInEnvs
import Formats
import HogwildLink
import HogwildSegment
import TinyNN

/// What `run --resume DIR` continues from.
public struct ResumeState: Sendable {
  /// The run directory (the resumed run's output directory).
  public var directory: String
  /// DIR/checkpoint.bin, already checked against the config.
  public var checkpoint: Checkpoint
  public init(directory: String, checkpoint: Checkpoint) {
    self.directory = directory
    self.checkpoint = checkpoint
  }
}

/// config.json could not be turned back into settings.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension RunConfig {
  /// The settings stored in config.json's text. Keys this build does not
  /// know are ignored; every known key must hold a valid value. `segment`
  /// is not carried over (a resumed run gets a fresh segment).
  public init(configText: String) throws(ConfigError) {
    let j: JSON
    do { j = try JSON.parse(configText) } catch { throw ConfigError("config is not JSON: \(error)") }
    guard j.objectPairs != nil else { throw ConfigError("config is not a JSON object") }
    self.init()
    func string(_ k: String) throws(ConfigError) -> String {
      guard let s = j[k]?.stringValue else { throw ConfigError("config: '\(k)' is missing or not a string") }
      return s
    }
    func number(_ k: String) throws(ConfigError) -> Double {
      guard let d = j[k]?.doubleValue else { throw ConfigError("config: '\(k)' is missing or not a number") }
      return d
    }
    /// A finite number for which `ok` holds (the ranges `run` accepts).
    func real(_ k: String, _ ok: (Double) -> Bool) throws(ConfigError) -> Double {
      let d = try number(k)
      guard d.isFinite, ok(d) else { throw ConfigError("config: '\(k)' is out of range") }
      return d
    }
    func integer(_ k: String, _ range: ClosedRange<Double>) throws(ConfigError) -> Int {
      let d = try number(k)
      guard d == d.rounded(), range.contains(d) else { throw ConfigError("config: '\(k)' is out of range") }
      return Int(d)
    }
    func choice<E: RawRepresentable>(_ k: String, _: E.Type) throws(ConfigError) -> E where E.RawValue == String {
      let s = try string(k)
      guard let v = E(rawValue: s) else { throw ConfigError("config: '\(k)' has unknown value '\(s)'") }
      return v
    }
    let envText = try string("env")
    let source: EnvSource
    do { source = try EnvSource(parsing: envText) } catch {
      throw ConfigError("config: 'env' \(envText): \(error.message)")
    }
    if case .builtin(let id) = source {
      env = ResolvedEnv(builtin: id)
    } else {
      // A plugin or Python environment: its spec as the run saw it (eval and
      // --resume probe it again and refuse a changed one).
      guard let stored = j["env_spec"], let spec = EnvSpec(json: stored) else {
        throw ConfigError("config: 'env_spec' is missing or malformed for \(envText)")
      }
      env = ResolvedEnv(source: source, spec: spec, python: source.isPython ? j["python"]?.stringValue : nil,
                        atari: try Self.atariSettings(j, source: source))
    }
    let spec = env.spec
    // Runs from before --sticky have no key: the env's default.
    stickyActionProbability = spec.stickyActionProbability
    if let p = j["sticky"], p != .null {
      guard let d = p.doubleValue, d >= 0, d <= 1, spec.stickyActionProbability != nil else {
        throw ConfigError("config: 'sticky' is out of range or \(envText) has no sticky actions")
      }
      stickyActionProbability = d
    }
    algorithm = try choice("algo", AlgorithmKind.self)
    procs = try integer("procs", 1...256)
    seed = UInt64(try integer("seed", 0...9.2e18))
    tMax = UInt64(try integer("t_max", 1...1e15))
    if let t = j["target_return"], t != .null {
      guard let d = t.doubleValue, d.isFinite else { throw ConfigError("config: 'target_return' is not a finite number") }
      targetReturn = d
    }
    var h = Hyperparameters()
    h.nSteps = try integer("n_steps", 1...10_000)
    h.gamma = try real("gamma") { $0 > 0 && $0 <= 1 }
    // Older runs have no gae_lambda: they used plain n-step returns.
    h.gaeLambda = j["gae_lambda"] == nil ? 1 : try real("gae_lambda") { $0 >= 0 && $0 <= 1 }
    h.entropyCoefficient = try real("ent_coef") { $0 >= 0 }
    h.valueCoefficient = try real("vf_coef") { $0 >= 0 }
    h.learningRate = try real("lr") { $0 > 0 }
    h.learningRateSchedule = try choice("lr_schedule", LearningRateSchedule.self)
    h.maxGradientNorm = try real("max_grad_norm") { $0 >= 0 }
    h.optimizer = try choice("optimizer", OptimizerKind.self)
    h.rmsAlpha = try real("rms_alpha") { $0 >= 0 && $0 < 1 }
    h.rmsEpsilon = try real("rms_eps") { $0 > 0 }
    // Runs from before --rmsprop-sqrt used the exact form.
    if j["rmsprop_sqrt"] != nil { h.rmsSqrt = try choice("rmsprop_sqrt", RMSPropSqrt.self) }
    guard let hidden = j["hidden"]?.arrayValue?.compactMap(\.doubleValue), !hidden.isEmpty, hidden.count <= 8,
      hidden.allSatisfy({ $0 >= 1 && $0 <= 4096 && $0 == $0.rounded() })
    else { throw ConfigError("config: 'hidden' is not a list of layer widths") }
    h.hidden = hidden.map { Int($0) }
    // Runs from before --net trained an MLP.
    if j["net"] != nil { h.network = try choice("net", NetworkKind.self) }
    // Runs from before --net lstm: the default, which their network ignores.
    if j["lstm_cells"] != nil { h.lstmCells = try integer("lstm_cells", 1...1024) }
    h.activation = try choice("activation", Activation.self)
    h.updateMode = try choice("update", UpdateMode.self)
    // Runs from before the Q-learning family have none of these: defaults.
    if j["target_interval"] != nil { h.targetInterval = try integer("target_interval", 1...1e12) }
    if j["eps_anneal"] != nil { h.epsilonAnneal = try integer("eps_anneal", 0...1e12) }
    if let e = j["eps_final"], e.stringValue != "paper" {
      guard let d = e.doubleValue, d >= 0, d <= 1 else { throw ConfigError("config: 'eps_final' is out of range") }
      h.epsilonFinal = d
    }
    if j["q_loss"] != nil { h.qLoss = try choice("q_loss", QLoss.self) }
    if j["async_update"] != nil { h.asyncUpdate = try integer("async_update", 1...10_000) }
    // Runs from before test episodes were scored on training episodes:
    // resumed, they stay so (no tests) rather than switch windows midway.
    h.testEvery = j["test_every"] == nil ? 0 : try integer("test_every", 0...1e12)
    // Runs from before --envs-per-worker stepped one environment per worker.
    if j["envs_per_worker"] != nil {
      h.envsPerWorker = try integer("envs_per_worker", 1...Double(Hyperparameters.maxEnvsPerWorker))
    }
    hyperparameters = h
    if let d = j["delay"]?.stringValue {
      guard let delay = Delay.parse(d) else { throw ConfigError("config: 'delay' is invalid") }
      self.delay = delay
    }
    if let list = j["delay_workers"]?.arrayValue {
      // Numbers from a file: checked as Doubles before any becomes an Int.
      delayWorkers = Set(list.compactMap(\.doubleValue).filter { $0 >= 0 && $0 < Double(procs) && $0 == $0.rounded() }
        .map { Int($0) })
    }
    keepSegment = false
    if case .bool(let b)? = j["independent"] { independent = b }
    // Runs from before --audit and --stale-updates have neither.
    if case .bool(let b)? = j["audit"] { audit = b }
    if j["stale_updates"] != nil { staleUpdates = try integer("stale_updates", 0...Double(RunConfig.maxStaleUpdates)) }
    if let m = j["max_restarts"]?.doubleValue, m >= 0, m <= 1e6 { maxRestarts = Int(m) }
    if let t = j["worker_timeout"]?.stringValue {
      guard let ns = Delay.parseDuration(t), ns >= 10_000_000 else {
        throw ConfigError("config: 'worker_timeout' is not a duration of at least 10ms")
      }
      workerTimeout = ns
    }
    if let c = j["checkpoint_every"]?.stringValue, let every = CheckpointInterval.parse(c) { checkpointEvery = every }
    // Runs from before train.csv and --tensorboard have neither: defaults.
    // ("auto": every second and every 1% of T_max; runs from before it logged by time only.)
    if let l = j["log_every"]?.stringValue {
      logEveryPercent = l == "auto"
      if case .time(let ns)? = CheckpointInterval.parse(l) { logEveryNanoseconds = ns }
    } else {
      logEveryPercent = false
    }
    if case .bool(let b)? = j["tensorboard"] { tensorboard = b }
    // Runs from before --eval-every evaluated nothing.
    if j["eval_every"] != nil { evalEvery = UInt64(try integer("eval_every", 0...1e15)) }
    if j["eval_episodes"] != nil { evalEpisodes = try integer("eval_episodes", 1...10_000) }
    // A distributed run's job shape and sync settings (this node's rank
    // comes from the launcher when it resumes).
    if let d = j["distributed"] {
      guard let settings = DistributedSettings(json: d) else { throw ConfigError("config: 'distributed' is malformed") }
      distributed = settings
    }
  }

  /// The Atari protocol's settings stored with a plugin environment (always
  /// for ALE/<Game>-v5), or nil.
  static func atariSettings(_ j: JSON, source: EnvSource) throws(ConfigError) -> AtariSettings? {
    guard source.isPlugin else { return nil }
    guard j["sticky_actions"] != nil || j["noop_max"] != nil else {
      if case .ale = source { return AtariSettings() }
      return nil
    }
    var a = AtariSettings()
    guard let p = j["sticky_actions"]?.doubleValue, p >= 0, p <= 1 else { throw ConfigError("config: 'sticky_actions' is out of range") }
    a.stickyActions = p
    guard case .bool(let full)? = j["full_action_space"], case .bool(let noLoss)? = j["no_life_loss_terminal"] else {
      throw ConfigError("config: 'full_action_space' and 'no_life_loss_terminal' must be true or false")
    }
    a.fullActionSpace = full
    a.lifeLossTerminal = !noLoss
    guard let n = j["noop_max"]?.doubleValue, n >= 0, n <= 10_000, n == n.rounded() else {
      throw ConfigError("config: 'noop_max' is out of range")
    }
    a.noopMax = Int(n)
    if let dir = j["rom_dir"], dir != .null {
      guard let d = dir.stringValue, !d.isEmpty else { throw ConfigError("config: 'rom_dir' is not a folder") }
      a.romDirectory = d
    }
    return a
  }

  /// The seed the workers draw their random numbers from: `seed`, or after
  /// a resume a stream of its own (mixed with the step the run resumed at),
  /// so a resumed run does not replay the first run's episodes.
  public var workerSeed: UInt64 {
    var base = seed
    if let t = resume?.checkpoint.globalSteps, t > 0 {
      var mix = SplitMix64(seed: seed ^ (t &* 0x9E37_79B9_7F4A_7C15))
      base = mix.next()
    }
    // Each node of a distributed run draws streams of its own (rank 0 keeps
    // the seed's, so one node trains as a run without --distributed does).
    guard let node = distributed?.node, node > 0 else { return base }
    var mix = SplitMix64(seed: base ^ (UInt64(node) &* 0xD1B5_4A32_D192_ED03))
    return mix.next()
  }
}
