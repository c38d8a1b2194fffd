// AuditSummary.swift — what `run --audit` found: the lost fraction
// ‖intended − actual change‖ / ‖intended‖ of θ overall and per layer, for
// summary.json and `dump`.

import Formats
import HogwildSegment

/// The lost-update audit of a segment, overall and per layer.
public struct AuditSummary: Sendable {
  public var overall: AuditFigures
  public var layers: [(name: String, figures: AuditFigures)]

  /// nil unless the segment was created with `--audit`.
  public init?(segment: SharedSegment) {
    guard let audit = segment.audit else { return nil }
    let theta = segment.parameters
    overall = audit.figures(theta: theta, offset: 0, count: theta.count)
    layers = segment.header.layers.map { ($0.name, audit.figures(theta: theta, offset: $0.offset, count: $0.count)) }
  }

  public var json: JSON {
    func fields(_ f: AuditFigures) -> [(String, JSON)] {
      [("lost_fraction", .number(f.lostFraction)), ("intended_norm", .double(f.intendedNorm)),
       ("actual_norm", .double(f.actualNorm)), ("difference_norm", .double(f.differenceNorm))]
    }
    return .object(fields(overall) + [
      ("layers", .array(layers.map { .object([("name", .string($0.name))] + fields($0.figures)) })),
    ])
  }
}
