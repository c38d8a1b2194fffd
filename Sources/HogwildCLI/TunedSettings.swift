// TunedSettings.swift — the tuned settings table (docs/tuned.json, embedded
// by CTunedSettings; what each entry's measurement was: docs/TUNED.md). A new
// run whose environment and algorithm have an entry starts from its settings;
// every flag given, and --config's file, override them one by one; --no-tuned
// leaves them out.

import CTunedSettings
import BuiltInEnvs
import EnvSources
import Formats

/// The tuned settings of environments and algorithms.
public enum TunedSettings {
  /// Where the table and its measurements are explained.
  public static let page = "docs/TUNED.md"

  /// One row of the table.
  public struct Entry: Sendable {
    /// An environment id, or a pattern of ids with `*` (e.g. `ALE/*-v5`).
    public var env: String
    public var algo: String
    /// config.json's keys and values.
    public var settings: [(String, JSON)]
    /// "measured", or what else the settings are (e.g. the paper's, pending a measurement).
    public var status: String
    /// The measurement that chose the settings, in one line.
    public var measured: String

    public var isPattern: Bool { env.contains("*") }
  }

  /// docs/tuned.json as it was when the binary was built.
  public static let text = String(cString: hw_tuned_settings_json())

  /// The table's entries. The file is checked by the tests (`make test`), so
  /// a malformed one cannot ship; should it be, the table is empty.
  public static let entries: [Entry] = (try? parse(text)) ?? []

  /// Parses the table's text.
  public static func parse(_ text: String) throws(TableError) -> [Entry] {
    let json: JSON
    do { json = try JSON.parse(text) } catch { throw TableError("not JSON: \(error)") }
    guard let rows = json["entries"]?.arrayValue else { throw TableError("no \"entries\" list") }
    var out: [Entry] = []
    for (i, row) in rows.enumerated() {
      guard let env = row["env"]?.stringValue, let algo = row["algo"]?.stringValue,
        let settings = row["settings"]?.objectPairs, let measured = row["measured"]?.stringValue
      else { throw TableError("entry \(i): needs env, algo, settings (an object) and measured") }
      out.append(Entry(env: env, algo: algo, settings: settings,
                       status: row["status"]?.stringValue ?? "measured", measured: measured))
    }
    return out
  }

  /// Why the table could not be read.
  public struct TableError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ d: String) { description = d }
  }

  /// The entry for `source` trained with `algo`: an exact id first, then a
  /// pattern. A built-in id and the Gymnasium id of the same name (gym:ID)
  /// share exact entries; patterns are for ids the runtime provides itself.
  public static func entry(for source: EnvSource, algo: String) -> Entry? {
    let id: String
    var patterns = true
    switch source {
    case .builtin(let b), .ale(let b): id = b
    case .gym(let g): id = g; patterns = false
    case .plugin, .python: return nil
    }
    if let exact = entries.first(where: { !$0.isPattern && $0.env == id && $0.algo == algo }) { return exact }
    guard patterns else { return nil }
    return entries.first { $0.isPattern && $0.algo == algo && matches(id, pattern: $0.env) }
  }

  /// Whether `id` matches `pattern`, where `*` stands for any text.
  public static func matches(_ id: String, pattern: String) -> Bool {
    let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
    guard parts.count > 1 else { return id == pattern }
    guard id.hasPrefix(parts[0]), id.hasSuffix(parts[parts.count - 1]),
      id.count >= parts[0].count + parts[parts.count - 1].count
    else { return false }
    var rest = Substring(id.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count))
    for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
      guard let r = rest.range(of: middle) else { return false }
      rest = rest[r.upperBound...]
    }
    return true
  }
}

extension Substring {
  /// The first range of `s` in this text (the project imports no Foundation).
  func range(of s: String) -> Range<Index>? {
    guard !s.isEmpty, count >= s.count else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i...].hasPrefix(s) { return i..<index(i, offsetBy: s.count) }
      i = index(after: i)
    }
    return nil
  }
}
