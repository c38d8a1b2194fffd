// EpisodeWindow.swift — the mean return of the last N finished episodes, the
// figure "solved" is judged by (Gymnasium: 100 consecutive episodes).

/// A fixed-size window of recent episode returns.
public struct EpisodeWindow: Sendable {
  public let size: Int
  private var values: [Double]
  private var next = 0
  private var sum = 0.0
  public private(set) var count = 0

  public init(size: Int = 100) {
    precondition(size > 0)
    self.size = size
    values = [Double](repeating: 0, count: size)
  }

  public mutating func add(_ v: Double) {
    if count == size { sum -= values[next] } else { count += 1 }
    values[next] = v
    sum += v
    next = (next + 1) % size
    // Re-sum now and then so rounding error cannot drift.
    if next == 0 { sum = values.prefix(count).reduce(0, +) }
  }

  /// Mean of the window's returns, nil while it is empty.
  public var mean: Double? { count > 0 ? sum / Double(count) : nil }
  /// Whether the window holds `size` episodes.
  public var isFull: Bool { count == size }
  /// The returns in the window, oldest first.
  public var returns: [Double] {
    count < size ? Array(values.prefix(count)) : Array(values[next...] + values[..<next])
  }
}
