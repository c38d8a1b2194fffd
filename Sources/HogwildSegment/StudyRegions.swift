// StudyRegions.swift — the segment regions of `run --audit` (θ at the
// audit's start, each worker's sum of intended steps) and of `run
// --stale-updates K` (a ring of K + 1 snapshots of θ). The protocols that
// use them are in include/hogwild.h, NOTES (f) and (g).

import CHogwild

/// The lost-update audit: θ when it began and one row of double sums of
/// intended steps per worker.
public struct AuditRegion {
  /// θ when the audit began.
  public let start: SharedFloats
  @usableFromInline let sums: UnsafeMutablePointer<Double>
  let stride: Int
  let rows: Int

  /// The row worker `rank` adds its intended steps to.
  func row(_ rank: Int) -> UnsafeMutablePointer<Double> {
    precondition(rank >= 0 && rank < rows, "audit row out of range")
    return sums + rank * stride
  }

  /// Starts the audit at θ as it is now: start ← θ, every sum ← 0
  /// (creator, before forking; also after a resume).
  public func begin(at theta: SharedFloats) {
    start.copy(from: theta)
    sums.update(repeating: 0, count: rows * stride)
  }

  /// The intended and actual change of θ[offset ..< offset + count] since
  /// the audit began, as norms. Reads the rows while workers add to them.
  public func figures(theta: SharedFloats, offset: Int, count: Int) -> AuditFigures {
    precondition(offset >= 0 && count >= 0 && offset + count <= theta.count, "range out of bounds")
    var intended = 0.0, actual = 0.0, difference = 0.0
    for i in offset..<(offset + count) {
      var sum = 0.0
      for r in 0..<rows { sum += sums[r * stride + i] }
      let change = Double(theta.base[i]) - Double(start.base[i])
      intended += sum * sum
      actual += change * change
      difference += (sum - change) * (sum - change)
    }
    return AuditFigures(intendedNorm: intended.squareRoot(), actualNorm: actual.squareRoot(),
                        differenceNorm: difference.squareRoot())
  }
}

/// What the audit found over some parameters.
public struct AuditFigures: Equatable, Sendable {
  /// ‖Σ intended steps‖.
  public var intendedNorm: Double
  /// ‖θ now − θ at the start‖.
  public var actualNorm: Double
  /// ‖intended − actual‖.
  public var differenceNorm: Double

  public init(intendedNorm: Double, actualNorm: Double, differenceNorm: Double) {
    self.intendedNorm = intendedNorm
    self.actualNorm = actualNorm
    self.differenceNorm = differenceNorm
  }

  /// ‖intended − actual‖ / ‖intended‖; nil before any step was intended.
  public var lostFraction: Double? {
    intendedNorm > 0 ? differenceNorm / intendedNorm : nil
  }
}

/// `--stale-updates K`: snapshot v mod (K + 1) holds θ after v updates.
public struct StaleRing {
  public let k: Int
  @usableFromInline let base: UnsafeMutablePointer<Float>
  let stride: Int
  let count: Int

  /// The snapshot slot of version `v`.
  func snapshot(_ v: UInt64) -> UnsafeMutablePointer<Float> {
    base + Int(v % UInt64(k + 1)) * stride
  }

  /// Every slot ← θ (creator, before forking; also after a resume).
  public func fill(from theta: SharedFloats) {
    for s in 0...k { (base + s * stride).update(from: theta.base, count: count) }
  }

  /// θ′ ← snapshot of version `v`.
  public func copy(version v: UInt64, into local: inout [Float]) {
    if local.count != count { local = [Float](repeating: 0, count: count) }
    let src = snapshot(v)
    local.withUnsafeMutableBufferPointer { dst in dst.baseAddress!.update(from: src, count: count) }
  }

  /// The snapshot of version `v` (for tests and readers).
  public func values(version v: UInt64) -> [Float] {
    Array(UnsafeBufferPointer(start: snapshot(v), count: count))
  }
}

extension SharedSegment {
  /// The audit's regions; nil unless the run has `--audit`.
  public var audit: AuditRegion? {
    let h = trusted
    let stride = Int(h.study.audit_stride)
    guard stride > 0 else { return nil }
    let count = Int(h.params_count)
    return AuditRegion(
      start: SharedFloats(base: (base + Int(h.study.audit_start_offset)).assumingMemoryBound(to: Float.self),
                          count: count),
      sums: (base + Int(h.study.audit_sums_offset)).assumingMemoryBound(to: Double.self),
      stride: stride, rows: Int(h.procs))
  }

  /// The staleness ring; nil unless the run has `--stale-updates K`.
  public var staleRing: StaleRing? {
    let h = trusted
    let k = Int(h.study.stale_k)
    guard k > 0 else { return nil }
    return StaleRing(
      k: k, base: (base + Int(h.study.stale_ring_offset)).assumingMemoryBound(to: Float.self),
      stride: Int(h.study.stale_stride), count: Int(h.params_count))
  }
}
