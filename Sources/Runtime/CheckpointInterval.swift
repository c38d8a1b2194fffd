// CheckpointInterval.swift — how often a run writes checkpoint.bin
// (`--checkpoint-every`): by wall-clock time, by global steps, or never
// (the final checkpoint at the end of a run is always written).

/// When the supervisor writes a periodic checkpoint.
public enum CheckpointInterval: Equatable, Sendable, CustomStringConvertible {
  /// Only the final checkpoint.
  case none
  /// Every this many nanoseconds of wall-clock time.
  case time(UInt64)
  /// Each time T crosses a multiple of this many steps.
  case steps(UInt64)

  /// Parses `0`/`none`; a duration `500ms`, `30s`, `2m` or `2min` (minutes),
  /// `1h`; or a step count `100000`, `500k`, `2M` (capital M: million steps).
  /// Durations are at least 10 ms.
  public static func parse(_ text: String) -> CheckpointInterval? {
    if text == "none" || text == "0" { return CheckpointInterval.none }
    let digits = text.prefix(while: { $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" })
    let unit = String(text.dropFirst(digits.count))
    guard !digits.isEmpty, let value = Double(digits), value.isFinite, value >= 0 else { return nil }
    let secondsPerUnit: [String: Double] = ["ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1,
                                            "m": 60, "min": 60, "h": 3600]
    if let scale = secondsPerUnit[unit] {
      let ns = value * scale * 1e9
      guard ns >= 1e7, ns <= 8.64e13 else { return nil }  // 10 ms ... 1 day
      return .time(UInt64(ns.rounded()))
    }
    let stepScale: [String: Double] = ["": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9]
    guard let scale = stepScale[unit] else { return nil }
    let steps = value * scale
    guard steps == steps.rounded(), steps >= 0, steps <= 1e15 else { return nil }
    return steps == 0 ? CheckpointInterval.none : .steps(UInt64(steps))
  }

  /// The flag syntax (parses back to the same value).
  public var description: String {
    switch self {
    case .none: "none"
    case .time(let ns):
      ns % 1_000_000_000 == 0 ? "\(ns / 1_000_000_000)s"
        : ns % 1_000_000 == 0 ? "\(ns / 1_000_000)ms" : "\(ns / 1000)us"
    case .steps(let n): "\(n)"
    }
  }
}
