// OptionTable.swift — a small command-line parser in the shape of
// swift-argument-parser (which this project cannot depend on): each option is
// declared once with its value name, help and default, and `--help` is
// rendered from the same table. Every malformed input becomes one UsageError
// line naming the option and what it accepts.

/// Bad command-line input: one line for stderr; exit status 64.
public struct UsageError: Error, Equatable, CustomStringConvertible, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// One option of a subcommand, applied to the options value `T`.
struct OptionSpec<T> {
  let name: String
  /// nil for a flag that takes no value.
  let valueName: String?
  let help: String
  /// Shown as "(default: …)" in --help.
  let defaultText: String?
  let apply: (inout T, String) throws(UsageError) -> Void

  init(_ name: String, _ valueName: String?, _ help: String, default defaultText: String? = nil,
       apply: @escaping (inout T, String) throws(UsageError) -> Void) {
    self.name = name
    self.valueName = valueName
    self.help = help
    self.defaultText = defaultText
    self.apply = apply
  }
}

/// A subcommand's options and positional arguments.
struct OptionTable<T> {
  let command: String
  let abstract: String
  let usage: String
  let options: [OptionSpec<T>]
  /// Positional arguments, applied in order; nil means none are accepted.
  let positional: ((inout T, String) throws(UsageError) -> Void)?
  let discussion: String

  /// Parses `args` (after the subcommand name) into `value`. Returns false
  /// if --help was given (the help text was printed).
  func parse(_ args: [String], into value: inout T) throws(UsageError) -> Bool {
    var given: Set<String> = []
    return try parse(args, into: &value, given: &given)
  }

  /// `parse(_:into:)`, also collecting the names of the options given (so a
  /// command can tell a default from an explicit value equal to it).
  func parse(_ args: [String], into value: inout T, given: inout Set<String>) throws(UsageError) -> Bool {
    var i = 0
    var positionalOnly = false
    while i < args.count {
      let arg = args[i]
      i += 1
      if !positionalOnly && (arg == "--help" || arg == "-h") {
        print(help)
        return false
      }
      if arg == "--" { positionalOnly = true; continue }
      if !positionalOnly && arg.hasPrefix("-") && arg.count > 1 && !Self.looksNumeric(arg) {
        var name = arg
        var inline: String?
        if let eq = arg.firstIndex(of: "=") {
          name = String(arg[..<eq])
          inline = String(arg[arg.index(after: eq)...])
        }
        guard let spec = options.first(where: { $0.name == name }) else {
          let hint = NearMatch.best(name, among: options.map(\.name) + ["--help"]).map { "did you mean '\($0)'? " } ?? ""
          throw UsageError("unknown option '\(name)' for '\(command)'; \(hint)see 'hogwild-rl \(command) --help'")
        }
        given.insert(name)
        if spec.valueName == nil {
          guard inline == nil else { throw UsageError("\(name) takes no value") }
          try spec.apply(&value, "")
          continue
        }
        let v: String
        if let inline { v = inline } else {
          guard i < args.count else {
            throw UsageError("\(name): missing value (expected \(spec.valueName!))")
          }
          v = args[i]
          i += 1
        }
        try spec.apply(&value, v)
        continue
      }
      guard let positional else {
        throw UsageError("unexpected argument '\(arg)' for '\(command)'; see 'hogwild-rl \(command) --help'")
      }
      try positional(&value, arg)
    }
    return true
  }

  static func looksNumeric(_ s: String) -> Bool { Double(s) != nil }

  /// The --help text.
  var help: String {
    var out = "OVERVIEW: \(abstract)\n\nUSAGE: \(usage)\n"
    if !discussion.isEmpty { out += "\n" + discussion + "\n" }
    out += "\nOPTIONS:\n"
    let heads = options.map { o in o.name + (o.valueName.map { " <\($0)>" } ?? "") }
    let width = min(30, ((heads + ["-h, --help"]).map(\.count).max() ?? 0) + 2)
    for (o, head) in zip(options, heads) {
      var line = "  " + head
      let text = o.help + (o.defaultText.map { " (default: \($0))" } ?? "")
      if head.count + 2 > width {
        line += "\n" + String(repeating: " ", count: width + 2)
      } else {
        line += String(repeating: " ", count: width - head.count)
      }
      out += line + text + "\n"
    }
    out += "  -h, --help" + String(repeating: " ", count: max(1, width - 10)) + "Show help information.\n"
    return out
  }
}
