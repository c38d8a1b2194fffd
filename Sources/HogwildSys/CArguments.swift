// CArguments.swift — a NUL-terminated argv for exec calls (here and in the
// C environment host).

import Glibc

public enum CArguments {
  /// Calls `body` with `args` as a C `char *const argv[]` (NULL-terminated),
  /// valid only during the call.
  public static func withArgv<R>(_ args: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
    argv.append(nil)
    defer { for p in argv { free(p) } }
    return argv.withUnsafeBufferPointer { body($0.baseAddress!) }
  }

  /// `withArgv`, or NULL for no strings at all (a plugin's "no options").
  public static func withOptionalArgv<R>(_ args: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
    if args.isEmpty { return body(nil) }
    return withArgv(args) { body($0) }
  }
}
