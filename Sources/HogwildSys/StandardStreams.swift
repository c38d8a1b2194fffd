// StandardStreams.swift — writing to stdout and stderr. (Glibc's `stdout`
// and `stderr` globals are not concurrency-safe in Swift 6; a direct
// write(2) on stderr keeps progress and error lines ordered with what the
// workers' parent prints.)
//
// A reader that went away (`hogwild-rl run 2>&1 | head -n 1`) is no reason to
// stop training: SIGPIPE is ignored (`CurrentProcess.ignoreOutputSignals`),
// and after the first EPIPE a stream is simply not written any more.

import CHogwildSys
import Glibc

public enum StandardError {
  /// Set once a write failed with EPIPE: nobody reads stderr any more.
  nonisolated(unsafe) private static var readerGone = false

  /// Writes `text` unbuffered (EINTR retried; other failures dropped; nothing
  /// once the reader has gone).
  public static func write(_ text: String) {
    guard !readerGone else { return }
    do { try writeAll(STDERR_FILENO, Array(text.utf8)) } catch {
      if error == Errno(EPIPE) { readerGone = true }
    }
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
  /// file at once. Nothing is printed once the reader has gone (`isClosed`).
  public static func writeAndFlush(_ text: String) {
    guard !isClosed else { return }
    print(text, terminator: "")
    fflush(nil)
  }

  /// Whether writing stdout failed because nobody reads it any more (EPIPE
  /// on a pipe whose reader exited): a command that only prints may stop.
  public static var isClosed: Bool {
    var st = stat()
    guard fstat(STDOUT_FILENO, &st) == 0, st.st_mode & S_IFMT == S_IFIFO else { return false }
    // The write end of a pipe whose readers are all gone polls as POLLERR.
    var p = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
    return poll(&p, 1, 0) == 1 && p.revents & Int16(POLLERR) != 0
  }

  public static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}
