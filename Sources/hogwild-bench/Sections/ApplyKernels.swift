// 3. Apply-kernel rates: N processes apply shared-RMSProp gradients to one
// segment's θ for a fixed wall time, per --update mode, and for hogwild
// also in RMSProp's fast form (--rmsprop-sqrt fast: a reciprocal square
// root estimate and a Newton step instead of a square root and a division).
//
// Each run: a fresh segment sized like A3C's (θ and shared statistics of
// 4,675 floats; its name unlinked at once), N forked children that mark
// their slot ready and spin until the parent flips the header's state to
// `running` (the shared start flag), then call the worker's
// `apply(_:learningRate:refreshing:)` until the state becomes `stopping`,
// counting applies in their own (cache-line padded) slot.

import BuiltInEnvs
import Glibc
import HogwildSegment
import HogwildSys

/// One kind of apply the section times: an update mode and RMSProp's form.
private struct ApplyVariant: Hashable {
  var mode: UpdateMode
  var sqrt: RMSPropSqrt
  /// In bench.json keys: "hogwild", "atomic", "locked", "hogwild_fast".
  var key: String { sqrt == .exact ? mode.rawValue : "\(mode.rawValue)_\(sqrt.rawValue)" }
  var label: String { "--update \(mode.rawValue)" + (sqrt == .exact ? "" : " --rmsprop-sqrt \(sqrt.rawValue)") }
}

func benchApplyKernels(_ bench: Bench) {
  let parameterCount = a3cNetwork.parameterCount
  let counts = [1, 2, 4, 16]
  // hogwild, atomic, locked (exact), then hogwild in the fast form.
  let exact = ApplyVariant(mode: .hogwild, sqrt: .exact), fast = ApplyVariant(mode: .hogwild, sqrt: .fast)
  let variants = UpdateMode.allCases.map { ApplyVariant(mode: $0, sqrt: .exact) } + [fast]
  let repeats = bench.repeats(5, quick: 2)
  let duration = bench.options.quick ? 0.15 : 0.3
  bench.report.section("3. apply kernels (shared RMSProp, \(parameterCount) floats, \(formatNumber(duration, decimals: 2)) s per run, total over N processes)")

  var rates: [String: [Double]] = [:]
  var hogwildOverLocked: [Int: [Double]] = [:]
  var fastOverExact: [Int: [Double]] = [:]
  for r in 0..<repeats {
    for n in counts {
      // Variants alternate run by run; the order rotates every repeat.
      var thisRound: [ApplyVariant: Double] = [:]
      for k in 0..<variants.count {
        let v = variants[(k + r) % variants.count]
        let rate = applyRate(bench, mode: v.mode, sqrt: v.sqrt, processes: n, parameterCount: parameterCount,
                             duration: duration)
        thisRound[v] = rate
        rates["\(v.key).\(n)", default: []].append(rate)
      }
      hogwildOverLocked[n, default: []].append(thisRound[exact]! / thisRound[ApplyVariant(mode: .locked, sqrt: .exact)]!)
      fastOverExact[n, default: []].append(thisRound[fast]! / thisRound[exact]!)
    }
  }
  for v in variants {
    for n in counts {
      bench.report.add("apply.\(v.key).n\(n)", "applies/s, \(v.label), N=\(n)",
                       unit: "applies/s", samples: rates["\(v.key).\(n)"]!)
    }
  }
  for n in counts {
    bench.report.add("apply.fast_over_exact.n\(n)", "hogwild --rmsprop-sqrt fast ÷ exact (paired), N=\(n)",
                     unit: "ratio", samples: fastOverExact[n]!, decimals: 2)
  }
  let bits = ApplyKernelBuild.fastEstimateBits
  bench.report.note("--rmsprop-sqrt fast here: " + (bits > 0
    ? "a \(bits)-bit reciprocal square root estimate and one Newton step"
    : "no estimate instruction in this build (1/√x, the same cost as exact)"))
  // At N = 1 the two do the same work (plus an uncontended lock), so a
  // ratio within 3% of 1 counts as equal rather than as a loss.
  var verdicts: [String] = []
  var everyN = true
  for n in counts {
    let f = bench.report.add("apply.hogwild_over_locked.n\(n)", "hogwild ÷ locked (paired), N=\(n)",
                             unit: "ratio", samples: hogwildOverLocked[n]!, decimals: 2)
    let m = f.stats.median
    if m < 0.97 { everyN = false }
    verdicts.append("N=\(n) \(m >= 1 ? "yes" : m >= 0.97 ? "equal within 3%" : "NO")")
  }
  bench.report.note("hogwild ≥ locked at every N (median paired ratio): \(everyN ? "yes" : "NO") — "
    + verdicts.joined(separator: ", "))
}

/// Total applies per second of `processes` children applying concurrently.
private func applyRate(_ bench: Bench, mode: UpdateMode, sqrt: RMSPropSqrt, processes: Int, parameterCount: Int,
                       duration: Double) -> Double {
  bench.stopIfInterrupted()
  let name = "/hogwild-bench.apply.\(getpid())"
  let segment: SharedSegment
  do {
    segment = try SharedSegment.create(
      name: name,
      layout: try SegmentLayout(parameterCount: parameterCount, optimizerCount: parameterCount,
                                workerCount: processes, ringCapacity: 1))
    try SharedSegment.unlink(name: name)
    try segment.initializeLock()
  } catch {
    bench.fail("cannot create segment \(name): \(error)")
  }
  var rng = Xoshiro256(seed: 3)
  segment.parameters.write((0..<parameterCount).map { _ in Float(rng.uniform(-0.1, 0.1)) })
  let gradient = (0..<parameterCount).map { _ in Float(rng.uniform(-0.01, 0.01)) }
  let header = segment.header
  header.state = .initializing

  let parent = CurrentProcess.id
  var pids: [ForkedChild] = []
  for rank in 0..<processes {
    let forked: ForkedChild?
    do { forked = try ForkedChild.fork() } catch { bench.fail("fork: \(error)") }  // flushes stdio first
    guard let pid = forked else {
      applyLoop(segment: segment, rank: rank, mode: mode, sqrt: sqrt, gradient: gradient, parent: parent)
    }
    bench.adopt(pid)
    pids.append(pid)
  }
  // Wait until every child is ready, then start them together.
  while (0..<processes).contains(where: { segment.slot($0).status == .empty }) {
    bench.stopIfInterrupted()
    MonotonicClock.sleep(nanoseconds: 200_000)
  }
  let start = seconds()
  header.state = .running
  MonotonicClock.sleep(nanoseconds: UInt64(duration * 1e9))
  header.state = .stopping
  let elapsed = seconds() - start
  for pid in pids {
    let status = bench.wait(pid)
    if status != 0 { bench.fail("apply child exited with status \(status)") }
  }
  bench.stopIfInterrupted()
  let total = (0..<processes).reduce(UInt64(0)) { $0 + segment.slot($1).updates }
  return Double(total) / elapsed
}

/// A child's body: ready, wait for the start flag, apply until stopped, _exit.
private func applyLoop(segment: SharedSegment, rank: Int, mode: UpdateMode, sqrt: RMSPropSqrt,
                       gradient: [Float], parent: Int32) -> Never {
  do { try CurrentProcess.becomeChild(of: parent) } catch { CurrentProcess.exitImmediately(2) }
  let header = segment.header
  let slot = segment.slot(rank)
  var applier = segment.makeApplier(optimizer: .sharedRMSProp, mode: mode, alpha: 0.99, epsilon: 0.1, sqrt: sqrt)
  // Each worker starts its pass at its own cache line, as WorkerLink sets it up.
  applier.startOffset = applier.count * rank / max(1, header.procs)
  applier.reverse = rank % 2 == 1
  var local = [Float](repeating: 0, count: gradient.count)
  slot.pid = CurrentProcess.id
  slot.status = .running
  while header.state == .initializing { sched_yield() }
  var applies: UInt64 = 0
  while header.state == .running {
    applier.apply(gradient, learningRate: 1e-6, refreshing: &local)
    applies += 1
    slot.updates = applies
  }
  slot.status = .exited
  CurrentProcess.exitImmediately(0)
}
