// RunError.swift — failures before training starts.

/// A run that could not start. `.usage` is the user's to fix (exit 64);
/// `.runtime` is the machine's (exit 1). Either way nothing is left behind.
public enum RunError: Error, Equatable, CustomStringConvertible, Sendable {
  case usage(String)
  case runtime(String)

  public var description: String {
    switch self {
    case .usage(let m), .runtime(let m): m
    }
  }

  public var exitCode: Int32 {
    switch self {
    case .usage: 64
    case .runtime: 1
    }
  }
}
