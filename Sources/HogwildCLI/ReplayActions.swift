// ReplayActions.swift — `replay --actions`: a comma-separated list read
// against the environment's action space.

import BuiltInEnvs
import Formats
import Runtime

/// The actions `replay` applies, one per step.
enum ReplayActions: Equatable {
  case discrete([Int])
  /// Box actions, each `spec.continuousActionSize` float32 values.
  case box([[Float]])

  var count: Int {
    switch self {
    case .discrete(let a): a.count
    case .box(let a): a.count
    }
  }

  /// Parses `text` for `spec`'s action space: integers in 0..<n for a
  /// discrete space; finite numbers (decimal or hexadecimal, e.g. 0x1.8p+0)
  /// within float32's range for a box of dimension d, every d consecutive
  /// numbers forming one action (values outside the box's bounds are
  /// accepted: the environment clips them, as Gymnasium's do).
  init(_ text: String, for spec: EnvSpec) throws(UsageError) {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map(\.trimmingCharacters)
    switch spec.actionSpace {
    case .discrete(let n):
      var actions: [Int] = []
      for item in items {
        guard let a = Int(item), (0..<n).contains(a) else {
          throw UsageError("--actions: '\(item)' is not an action of \(spec.id) (expected integers from 0 to \(n - 1), comma-separated)")
        }
        actions.append(a)
      }
      self = .discrete(actions)
    case .box(let low, _):
      let d = low.count
      let expected = "finite numbers, comma-separated, \(d) per action"
      var values: [Float] = []
      for item in items {
        // The action space is float32: a value is rounded to it, and one
        // beyond its range (which would become ±infinity) is refused.
        guard let x = Double(item), x.isFinite, Float(x).isFinite else {
          throw UsageError("--actions: '\(item)' is not an action of \(spec.id) (its actions are continuous: expected \(expected), within float32's range)")
        }
        values.append(Float(x))
      }
      guard values.count % d == 0 else {
        throw UsageError("--actions: \(values.count) numbers do not split into \(spec.id)'s actions of \(d) numbers each")
      }
      self = .box(stride(from: 0, to: values.count, by: d).map { Array(values[$0..<($0 + d)]) })
    }
  }

  /// Applies action `i` to `env`.
  /// Action `i` (discrete) on an environment of byte observations.
  func step(_ i: Int, _ env: inout any Environment, bytes: inout [UInt8]) -> StepOutcome {
    guard case .discrete(let a) = self else { preconditionFailure("byte observations go with discrete actions") }
    return env.step(action: a[i], bytes: &bytes)
  }

  func step(_ i: Int, _ env: inout any Environment, observation: inout [Float]) -> StepOutcome {
    switch self {
    case .discrete(let a): env.step(action: a[i], observation: &observation)
    case .box(let a): env.step(continuous: a[i], observation: &observation)
    }
  }

  /// Action `i` as printed: an integer, or the array of float32 values given
  /// (before the environment clips them).
  func json(_ i: Int) -> JSON {
    switch self {
    case .discrete(let a): .int(Int64(a[i]))
    case .box(let a): .array(a[i].map(ExactNumber.float32))
    }
  }
}
