// StandardStreams.swift — writing to stdout and stderr. (Glibc's `stdout`
// and `stderr` globals are not concurrency-safe in Swift 6; a direct
// write(2) on stderr keeps progress and error lines ordered with what the
// workers' parent prints.)

import CHogwildSys
import Glibc

public enum StandardError {
  /// Writes `text` unbuffered (EINTR retried; other failures dropped).
  public static func write(_ text: String) {
    try? writeAll(STDERR_FILENO, Array(text.utf8))
  }

  public static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }

  /// The terminal's width in columns, or nil if stderr is not a terminal.
  public static var terminalColumns: Int? {
    let n = Int(hw_terminal_columns(STDERR_FILENO))
    return n > 0 ? n : nil
  }
}

public enum StandardOutput {
  /// Prints `text` and flushes every stdio stream, so it reaches a pipe or
  /// file at once.
  public static func writeAndFlush(_ text: String) {
    print(text, terminator: "")
    fflush(nil)
  }

  public static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}
