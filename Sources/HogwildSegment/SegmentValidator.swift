// SegmentValidator.swift — the checks that run before a mapped object is
// trusted (modelled on PostgreSQL's dsm_control_segment_sane): each one makes
// the next safe to evaluate, and each failure is a typed error.

import CHogwild

/// Validates the bytes of a segment image.
public enum SegmentValidator {
  /// Throws unless `bytes` hold a complete, consistent hogwild-rl segment.
  public static func validate(_ bytes: UnsafeRawBufferPointer, name: String) throws(SegmentError) {
    _ = try validatedHeader(bytes, name: name)
  }

  /// Validates `bytes` and returns the header that was checked: a copy, so a
  /// reader that keeps using it cannot be moved out of bounds by later
  /// writes to the live header (the segment is writable by its workers).
  public static func validatedHeader(_ bytes: UnsafeRawBufferPointer, name: String) throws(SegmentError) -> hw_header {
    let hsize = SegmentLayout.headerSize
    // 1. The header can be read at all.
    guard let base = bytes.baseAddress, bytes.count >= 8 else {
      throw .truncated(name: name, size: bytes.count, needed: hsize)
    }
    // 2. It is ours.
    let magic = base.loadUnaligned(as: UInt64.self)
    guard magic == HW_MAGIC else { throw .badMagic(name: name, found: magic) }
    guard bytes.count >= hsize else { throw .truncated(name: name, size: bytes.count, needed: hsize) }
    var copy = base.loadUnaligned(as: hw_header.self)
    guard copy.magic == HW_MAGIC else { throw .badMagic(name: name, found: copy.magic) }
    try withUnsafeMutablePointer(to: &copy) { (h) throws(SegmentError) in
      try check(h, image: base, mapped: bytes.count, name: name)
    }
    return copy
  }

  /// Steps 3 to 7 on a header (a copy) for an object of `mapped` bytes at
  /// `image` (read only for the distributed state, once it is known in bounds).
  static func check(_ h: UnsafeMutablePointer<hw_header>, image base: UnsafeRawPointer, mapped: Int,
                    name: String) throws(SegmentError) {
    let hsize = SegmentLayout.headerSize
    // 3. It is our layout.
    let version = h.pointee.layout_version
    guard version == HW_LAYOUT_VERSION else {
      throw .versionMismatch(name: name, found: version, expected: HW_LAYOUT_VERSION)
    }
    guard Int(h.pointee.header_size) == hsize else { throw .corruptHeader(name: name, field: "header_size") }
    guard Int(h.pointee.worker_slot_size) == SegmentLayout.slotSize else {
      throw .corruptHeader(name: name, field: "worker_slot_size")
    }
    // 4. The declared size fits in what is mapped.
    let total = h.pointee.total_size
    guard total >= UInt64(hsize) else { throw .corruptHeader(name: name, field: "total_size") }
    guard total <= UInt64(mapped) else {
      throw .truncated(name: name, size: mapped, needed: Int(clamping: total))
    }
    // 5. Counts are in range.
    let procs = h.pointee.procs
    guard procs >= 1, procs <= HW_MAX_WORKERS else { throw .corruptHeader(name: name, field: "procs") }
    guard h.pointee.n_layers <= HW_MAX_LAYERS else { throw .corruptHeader(name: name, field: "n_layers") }
    guard h.pointee.n_hparams <= HW_MAX_HPARAMS else { throw .corruptHeader(name: name, field: "n_hparams") }
    let cap = h.pointee.ring_capacity
    guard cap > 0, cap & (cap - 1) == 0, cap <= 1 << 24 else {
      throw .corruptHeader(name: name, field: "ring_capacity")
    }
    // 6. Every region lies inside the segment, and no two overlap (a slot
    // that is also an episode record would take hostile values from either).
    var claimed: [(region: String, start: UInt64, end: UInt64)] = []
    func inside(_ region: String, offset: UInt64, count: UInt64, unit: UInt64) throws(SegmentError) {
      let (bytes, o1) = count.multipliedReportingOverflow(by: unit)
      let (end, o2) = offset.addingReportingOverflow(bytes)
      guard !o1, !o2, offset >= UInt64(hsize), end <= total else {
        throw .regionOutOfBounds(name: name, region: region)
      }
      guard bytes > 0 else { return }
      if let other = claimed.first(where: { offset < $0.end && $0.start < end }) {
        throw .regionsOverlap(name: name, first: other.region, second: region)
      }
      claimed.append((region, offset, end))
    }
    try inside("parameters", offset: h.pointee.params_offset, count: h.pointee.params_count, unit: 4)
    try inside("target parameters", offset: h.pointee.target_offset, count: h.pointee.target_count, unit: 4)
    try inside("optimizer", offset: h.pointee.opt_offset, count: h.pointee.opt_count, unit: 4)
    try inside("lock", offset: h.pointee.lock_offset, count: 1, unit: UInt64(HW_LOCK_BYTES))
    try inside("episode ring", offset: h.pointee.ring_offset, count: cap,
               unit: UInt64(SegmentLayout.recordSize))
    try inside("worker slots", offset: h.pointee.slots_offset, count: UInt64(procs),
               unit: UInt64(SegmentLayout.slotSize))
    let stride = h.pointee.exchange_stride
    if stride > 0 {
      guard stride >= h.pointee.params_count, stride % 16 == 0 else {
        throw .corruptHeader(name: name, field: "exchange_stride")
      }
      let (rows, o) = stride.multipliedReportingOverflow(by: UInt64(procs))
      guard !o else { throw .regionOutOfBounds(name: name, region: "gradient exchange") }
      try inside("gradient exchange", offset: h.pointee.exchange_offset, count: rows, unit: 4)
    }
    let study = h.pointee.study
    let auditStride = study.audit_stride
    if auditStride > 0 {
      guard auditStride >= h.pointee.params_count, auditStride % 8 == 0 else {
        throw .corruptHeader(name: name, field: "audit_stride")
      }
      try inside("audit start", offset: study.audit_start_offset, count: h.pointee.params_count, unit: 4)
      let (rows, o) = auditStride.multipliedReportingOverflow(by: UInt64(procs))
      guard !o else { throw .regionOutOfBounds(name: name, region: "audit sums") }
      try inside("audit sums", offset: study.audit_sums_offset, count: rows, unit: 8)
      guard study.audit_sums_offset % 64 == 0 else { throw .corruptHeader(name: name, field: "audit_sums_offset") }
    }
    let k = study.stale_k
    if k > 0 {
      let staleStride = study.stale_stride
      guard k < 1 << 32, staleStride >= h.pointee.params_count, staleStride % 16 == 0 else {
        throw .corruptHeader(name: name, field: k >= 1 << 32 ? "stale_k" : "stale_stride")
      }
      let (floats, o) = staleStride.multipliedReportingOverflow(by: k + 1)
      guard !o else { throw .regionOutOfBounds(name: name, region: "staleness ring") }
      try inside("staleness ring", offset: study.stale_ring_offset, count: floats, unit: 4)
    }
    let distOffset = h.pointee.dist_offset
    if distOffset > 0 {
      try inside("distributed state", offset: distOffset, count: 1, unit: UInt64(SegmentLayout.distributedSize))
      guard distOffset % 64 == 0 else { throw .corruptHeader(name: name, field: "dist_offset") }
      let d = (base + Int(distOffset)).assumingMemoryBound(to: hw_dist.self).pointee
      guard d.nodes >= 1, d.nodes <= HW_MAX_NODES else { throw .corruptHeader(name: name, field: "dist.nodes") }
      guard d.node < d.nodes else { throw .corruptHeader(name: name, field: "dist.node") }
      let inbox = d.inbox_capacity
      guard inbox > 0, inbox & (inbox - 1) == 0, inbox <= 1 << 24 else {
        throw .corruptHeader(name: name, field: "dist.inbox_capacity")
      }
      try inside("episode inbox", offset: d.inbox_offset, count: inbox, unit: UInt64(SegmentLayout.recordSize))
      try inside("node table", offset: d.nodes_offset, count: UInt64(d.nodes), unit: UInt64(SegmentLayout.nodeStatsSize))
      guard d.inbox_offset % 64 == 0, d.nodes_offset % 64 == 0 else {
        throw .corruptHeader(name: name, field: "dist.inbox_offset")
      }
    }
    // 7. Every layer lies inside θ.
    let layers = SegmentHeader(h).layers
    for layer in layers {
      let (end, o) = layer.offset.addingReportingOverflow(layer.count)
      guard !o, end <= Int(h.pointee.params_count) else {
        throw .regionOutOfBounds(name: name, region: "layer \(layer.name)")
      }
    }
  }
}
