// PluginBuilder.swift — compiles environment plugins for the tests: the
// shipped examples (examples/plugins/) and the fixture with its -D switches
// (Fixtures/fixture_plugin.c), with the C compiler found on PATH (the Swift
// toolchain brings clang), against include/hogwild_env.h alone.

import Foundation
import Testing

enum PluginBuilder {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let compiler: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for name in ["cc", "clang", "gcc"] {
      for dir in path.split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    return nil
  }()

  /// Compiles `source` (relative to the repository) into `output` with
  /// `defines` (e.g. ["WRONG_ABI"], ["CELLS=9"]); the README's command.
  static func build(_ source: String, to output: String, defines: [String] = []) throws -> String {
    let cc = try #require(compiler, "no C compiler (cc, clang or gcc) on PATH")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: cc)
    p.arguments = ["-std=c11", "-O2", "-ffp-contract=off", "-shared", "-fPIC", "-I", root.appendingPathComponent("include").path]
      + defines.map { "-D" + $0 }
      + [root.appendingPathComponent(source).path, "-o", output, "-lm"]
    let err = Pipe()
    p.standardError = err
    try p.run()
    p.waitUntilExit()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    try #require(p.terminationStatus == 0, "\(cc) \(source) \(defines): \(text)")
    return output
  }

  /// Examples/plugins/NAME.c built into the scratch directory.
  static func example(_ name: String, in s: Scratch) throws -> String {
    try build("examples/plugins/\(name).c", to: s.path("lib\(name).so"))
  }

  /// The fixture with `defines`, built into the scratch directory.
  static func fixture(_ defines: [String] = [], in s: Scratch, as name: String = "libfixture.so") throws -> String {
    try build("Tests/CLITests/Fixtures/fixture_plugin.c", to: s.path(name), defines: defines)
  }
}
