// RunResume.swift — `hogwild-rl run --resume DIR`: the stored run's settings,
// with only run-length and logging flags allowed to differ.

import EnvSources
import BuiltInEnvs
import Runtime

extension RunCommand {
  /// A resume that cannot go ahead, already reported on stderr.
  struct ResumeFailure: Error {
    var exitCode: Int32
  }

  /// Settings that may differ from the stored run on --resume (config.json keys).
  static let resumeOverridable: Set<String> = [
    "procs", "t_max", "target_return", "checkpoint_every", "segment", "keep_segment",
    "max_restarts", "worker_timeout", "delay", "delay_workers", "audit", "python",
    "log_every", "tensorboard", "rmsprop_sqrt", "rom_dir", "eval_every", "eval_episodes",
  ]

  /// The settings of the run in `directory`, with `args` applied over them.
  /// An unreadable or corrupt checkpoint: exit 1; a flag that would change
  /// the env, network, algorithm or learning settings: exit 64.
  static func resumeConfig(_ args: [String], directory: String) -> Result<RunConfig, ResumeFailure> {
    let loaded: LoadedCheckpoint
    do { loaded = try LoadedCheckpoint(path: directory + "/checkpoint.bin") } catch {
      CLI.printError("error: --resume: \(error)")
      return .failure(ResumeFailure(exitCode: error.exitCode))
    }
    let stored = loaded.config
    var config: RunConfig
    do {
      guard let (c, _) = try parseOptions(args, base: stored, baseTarget: stored.targetReturn) else {
        return .failure(ResumeFailure(exitCode: 0))
      }
      config = c
    } catch {
      return .failure(ResumeFailure(exitCode: CLI.usageFailure(error.message)))
    }
    func refuse(_ message: String) -> Result<RunConfig, ResumeFailure> {
      .failure(ResumeFailure(exitCode: CLI.usageFailure("--resume: " + message)))
    }
    if let out = config.outputDirectory, out != directory {
      return refuse("--out cannot be given; a resumed run writes into \(directory)")
    }
    if config.stickyActionProbability != nil, config.envSpec.stickyActionProbability == nil {
      return .failure(ResumeFailure(exitCode: CLI.usageFailure(
        "--sticky: \(config.envID) has no sticky actions (only the MinAtar environments do)")))
    }
    let before = stored.json, after = config.json
    for case let (key, value) in after.objectPairs ?? [] where !resumeOverridable.contains(key) {
      let old = before[key] ?? .null
      guard old == value else {
        let flag = "--" + key.replacingOccurrences("_", "-")
        return refuse("\(flag) \(value.text) differs from the checkpoint's \(old.text); "
          + "a resumed run keeps the env, network, algorithm and learning settings")
      }
    }
    // The checkpoint names code to run (a plugin, an interpreter): not
    // loaded from a file others control unless the user says so.
    if !config.trustCheckpointCode, let why = config.env.untrustedCode {
      return refuse("\(why); it would run as your code (give --trust-checkpoint if you trust it)")
    }
    // A plugin or Python environment is probed again: θ fits only the
    // spaces it was trained on.
    do { config.env = try config.env.reprobed() } catch { return refuse(error.message) }
    let t = loaded.checkpoint.globalSteps
    guard config.tMax > t else {
      return refuse("the checkpoint is at T = \(t), not below --t-max \(config.tMax); give a larger --t-max (the absolute step budget)")
    }
    config.outputDirectory = directory
    config.resume = ResumeState(directory: directory, checkpoint: loaded.checkpoint)
    return .success(config)
  }
}

extension String {
  func replacingOccurrences(_ a: Character, _ b: Character) -> String {
    String(map { $0 == a ? b : $0 })
  }
}
