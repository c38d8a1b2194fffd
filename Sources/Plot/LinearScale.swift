// LinearScale.swift — maps data values to pixel positions.

/// A linear map from `domain` to `range` (range may run backwards, as a
/// y axis does: larger values higher up, smaller pixel coordinates).
public struct LinearScale: Sendable {
  public var domainLower: Double
  public var domainUpper: Double
  public var rangeStart: Double
  public var rangeEnd: Double

  public init(domain: (Double, Double), range: (Double, Double)) {
    (domainLower, domainUpper) = domain
    (rangeStart, rangeEnd) = range
  }

  public func callAsFunction(_ v: Double) -> Double {
    let span = domainUpper - domainLower
    guard span != 0, span.isFinite else { return (rangeStart + rangeEnd) / 2 }
    return rangeStart + (v - domainLower) / span * (rangeEnd - rangeStart)
  }
}
