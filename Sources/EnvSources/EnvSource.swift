// EnvSource.swift — what `--env` names: a built-in id, a C plugin, a
// Gymnasium id or a Python factory. Parsing checks the form only; probing
// (EnvCatalog) learns the spec.

import BuiltInEnvs
import HogwildSys

/// Where an environment comes from.
public enum EnvSource: Equatable, Hashable, Sendable {
  /// One of this package's environments (`EnvRegistry`), e.g. "CartPole-v1".
  case builtin(String)
  /// A shared library implementing include/hogwild_env.h: an absolute path,
  /// and the plugin environment's name (nil: the plugin's default).
  case plugin(path: String, name: String?)
  /// `gymnasium.make(id)` in a Python process per worker.
  case gym(String)
  /// `MODULE.FACTORY()` in a Python process per worker: a callable returning
  /// an object with Gymnasium's reset/step/observation_space/action_space.
  case python(module: String, factory: String)
  /// An Atari 2600 game, `ALE/<Game>-v5`, through the ALE plugin that `make
  /// atari` builds (`AtariPlugin` finds it).
  case ale(String)

  /// The forms `--env` accepts, for help texts and errors.
  public static let forms = "a built-in id, ALE/<Game>-v5, plugin:PATH[:NAME], gym:ID or py:MODULE:FACTORY"

  /// Parses `text`. A relative plugin path is made absolute against the
  /// current directory (workers, resumed runs and checkpoints must find the
  /// same file).
  public init(parsing text: String) throws(EnvSourceError) {
    if text.hasPrefix("plugin:") {
      let rest = String(text.dropFirst("plugin:".count))
      guard !rest.isEmpty else { throw EnvSourceError("plugin: needs a path: plugin:PATH[:NAME]") }
      let (path, name) = Self.splitPlugin(rest)
      if let name, name.isEmpty || name.utf8.count > 63 {
        throw EnvSourceError("plugin: the environment name after the path must be 1 to 63 bytes long, got '\(name)'")
      }
      self = .plugin(path: Self.absolute(path), name: name)
    } else if text.hasPrefix("gym:") {
      let id = String(text.dropFirst("gym:".count))
      guard !id.isEmpty, !id.contains(where: { $0.isWhitespace }) else {
        throw EnvSourceError("gym: needs a Gymnasium id without spaces, e.g. gym:CartPole-v1 or gym:ALE/Breakout-v5")
      }
      self = .gym(id)
    } else if text.hasPrefix("py:") {
      let rest = String(text.dropFirst("py:".count))
      guard let colon = rest.lastIndex(of: ":") else {
        throw EnvSourceError("py: needs a module and a factory: py:MODULE:FACTORY, e.g. py:my_envs:make_corridor")
      }
      let module = String(rest[..<colon]), factory = String(rest[rest.index(after: colon)...])
      guard Self.isDottedName(module), Self.isDottedName(factory) else {
        throw EnvSourceError("py: MODULE and FACTORY must be Python (dotted) names, got '\(module)' and '\(factory)'")
      }
      self = .python(module: module, factory: factory)
    } else if text.hasPrefix("ALE/") {
      guard Self.isAtariID(text) else {
        throw EnvSourceError("expected ALE/<Game>-v5, e.g. ALE/Pong-v5 or ALE/SpaceInvaders-v5 ('hogwild-rl envs' lists them), got '\(text)'")
      }
      self = .ale(text)
    } else {
      guard EnvRegistry.spec(text) != nil else {
        throw EnvSourceError("expected \(Self.forms); built-in ids: " + EnvRegistry.ids.joined(separator: ", "))
      }
      self = .builtin(text)
    }
  }

  /// The text that parses back to this source (config.json's "env").
  public var text: String {
    switch self {
    case .builtin(let id): id
    case .plugin(let path, let name): "plugin:" + path + (name.map { ":" + $0 } ?? "")
    case .gym(let id): "gym:" + id
    case .python(let module, let factory): "py:" + module + ":" + factory
    case .ale(let id): id
    }
  }

  /// Whether this is one of the registered ids (whose state `replay` and the
  /// tests can read and restore).
  public var isBuiltin: Bool {
    if case .builtin = self { return true }
    return false
  }

  /// Whether the environment runs in a Python process.
  public var isPython: Bool {
    switch self {
    case .gym, .python: true
    case .builtin, .plugin, .ale: false
    }
  }

  /// A short name for the segment header and the checkpoint's fixed field
  /// (47 bytes at most): the id, or the kind and the environment's name.
  public func label(specID: String) -> String {
    let full: String
    switch self {
    case .builtin(let id): full = id
    case .plugin: full = "plugin:" + specID
    case .gym(let id): full = "gym:" + id
    case .python(let module, let factory): full = "py:" + module + ":" + factory
    case .ale(let id): full = id
    }
    // Cut at 47 bytes, never inside a character.
    var out = ""
    var bytes = 0
    for c in full {
      bytes += c.utf8.count
      guard bytes <= 47 else { break }
      out.append(c)
    }
    return out
  }

  /// Whether this is a plugin environment, native or named by a path: one
  /// that takes plugin options (the Atari flags).
  public var isPlugin: Bool {
    switch self {
    case .plugin, .ale: true
    case .builtin, .gym, .python: false
    }
  }

  /// `ALE/<Game>-v5` with a game name of letters and digits.
  static func isAtariID(_ text: String) -> Bool {
    guard text.hasPrefix("ALE/"), text.hasSuffix("-v5") else { return false }
    let game = text.dropFirst(4).dropLast(3)
    return !game.isEmpty && game.utf8.count <= 40
      && game.unicodeScalars.allSatisfy { ($0.value < 128) && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
  }

  /// PATH[:NAME] → (path, name). The path is the longest prefix before a
  /// colon that is an existing file (paths may hold colons, names may hold
  /// slashes: plugin:./libhogwild_ale.so:ALE/Pong-v5); with no such file, the
  /// whole text if it is one, else the part before the last colon whose
  /// tail has no slash, else the part before the first colon after a
  /// `.so`; failing all that, the whole text (the probe says it is missing).
  static func splitPlugin(_ rest: String) -> (path: String, name: String?) {
    if isFile(rest) { return (rest, nil) }
    let colons = rest.indices.filter { rest[$0] == ":" }
    for colon in colons.reversed() {
      let head = String(rest[..<colon])
      if !head.isEmpty, isFile(head) { return (head, String(rest[rest.index(after: colon)...])) }
    }
    if let colon = colons.last {
      let head = String(rest[..<colon]), tail = String(rest[rest.index(after: colon)...])
      if !head.isEmpty, !tail.contains("/") { return (head, tail) }
    }
    if let colon = colons.first(where: { rest[..<$0].hasSuffix(".so") }) {
      return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]))
    }
    return (rest, nil)
  }

  static func isFile(_ path: String) -> Bool { FileSystem.isRegularFile(path) }

  public static func absolute(_ path: String) -> String {
    guard !path.hasPrefix("/") else { return path }
    guard let cwd = CurrentProcess.workingDirectory else { return path }
    var relative = Substring(path)
    while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
    return (cwd == "/" ? "" : cwd) + "/" + relative
  }

  static func isDottedName(_ s: String) -> Bool {
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    return !parts.isEmpty && parts.allSatisfy { part in
      guard let first = part.first, first == "_" || first.isLetter else { return false }
      return part.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }
  }
}

/// An environment that cannot be used, in one line (the CLI prefixes the flag).
public struct EnvSourceError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
