// ProcessPriority.swift — a helper process that should yield the CPU to the
// workers (the evaluator of `run --eval-every`).

import Glibc

extension CurrentProcess {
  /// Raises this process's nice value by `by` (lower priority); failures
  /// are ignored (the process still runs, at its old priority).
  public static func lowerPriority(by: Int32) {
    _ = nice(by)
  }
}
