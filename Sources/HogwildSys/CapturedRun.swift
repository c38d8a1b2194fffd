// CapturedRun.swift — running a helper program to its end with what it
// prints captured (the Python environment probe, the bench's Python
// figures), under a deadline.

import CHogwildSys

/// A helper program's end and output.
public struct CapturedRun: Sendable {
  public var status: ExitStatus
  /// Standard output and error, cut at the capacities asked for.
  public var output: String
  public var errorOutput: String

  /// Runs `argv` (argv[0] searched on PATH) with stdin from /dev/null and
  /// waits at most `timeoutNanoseconds`. The program dies with this process.
  /// Throws the errno of a failed exec (ENOENT, EACCES…), or `.timedOut`
  /// after killing it at the deadline.
  public static func run(_ argv: [String], timeoutNanoseconds: UInt64, outputCapacity: Int = 1 << 16,
                         errorCapacity: Int = 1 << 16) throws(Errno) -> CapturedRun {
    var out = [CChar](repeating: 0, count: outputCapacity)
    var err = [CChar](repeating: 0, count: errorCapacity)
    var outLength = 0, errLength = 0
    var kind: Int32 = 0, code: Int32 = 0
    let rc = CArguments.withArgv(argv) { argv in
      hw_run_capture(argv, timeoutNanoseconds, &out, out.count, &outLength, &err, err.count, &errLength, &kind, &code)
    }
    guard rc == 0 else { throw Errno(rc) }
    // What it printed, up to the first NUL (the buffers are C strings).
    func text(_ b: [CChar], _ n: Int) -> String {
      String(decoding: b[0..<n].prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    // hw_run_capture reports a child that neither exited nor was signalled as
    // running; after a blocking wait that cannot happen.
    let status: ExitStatus = kind == Int32(HW_CHILD_SIGNALED) ? .signaled(code) : .exited(code)
    return CapturedRun(status: status, output: text(out, outLength), errorOutput: text(err, errLength))
  }
}
