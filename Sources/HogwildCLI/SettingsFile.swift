// SettingsFile.swift — settings written with config.json's keys (a run's
// config.json, `run --config FILE`, an entry of the tuned table) turned into
// the `run` flags they stand for, so that one parser checks every value and a
// flag on the command line overrides the same setting from a file.

import Formats
import HogwildSys
import Runtime

enum SettingsFile {
  /// config.json keys that hold no setting of their own: the spec is probed
  /// again from `env`, and the resume point belongs to the checkpoint.
  static let derivedKeys: Set<String> = ["env_spec", "resumed_at_step"]

  /// The flag of a config.json key: `t_max` → `--t-max`.
  static func flag(_ key: String) -> String { "--" + key.replacingOccurrences("_", "-") }

  /// Every key `run` writes to config.json that a flag sets, in config.json's order.
  static var settingKeys: [String] {
    let flags = Set(RunCommand.runOptions.map(\.name))
    return (RunConfig().json.objectPairs ?? []).map(\.0).filter { flags.contains(flag($0)) }
  }

  /// The `run` arguments that `pairs` stand for, leaving out the keys whose
  /// flag is in `overridden`. `what` names the source in errors ("--config
  /// FILE"). An unknown key, or a value of the wrong kind: one line.
  static func arguments(_ pairs: [(String, JSON)], what: String, overridden: Set<String> = [])
    throws(UsageError) -> [String]
  {
    let known = Set(settingKeys)
    let specs = Dictionary(RunCommand.runOptions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var args: [String] = []
    for (key, value) in pairs {
      if derivedKeys.contains(key) { continue }
      guard known.contains(key), let spec = specs[flag(key)] else {
        throw UsageError("\(what): unknown key '\(key)'\(NearMatch.hint(key, among: settingKeys)) "
          + "(config.json's keys: see docs/FILES.md)")
      }
      let name = spec.name
      if overridden.contains(name) { continue }
      func wrongKind(_ expected: String) -> UsageError {
        UsageError("\(what): '\(key)' must be \(expected), got \(value.serialized())")
      }
      if spec.valueName == nil {
        guard case .bool(let on) = value else { throw wrongKind("true or false") }
        if on { args.append(name) }
        continue
      }
      switch value {
      case .null:
        // No value: the default, except that a null target means none.
        if key == "target_return" { args += [name, "none"] }
      case .bool:
        throw wrongKind("a value for \(name), not true or false")
      case .int, .double, .exactDouble:
        args += [name, value.serialized()]
      case .string(let s):
        // "all" ranks delayed is what no --delay-workers means.
        if key == "delay_workers" && s == "all" { continue }
        args += [name, s]
      case .array(let items):
        let parts = items.map { $0.doubleValue.map { JSON.double($0).serialized() } }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { throw wrongKind("a list of numbers") }
        args += [name, parts.map { $0! }.joined(separator: ",")]
      case .object:
        throw wrongKind("a number, a string, a list or true/false")
      }
    }
    return args
  }

  /// The flags in a list of `run` arguments (values are never flags here:
  /// they come from `arguments`).
  static func flagsIn(_ args: [String]) -> [String] {
    let names = Set(RunCommand.runOptions.map(\.name))
    return args.filter { names.contains($0) }
  }

  /// The settings in the JSON file at `path` (config.json's form: one
  /// object), as `run` arguments. A file that cannot be read, is not a JSON
  /// object or holds an unknown key: one line (exit 64, as any bad input).
  static func load(_ path: String, overridden: Set<String>) throws(UsageError) -> [String] {
    let what = "--config \(path)"
    let bytes: [UInt8]
    do { bytes = try readWholeFile(path) } catch { throw UsageError("\(what): cannot read it: \(error)") }
    let json: JSON
    do { json = try JSON.parse(String(decoding: bytes, as: UTF8.self)) } catch {
      throw UsageError("\(what): not JSON: \(error)")
    }
    guard let pairs = json.objectPairs else { throw UsageError("\(what): expected one JSON object of settings (config.json's form)") }
    return try arguments(pairs, what: what, overridden: overridden)
  }
}
