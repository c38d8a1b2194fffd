// SharedFloats.swift — a float32 region of the segment (θ or the optimizer
// statistics): bulk copies in and out, reads, and per-tensor statistics.

import Glibc

/// A view of `count` floats in the segment.
public struct SharedFloats {
  @usableFromInline let base: UnsafeMutablePointer<Float>
  public let count: Int

  init(base: UnsafeMutablePointer<Float>, count: Int) {
    self.base = base
    self.count = count
  }

  /// θ′ ← θ: copies the whole region into `local` (resized once if needed).
  /// Other workers may be writing meanwhile; the copy is a consistent view of
  /// no single moment, as in Hogwild!.
  @inlinable public func copy(into local: inout [Float]) {
    if local.count != count { local = [Float](repeating: 0, count: count) }
    local.withUnsafeMutableBufferPointer { dst in
      dst.baseAddress!.update(from: base, count: count)
    }
  }

  /// Overwrites this region with `source` (same count): θ⁻ ← θ. Both may be
  /// written meanwhile; the copy is of no single moment.
  @inlinable public func copy(from source: SharedFloats) {
    precondition(source.count == count, "size mismatch copying shared floats")
    base.update(from: source.base, count: count)
  }

  /// Overwrites the region with `values` (creator, checkpoint restore).
  public func write(_ values: [Float]) {
    precondition(values.count == count, "size mismatch writing shared floats")
    values.withUnsafeBufferPointer { src in base.update(from: src.baseAddress!, count: count) }
  }

  /// A snapshot of the whole region.
  public var snapshot: [Float] {
    var out = [Float]()
    copy(into: &out)
    return out
  }

  public subscript(i: Int) -> Float {
    precondition(i >= 0 && i < count, "index out of range")
    return base[i]
  }

  /// Mean, standard deviation, extremes, L2 norm and non-finite count of
  /// `count` floats starting at `offset` (non-finite values are excluded from
  /// the other figures).
  public func statistics(offset: Int = 0, count n: Int? = nil) -> TensorStatistics {
    let n = n ?? count - offset
    precondition(offset >= 0 && n >= 0 && offset + n <= count, "range out of bounds")
    return TensorStatistics(UnsafeBufferPointer(start: base + offset, count: n))
  }
}

/// Summary statistics of a tensor, as `dump` prints them.
public struct TensorStatistics: Equatable, Sendable {
  public var count: Int
  public var mean: Double
  public var std: Double
  public var min: Double
  public var max: Double
  public var l2: Double
  public var nonFinite: Int

  public init<C: Collection>(_ values: C) where C.Element == Float {
    var n = 0, bad = 0
    var sum = 0.0, sq = 0.0
    var lo = Double.infinity, hi = -Double.infinity
    for v in values {
      guard v.isFinite else { bad += 1; continue }
      let d = Double(v)
      n += 1; sum += d; sq += d * d
      lo = Swift.min(lo, d); hi = Swift.max(hi, d)
    }
    count = values.count
    nonFinite = bad
    mean = n > 0 ? sum / Double(n) : 0
    std = n > 0 ? (Swift.max(0, sq / Double(n) - mean * mean)).squareRoot() : 0
    min = n > 0 ? lo : 0
    max = n > 0 ? hi : 0
    l2 = sq.squareRoot()
  }
}
