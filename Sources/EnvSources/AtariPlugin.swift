// AtariPlugin.swift — where `--env ALE/<Game>-v5` finds the ALE plugin that
// `make atari` builds (docs/ATARI.md), and the settings of the paper's Atari
// protocol that the command line turns into the plugin's options.

import HogwildSys

/// The ALE plugin, `libhogwild_ale.so`, and its ROMs.
public enum AtariPlugin {
  /// Names a plugin file to use instead of the installed one.
  public static let pluginVariable = "HOGWILD_ALE_PLUGIN"
  /// Names the folder of ROMs when `--rom-dir` is not given.
  public static let romVariable = "HOGWILD_ROM_DIR"
  static let fileName = "libhogwild_ale.so"

  /// Where the plugin is looked for, in order: `$HOGWILD_ALE_PLUGIN` alone
  /// if set; else `hogwild-ale/` beside this executable (where `make atari`
  /// installs it in the build folder), then `../lib/hogwild-rl/hogwild-ale/`
  /// from it (where `make install` puts it).
  public static var candidates: [String] {
    if let path = CurrentProcess.environment(pluginVariable), !path.isEmpty { return [path] }
    guard let exe = CurrentProcess.executablePath, let slash = exe.lastIndex(of: "/") else { return [] }
    let dir = String(exe[..<slash])
    return [dir + "/hogwild-ale/" + fileName, dir + "/../lib/hogwild-rl/hogwild-ale/" + fileName]
  }

  /// The plugin's path, or nil if it is not built (nor installed).
  public static var path: String? { candidates.first(where: FileSystem.isRegularFile) }

  /// The plugin's path; throws one line saying how to build it.
  public static func locate(for id: String) throws(EnvSourceError) -> String {
    if let path { return path }
    if let variable = CurrentProcess.environment(pluginVariable), !variable.isEmpty {
      throw EnvSourceError("\(id): $\(pluginVariable) names \(variable), which is not a file")
    }
    throw EnvSourceError("\(id) needs the Atari plugin, which is not built: run 'make atari' in the hogwild-rl "
      + "source tree (it builds the ALE and installs the ROMs; docs/ATARI.md), then try again")
  }
}

/// The Atari protocol's choices (Machado et al. 2018), as `run`, `replay` and
/// `envs` take them (`--sticky-actions`, `--full-action-space`,
/// `--no-life-loss-terminal`, `--noop-max`, `--rom-dir`), turned into the ALE
/// plugin's options. The defaults are the paper's (Mnih et al. 2015, 2016).
public struct AtariSettings: Equatable, Sendable {
  /// The ALE's repeat_action_probability (Gymnasium's `ALE/*-v5` default is
  /// 0.25; Mnih et al. had none).
  public var stickyActions = 0.0
  /// All 18 joystick actions instead of the game's minimal set.
  public var fullActionSpace = false
  /// A lost life ends the learning episode (no bootstrap; the game goes on).
  public var lifeLossTerminal = true
  /// At most this many no-op frames after each reset (0: none).
  public var noopMax = 30
  /// Where the ROMs are (nil: `roms/` beside the plugin).
  public var romDirectory: String?

  public init() {}

  /// The plugin's `key=value` options (include/hogwild_env.h NOTES (i);
  /// docs/ATARI.md's table).
  public var options: [String] {
    var o = [
      "repeat_action_probability=\(stickyActions)",
      "full_action_space=\(fullActionSpace ? 1 : 0)",
      "episodic_life=\(lifeLossTerminal ? 1 : 0)",
      "noop_max=\(noopMax)",
    ]
    if let romDirectory { o.append("rom_dir=" + romDirectory) }
    return o
  }
}
