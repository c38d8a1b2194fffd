// EnvCatalog.swift — from an `--env` source to a spec (probing plugins and
// Python environments once per process) and to environments to step.

import BuiltInEnvs
import HogwildSys

/// An environment source whose spec is known: what a run, `eval`, `envs` or
/// `replay` needs to build environments of it.
public struct ResolvedEnv: Sendable {
  /// The source, with a plugin's environment name filled in (the default's
  /// name if none was given), so workers and resumed runs build the same one.
  public let source: EnvSource
  public let spec: EnvSpec
  /// The interpreter of a Python source (nil for the others).
  public let python: String?
  /// The Atari protocol's settings, passed to a plugin as its options: always
  /// for an `ALE/<Game>-v5` source, for a `plugin:` source only when some
  /// were given (nil: the plugin's defaults, no options).
  public let atari: AtariSettings?

  public init(source: EnvSource, spec: EnvSpec, python: String?, atari: AtariSettings? = nil) {
    self.source = source
    self.spec = spec
    self.python = python
    self.atari = atari
  }

  /// The plugin options this environment is built with.
  public var pluginOptions: [String] { atari?.options ?? [] }

  /// A built-in id (which must be registered): no probe needed.
  public init(builtin id: String) {
    guard let spec = EnvRegistry.spec(id) else { preconditionFailure("no built-in environment '\(id)'") }
    self.init(source: .builtin(id), spec: spec, python: nil)
  }

  /// Probes the source again (with this interpreter) and checks that its
  /// spec is still this one: a checkpoint's network fits only the spaces it
  /// was trained on. Throws one line naming what changed.
  public func reprobed() throws(EnvSourceError) -> ResolvedEnv {
    guard case .builtin = source else {
      let now = try EnvCatalog.resolve(source, python: python, atari: atari)
      if let change = Self.difference(spec, now.spec) {
        throw EnvSourceError("\(source.text): its spec changed since the checkpoint: \(change)")
      }
      return now
    }
    return self
  }

  /// Why the code this source would run is not to be trusted when a file
  /// from someone else names it (`eval` and `run --resume` take it from a
  /// checkpoint): the plugin, or the Python interpreter, is not a regular
  /// file owned by this user or root, or others may write it. nil: fit (or
  /// built-in).
  public var untrustedCode: String? {
    switch source {
    case .builtin: return nil
    case .plugin(let path, _): return FileSystem.codeTrustProblem(path).map { "plugin \(path) is \($0)" }
    case .ale(let id):
      // The Atari plugin is found again where it was installed (or built).
      guard let path = try? AtariPlugin.locate(for: id) else { return nil }
      return FileSystem.codeTrustProblem(path).map { "Atari plugin \(path) is \($0)" }
    case .gym, .python: return python.flatMap { p in FileSystem.codeTrustProblem(p).map { "interpreter \(p) is \($0)" } }
    }
  }

  /// The first way `b` differs from `a`, in words (nil: equal).
  static func difference(_ a: EnvSpec, _ b: EnvSpec) -> String? {
    if a.id != b.id { return "name \(a.id) → \(b.id)" }
    if a.observationShape != b.observationShape { return "observation shape \(a.observationShape) → \(b.observationShape)" }
    if a.actionSpace != b.actionSpace { return "action space \(a.actionSpace) → \(b.actionSpace)" }
    if a.maxEpisodeSteps != b.maxEpisodeSteps {
      return "time limit \(a.timeLimit.map(String.init) ?? "none") → \(b.timeLimit.map(String.init) ?? "none")"
    }
    if a.rewardThreshold != b.rewardThreshold {
      return "reward threshold \(a.rewardThreshold.map { "\($0)" } ?? "none") → \(b.rewardThreshold.map { "\($0)" } ?? "none")"
    }
    if a.observationIsBinary != b.observationIsBinary { return "binary observations \(a.observationIsBinary) → \(b.observationIsBinary)" }
    if a.observationIsBytes != b.observationIsBytes { return "byte observations \(a.observationIsBytes) → \(b.observationIsBytes)" }
    if a.reportsLifeLoss != b.reportsLifeLoss { return "life loss \(a.reportsLifeLoss) → \(b.reportsLifeLoss)" }
    if a.shapesReward != b.shapesReward { return "shaped rewards \(a.shapesReward) → \(b.shapesReward)" }
    if a.protocolLine != b.protocolLine {
      return "protocol \"\(a.protocolLine ?? "none")\" → \"\(b.protocolLine ?? "none")\""
    }
    return nil
  }

  /// The label for the segment header and the checkpoint (≤ 47 bytes).
  public var label: String { source.label(specID: spec.id) }

  /// How long each side of a Python bridge polls before it sleeps, when a
  /// CPU is free for every process involved. Measured: see BENCHMARKS.md.
  public static let bridgeSpinNanoseconds: UInt64 = 50_000

  /// A new environment, to reset before stepping. `seed` is for a plugin's
  /// hw_env_create; `concurrent` is how many Python environments of this
  /// run step at once (each with its worker), which decides whether polling
  /// pays. Throws one line (a plugin that cannot be loaded here, a Python
  /// process that could not start).
  public func make(options: EnvOptions = EnvOptions(), seed: UInt64 = 0, concurrent: Int = 1)
    throws(EnvSourceError) -> any Environment
  {
    switch source {
    case .builtin(let id):
      guard let env = EnvRegistry.make(id, options: options) else { throw EnvSourceError("unknown environment '\(id)'") }
      return env
    case .plugin(let path, _):
      return try PluginEnvironment(path: path, spec: spec, options: pluginOptions, seed: seed)
    case .ale(let id):
      return try PluginEnvironment(path: try AtariPlugin.locate(for: id), spec: spec, options: pluginOptions, seed: seed)
    case .gym, .python:
      return try PythonBridgeEnvironment(source: source, spec: spec, python: python ?? "python3",
                                         spinNanoseconds: Self.spin(concurrent: concurrent))
    }
  }

  /// The polling time for `concurrent` bridges: `bridgeSpinNanoseconds` when
  /// every worker and its Python process can have a CPU of their own, else 0
  /// (a poller would take the CPU from the process it waits for).
  /// $HOGWILD_BRIDGE_SPIN_NS overrides it (for measurements).
  static func spin(concurrent: Int) -> UInt64 {
    if let text = CurrentProcess.environment("HOGWILD_BRIDGE_SPIN_NS"), let ns = UInt64(text) { return ns }
    let cpus = CurrentProcess.onlineCPUs
    return 2 * concurrent <= cpus ? bridgeSpinNanoseconds : 0
  }

}

/// Resolves sources, probing each (source, interpreter, options) once per process.
public enum EnvCatalog {
  nonisolated(unsafe) private static var resolved: [String: ResolvedEnv] = [:]

  /// The spec of `source`. Plugins are probed in a child process, Python
  /// sources by running the adaptor's probe with `python` (already resolved
  /// by PythonInterpreter; nil: resolve the default). Built-in ids cost
  /// nothing.
  /// `atari`: a plugin's options (an `ALE/<Game>-v5` source without them
  /// gets the defaults).
  public static func resolve(_ source: EnvSource, python: String? = nil,
                             atari: AtariSettings? = nil) throws(EnvSourceError) -> ResolvedEnv {
    switch source {
    case .builtin(let id):
      guard let spec = EnvRegistry.spec(id) else { throw EnvSourceError("unknown environment '\(id)'") }
      return ResolvedEnv(source: source, spec: spec, python: nil)
    case .plugin(let path, let name):
      let options = atari?.options ?? []
      let key = source.text + "\u{0}" + options.joined(separator: "\u{0}")
      if let hit = resolved[key] { return hit }
      let spec = try PluginProbe.spec(path: path, name: name, options: options)
      let r = ResolvedEnv(source: .plugin(path: path, name: spec.id), spec: spec, python: nil, atari: atari)
      resolved[key] = r
      resolved[r.source.text + "\u{0}" + options.joined(separator: "\u{0}")] = r
      return r
    case .ale(let id):
      let settings = atari ?? AtariSettings()
      let key = id + "\u{0}" + settings.options.joined(separator: "\u{0}")
      if let hit = resolved[key] { return hit }
      let path = try AtariPlugin.locate(for: id)
      let spec = try PluginProbe.spec(path: path, name: id, options: settings.options, label: .some(nil))
      guard spec.id == id else { throw EnvSourceError("\(id): the Atari plugin at \(path) names it \(spec.id)") }
      let r = ResolvedEnv(source: source, spec: spec, python: nil, atari: settings)
      resolved[key] = r
      return r
    case .gym, .python:
      let interpreter: String
      if let python { interpreter = python } else { interpreter = try PythonInterpreter.resolve(flag: nil) }
      let key = source.text + "\u{0}" + interpreter
      if let hit = resolved[key] { return hit }
      let r = ResolvedEnv(source: source, spec: try PythonProbe.spec(source: source, python: interpreter),
                          python: interpreter)
      resolved[key] = r
      return r
    }
  }
}

extension EnvCatalog {
  /// Every environment the Atari plugin offers under `atari`'s options (the
  /// games whose ROM is present), probed in a child process; nil if the
  /// plugin is not built. Throws one line if it cannot be listed.
  public static func atariGames(_ atari: AtariSettings = AtariSettings()) throws(EnvSourceError) -> (path: String, specs: [EnvSpec])? {
    guard let path = AtariPlugin.path else { return nil }
    return (path, try PluginProbe.list(path: path, options: atari.options))
  }
}
