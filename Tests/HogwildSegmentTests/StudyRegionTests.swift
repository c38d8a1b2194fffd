// The regions of `run --audit` and `run --stale-updates`: the audit kernels'
// arithmetic, the audit figures, the staleness ring, layout and validation.

import CHogwild
import Glibc
import HogwildSegment
import Testing

/// Deterministic values in [-1, 1).
private func values(_ n: Int, seed: UInt32) -> [Float] {
  var x = seed
  return (0..<n).map { _ in
    x = x &* 1_664_525 &+ 1_013_904_223
    return Float(x >> 8) / Float(1 << 23) - 1
  }
}

private func studySegment(_ tag: String, params: Int = 40, procs: Int = 2, audit: Bool = true,
                          stale: Int = 0) throws -> SharedSegment {
  let layout = try SegmentLayout(parameterCount: params, optimizerCount: params, workerCount: procs,
                                 ringCapacity: 64, audit: audit, staleUpdates: stale)
  let seg = try SharedSegment.create(name: testSegmentName(tag), layout: layout)
  seg.header.layers = [LayerEntry(name: "w", rows: params / 2, cols: 1, offset: 0, count: params / 2),
                       LayerEntry(name: "b", rows: params - params / 2, cols: 1, offset: params / 2,
                                  count: params - params / 2)]
  seg.parameters.write(values(params, seed: 7))
  seg.publish()
  return seg
}

@Suite struct StudyRegionTests {
  // 37 floats: two 16-float vectors and a scalar tail of 5.
  static let n = 37

  @Test func rmspropAuditKernelMatchesThePlainOneAndSumsItsSteps() {
    let grad = values(Self.n, seed: 1), theta0 = values(Self.n, seed: 2)
    let g0 = values(Self.n, seed: 3).map { abs($0) }
    var (t1, g1) = (theta0, g0)
    var (t2, g2) = (theta0, g0)
    var acc = [Double](repeating: 0.25, count: Self.n)
    hw_apply_rmsprop(&t1, &g1, grad, nil, Self.n, 0.01, 0.9, 0.1)
    hw_apply_rmsprop_audit(&t2, &g2, grad, nil, &acc, Self.n, 0.01, 0.9, 0.1)
    #expect(t1 == t2, "the audit variant computes θ bit for bit like the plain one")
    #expect(g1 == g2)
    for i in 0..<Self.n {
      // The step is −0.01·d/√(g+ε) with the new g; θ's change is that step
      // rounded to θ's float precision (the float step itself carries a few
      // roundings: relative error ~1e-6 at most against the double formula).
      let step = -0.01 * Double(grad[i]) / (Double(g2[i]) + 0.1).squareRoot()
      #expect(abs((acc[i] - 0.25) - step) <= 1e-6 * abs(step) + 1e-12)
      #expect(abs((acc[i] - 0.25) - (Double(t2[i]) - Double(theta0[i]))) <= 1e-7)
    }
  }

  @Test func sgdAuditKernelsAddExactlyMinusLrTimesD() {
    let grad = values(Self.n, seed: 4), theta0 = values(Self.n, seed: 5)
    var t1 = theta0, t2 = theta0, local = [Float](repeating: 0, count: Self.n)
    var acc = [Double](repeating: 0, count: Self.n)
    hw_apply_sgd(&t1, grad, nil, Self.n, 0.5)
    hw_apply_sgd_audit(&t2, grad, &local, &acc, Self.n, 0.5)
    hw_apply_sgd_audit(&t2, grad, &local, &acc, Self.n, 0.5)
    for i in 0..<Self.n {
      #expect(t2[i] == t1[i] - 0.5 * grad[i], "second step applied on top of the first")
      #expect(local[i] == t2[i])
      #expect(acc[i] == -2 * Double(0.5 * grad[i]), "two steps of −lr·d, exactly")
    }
    var t3 = theta0, acc3 = [Double](repeating: 0, count: Self.n)
    hw_apply_sgd_atomic_audit(&t3, grad, nil, &acc3, Self.n, 0.5)
    #expect(t3 == t1)
    #expect(acc3 == grad.map { -Double(0.5 * $0) })
  }

  @Test func atomicRMSPropAuditSumsItsSteps() {
    let grad = values(Self.n, seed: 6), theta0 = values(Self.n, seed: 8)
    var t = theta0, g = [Float](repeating: 0.5, count: Self.n), acc = [Double](repeating: 0, count: Self.n)
    hw_apply_rmsprop_atomic_audit(&t, &g, grad, nil, &acc, Self.n, 0.02, 0.99, 0.1)
    for i in 0..<Self.n {
      let step = -0.02 * Double(grad[i]) / (Double(g[i]) + 0.1).squareRoot()
      #expect(abs(acc[i] - step) <= 1e-6 * abs(step) + 1e-12)
    }
  }

  @Test func auditFiguresSeeEveryStepAndEveryLoss() throws {
    let seg = try studySegment("audit")
    defer { try? SharedSegment.unlink(name: seg.name) }
    let audit = try #require(seg.audit)
    audit.begin(at: seg.parameters)
    var a0 = seg.makeApplier(optimizer: .sharedRMSProp, mode: .hogwild, alpha: 0.99, epsilon: 0.1, auditRank: 0)
    var a1 = seg.makeApplier(optimizer: .sharedRMSProp, mode: .atomic, alpha: 0.99, epsilon: 0.1, auditRank: 1)
    #expect(a0.isAuditing && a1.isAuditing)
    for k in 0..<20 {
      a0.apply(values(40, seed: UInt32(10 + k)), learningRate: 0.01)
      a1.apply(values(40, seed: UInt32(50 + k)), learningRate: 0.01)
    }
    // A2C's slice apply adds only its slice.
    a1.apply(slice: 16..<32, gradient: values(16, seed: 99), learningRate: 0.01)
    let all = audit.figures(theta: seg.parameters, offset: 0, count: 40)
    #expect(all.intendedNorm > 0.01)
    #expect(try #require(all.lostFraction) < 1e-5, "nothing lost, only float rounding: \(all)")
    // A change of θ[20] the audit did not see (as a lost update is a
    // step the audit saw that θ does not show): it is the difference.
    var thief = seg.makeApplier(optimizer: .sgd, mode: .hogwild, alpha: 0, epsilon: 0)  // no audit row
    var grad = [Float](repeating: 0, count: 40)
    grad[20] = 1
    thief.apply(grad, learningRate: 0.5)
    let after = audit.figures(theta: seg.parameters, offset: 0, count: 40)
    #expect(abs(after.differenceNorm - 0.5) < 1e-6, "an unaudited change of 0.5 shows as 0.5: \(after)")
    let layerB = audit.figures(theta: seg.parameters, offset: 20, count: 20)
    let layerW = audit.figures(theta: seg.parameters, offset: 0, count: 20)
    #expect(abs(layerB.differenceNorm - 0.5) < 1e-6)
    #expect(try #require(layerW.lostFraction) < 1e-5)
  }

  @Test func noAuditNoRowAndNoRegion() throws {
    let seg = try studySegment("noaudit", audit: false)
    defer { try? SharedSegment.unlink(name: seg.name) }
    #expect(seg.audit == nil)
    #expect(!seg.makeApplier(optimizer: .sgd, mode: .hogwild, alpha: 0, epsilon: 0, auditRank: 0).isAuditing)
    #expect(seg.staleRing == nil)
    #expect(seg.header.staleUpdates == 0 && !seg.header.hasAudit)
  }

  @Test func staleRingHoldsKPlusOneSnapshots() throws {
    let seg = try studySegment("ring", stale: 3)
    defer { try? SharedSegment.unlink(name: seg.name) }
    let ring = try #require(seg.staleRing)
    #expect(ring.k == 3 && seg.header.staleUpdates == 3)
    ring.fill(from: seg.parameters)
    let theta0 = seg.parameters.snapshot
    for v in 0..<4 { #expect(ring.values(version: UInt64(v)) == theta0) }
    var applier = seg.makeApplier(optimizer: .sgd, mode: .hogwild, alpha: 0, epsilon: 0)
    applier.startOffset = 16
    applier.reverse = true
    applier.apply([Float](repeating: 1, count: 40), learningRate: 0.25, snapshot: ring, version: 5)
    #expect(ring.values(version: 5) == seg.parameters.snapshot, "the applier writes θ after update 5 into slot 5 mod 4")
    #expect(ring.values(version: 1) == seg.parameters.snapshot)
    #expect(ring.values(version: 0) == theta0)
    var local: [Float] = []
    ring.copy(version: 4, into: &local)
    #expect(local == theta0)
  }

  @Test func layoutPlacesStudyRegionsAfterTheExchange() throws {
    let plain = try SegmentLayout(parameterCount: 100, optimizerCount: 0, workerCount: 3)
    let l = try SegmentLayout(parameterCount: 100, optimizerCount: 0, workerCount: 3, audit: true, staleUpdates: 2)
    #expect(l.auditStartOffset >= plain.totalSize && l.auditStartOffset % 64 == 0)
    #expect(l.auditStride == 104, "100 doubles rounded up to whole lines")
    #expect(l.auditSumsOffset >= l.auditStartOffset + 400 && l.auditSumsOffset % 64 == 0)
    #expect(l.staleStride == 112)
    #expect(l.staleRingOffset >= l.auditSumsOffset + 3 * 104 * 8)
    #expect(l.totalSize >= l.staleRingOffset + 3 * 112 * 4)
    #expect(MemoryLayout<hw_header>.size == 4096)
    #expect(MemoryLayout<hw_header>.offset(of: \hw_header.layers) == 576)
  }

  @Test func validatorRejectsBadStudyRegions() throws {
    let seg = try studySegment("valid", stale: 2)
    defer { try? SharedSegment.unlink(name: seg.name) }
    let fd = shm_open(seg.name, O_RDONLY, 0)
    defer { close(fd) }
    var image = [UInt8](repeating: 0, count: seg.size)
    let n = image.withUnsafeMutableBytes { read(fd, $0.baseAddress, seg.size) }
    #expect(n == seg.size)
    try validate(image)
    let study = MemoryLayout<hw_header>.offset(of: \hw_header.study)!
    let total = UInt64(seg.size)
    func rejects(_ field: Int, _ value: UInt64) {
      var b = image
      poke(&b, at: study + field, value)
      #expect(throws: SegmentError.self) { try validate(b) }
    }
    rejects(0, total - 8)        // audit start past the end
    rejects(8, total - 64)       // audit sums past the end
    rejects(8, 4096 + 4)         // audit sums not on a cache line
    rejects(16, 8)               // audit stride smaller than θ
    rejects(16, 41)              // audit stride not whole lines
    rejects(24, 1 << 40)         // absurd K
    rejects(24, 1000)            // K + 1 snapshots do not fit
    rejects(32, total)           // ring past the end
    rejects(40, 16)              // snapshot smaller than θ
  }
}
