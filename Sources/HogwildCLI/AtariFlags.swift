// AtariFlags.swift — the Atari protocol's flags (Machado et al. 2018's
// choices, docs/ATARI.md), declared once for `run`, `replay` and `envs`, and
// how they become the ALE plugin's settings.

import EnvSources
import BuiltInEnvs
import HogwildSys

/// `--sticky-actions`, `--full-action-space`, `--no-life-loss-terminal`,
/// `--noop-max`, `--rom-dir` as given (nil or false: not given).
struct AtariFlags: Equatable {
  var stickyActions: Double?
  var fullActionSpace = false
  var noLifeLossTerminal = false
  var noopMax: Int?
  var romDirectory: String?

  /// Whether any of them was given.
  var given: Bool {
    stickyActions != nil || fullActionSpace || noLifeLossTerminal || noopMax != nil || romDirectory != nil
  }

  /// The flag names given, for errors.
  var names: [String] {
    var n: [String] = []
    if stickyActions != nil { n.append("--sticky-actions") }
    if fullActionSpace { n.append("--full-action-space") }
    if noLifeLossTerminal { n.append("--no-life-loss-terminal") }
    if noopMax != nil { n.append("--noop-max") }
    if romDirectory != nil { n.append("--rom-dir") }
    return n
  }

  /// The flags over `base` (a new run's defaults, or a resumed run's
  /// stored settings); $HOGWILD_ROM_DIR when --rom-dir is not given and
  /// `base` names no folder.
  func applied(to base: AtariSettings) -> AtariSettings {
    var a = base
    if let stickyActions { a.stickyActions = stickyActions }
    if fullActionSpace { a.fullActionSpace = true }
    if noLifeLossTerminal { a.lifeLossTerminal = false }
    if let noopMax { a.noopMax = noopMax }
    if let romDirectory {
      a.romDirectory = romDirectory
    } else if a.romDirectory == nil, let dir = CurrentProcess.environment(AtariPlugin.romVariable), !dir.isEmpty {
      a.romDirectory = EnvSource.absolute(dir)
    }
    return a
  }

  /// The plugin settings for `source`: always for ALE/<Game>-v5 (the flags
  /// over `base`); for a plugin only when a flag was given (nil: the
  /// plugin's defaults). Other sources take none of these flags but
  /// `--sticky-actions` (MinAtar's sticky actions, checked by the caller).
  func settings(for source: EnvSource, base: AtariSettings? = nil) throws(UsageError) -> AtariSettings? {
    switch source {
    case .ale: return applied(to: base ?? AtariSettings())
    case .plugin: return given || base != nil ? applied(to: base ?? AtariSettings()) : nil
    case .builtin, .gym, .python:
      if let flag = names.first(where: { $0 != "--sticky-actions" }) {
        throw UsageError("\(flag): only Atari environments (ALE/<Game>-v5, or the ALE plugin named by plugin:PATH:NAME) take it; \(source.text) does not")
      }
      return nil
    }
  }

  /// The five flags as options of a command whose options value keeps them
  /// at `path`.
  static func options<T>(_ path: WritableKeyPath<T, AtariFlags>) -> [OptionSpec<T>] {
    let d = AtariSettings()
    return [
      .init("--sticky-actions", "p", "Atari: the ALE's sticky actions, the probability in [0, 1] that the emulator repeats the previous action instead of the chosen one (Machado et al. 2018 use 0.25, Gymnasium's ALE/*-v5 default; the paper, 0). MinAtar: the same as --sticky.", default: "\(d.stickyActions) for Atari") { o, v throws(UsageError) in
        o[keyPath: path].stickyActions = try ValueParsers.real("--sticky-actions", v, "a probability in [0, 1]") { $0 >= 0 && $0 <= 1 }
      },
      .init("--full-action-space", nil, "Atari: all 18 joystick actions instead of the game's minimal set.") { o, _ in
        o[keyPath: path].fullActionSpace = true
      },
      .init("--no-life-loss-terminal", nil, "Atari: a lost life does not end the learning episode (by default it does, without a reset: the paper's protocol; only the game's end is terminal with this flag).") { o, _ in
        o[keyPath: path].noLifeLossTerminal = true
      },
      .init("--noop-max", "n", "Atari: at most n no-op frames after each reset, their number drawn from the reset's seed (0: none).", default: "\(d.noopMax)") { o, v throws(UsageError) in
        o[keyPath: path].noopMax = try ValueParsers.integer("--noop-max", v, 0...10_000)
      },
      .init("--rom-dir", "dir", "Atari: the folder holding the ROMs (<rom>.bin, checked against ale-py 0.12.1's MD5s).", default: "$\(AtariPlugin.romVariable), else roms/ beside the plugin 'make atari' built") { o, v throws(UsageError) in
        guard FileSystem.isDirectory(v) else { throw ValueParsers.fail("--rom-dir", "an existing folder", v) }
        o[keyPath: path].romDirectory = EnvSource.absolute(v)
      },
    ]
  }
}
