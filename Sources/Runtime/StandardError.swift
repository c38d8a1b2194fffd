// StandardError.swift — unbuffered writes to stderr. (Glibc's `stderr`
// global is not concurrency-safe in Swift 6, and a direct write(2) keeps
// progress and error lines ordered with what workers' parent prints.)

import Glibc

public enum StandardError {
  public static func write(_ text: String) {
    var bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeMutableBytes { Glibc.write(STDERR_FILENO, $0.baseAddress! + done, $0.count - done) }
      if n < 0 { if errno == EINTR { continue } else { return } }
      done += n
    }
  }
}
