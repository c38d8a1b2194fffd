// PythonInterpreter.swift — which python runs the environment adaptor:
// `--python PATH`, else $HOGWILD_PYTHON, else `python3` on PATH.

import HogwildSys

public enum PythonInterpreter {
  /// The environment variable that names the default interpreter.
  public static let variable = "HOGWILD_PYTHON"

  /// The interpreter to use, as an absolute path. `flag` is `--python`'s
  /// value (nil: not given). Throws a one-line reason if it cannot be run.
  public static func resolve(flag: String?) throws(EnvSourceError) -> String {
    if let flag { return try locate(flag, what: "--python \(flag)") }
    if let value = CurrentProcess.environment(variable), !value.isEmpty {
      return try locate(value, what: "\(variable)=\(value)")
    }
    guard let found = search("python3") else {
      throw EnvSourceError("no python3 on PATH to run the environment; name one with --python PATH or \(variable)")
    }
    return found
  }

  /// `name` as an executable path: checked as given if it has a slash,
  /// else searched on PATH.
  public static func locate(_ name: String, what: String) throws(EnvSourceError) -> String {
    if name.contains("/") {
      guard FileSystem.exists(name) else { throw EnvSourceError("\(what): no such file") }
      guard isExecutableFile(name) else { throw EnvSourceError("\(what): not an executable file") }
      return EnvSource.absolute(name)
    }
    guard let found = search(name) else { throw EnvSourceError("\(what): not found on PATH") }
    return found
  }

  static func search(_ name: String) -> String? {
    let path = CurrentProcess.environment("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
    for dir in path.split(separator: ":", omittingEmptySubsequences: true) {
      let candidate = dir + "/" + name
      if isExecutableFile(candidate) { return EnvSource.absolute(candidate) }
    }
    return nil
  }

  static func isExecutableFile(_ path: String) -> Bool { FileSystem.isExecutableFile(path) }
}
