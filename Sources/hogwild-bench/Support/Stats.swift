// Stats.swift — median, min and max of a figure's repeats.

struct Stats {
  let median: Double
  let min: Double
  let max: Double
  let count: Int

  /// Non-finite samples are ignored; no finite samples gives NaN everywhere.
  init(_ samples: [Double]) {
    let s = samples.filter(\.isFinite).sorted()
    count = s.count
    guard let first = s.first, let last = s.last else {
      median = .nan; min = .nan; max = .nan
      return
    }
    min = first
    max = last
    median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}
