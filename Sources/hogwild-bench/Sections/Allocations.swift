// 7. Heap allocations per 1,000 steady-state steps of an A3C worker.
//
// One worker runs in this process against a private segment (as
// A3CWorkerTests.runSingleWorker does), with every malloc/calloc/realloc/
// memalign call counted by the CMallocCounter target. The fixed costs
// (segment, link, buffers) are the same for a 50k- and a 550k-step run, so
// (count(550k) − count(50k)) / 500 is the allocations per 1,000 steps.

import Algorithms
import CMallocCounter
import EnvSources
import BuiltInEnvs
import Glibc
import HogwildLink
import HogwildSegment
import HogwildSys

func benchAllocations(_ bench: Bench) {
  bench.report.section("7. heap allocations in a worker's loop (in-process A3C worker, counted malloc & co.)")
  checkCounterCounts(bench)
  // The first run pays one-time costs (runtime metadata and caches).
  _ = countAllocations(bench, tMax: 20_000)
  let repeats = bench.repeats(3, quick: 1)
  var perThousand: [Double] = []
  var stepsPerSecond: [Double] = []
  var counts: [String] = []
  for r in 0..<repeats {
    // The order alternates, so a one-time cost would show in either sign.
    let (short, long) = r % 2 == 0
      ? (countAllocations(bench, tMax: 50_000), countAllocations(bench, tMax: 550_000))
      : swapped(countAllocations(bench, tMax: 550_000), countAllocations(bench, tMax: 50_000))
    counts.append("\(short.allocations)/\(long.allocations)")
    perThousand.append((Double(long.allocations) - Double(short.allocations)) / 500)
    stepsPerSecond.append(500_000 / (long.seconds - short.seconds))
  }
  let f = bench.report.add("alloc.per_1000_steps", "allocations per 1,000 steps (550k − 50k run)",
                           unit: "allocs", samples: perThousand, decimals: 2)
  bench.report.add("alloc.worker_steps_per_second", "in-process worker, steady state", unit: "steps/s",
                   samples: stepsPerSecond)
  bench.report.note("allocations per run, 50k/550k steps: " + counts.joined(separator: ", "))
  bench.report.note("zero allocations in steady state: \(f.stats.max == 0 ? "yes" : "NO")")
  // The other worker loops, one 550k − 50k pair each: the lockstep batch and
  // its K-row passes, the value-based learners at K = 1 and K = 8, the
  // continuous A3C (split networks, Gaussian head), and the recurrent
  // networks.
  let loops: [(key: String, label: String, loop: WorkerLoop)] = [
    ("k8", "--envs-per-worker 8", WorkerLoop(envs: 8)),
    ("qn", "--algo qn", WorkerLoop(algo: .qn)),
    ("q1", "--algo q1", WorkerLoop(algo: .q1)),
    ("qn_k8", "--algo qn --envs-per-worker 8", WorkerLoop(envs: 8, algo: .qn)),
    ("q1_k8", "--algo q1 --envs-per-worker 8", WorkerLoop(envs: 8, algo: .q1)),
    ("sarsa1_k8", "--algo sarsa1 --envs-per-worker 8", WorkerLoop(envs: 8, algo: .sarsa1)),
    ("pendulum_k4", "Pendulum-v1 --envs-per-worker 4", WorkerLoop(envs: 4, env: "Pendulum-v1")),
    ("lstm", "--net lstm (CartPoleNoVel-v1)", WorkerLoop(network: .lstm, env: "CartPoleNoVel-v1")),
    ("lstm_pendulum", "--net lstm (PendulumNoVel-v1)", WorkerLoop(network: .lstm, env: "PendulumNoVel-v1")),
  ]
  var allZero = true
  for (key, label, loop) in loops {
    _ = countAllocations(bench, tMax: 20_000, loop)
    let short = countAllocations(bench, tMax: 50_000, loop), long = countAllocations(bench, tMax: 550_000, loop)
    let figure = bench.report.add("alloc.per_1000_steps_\(key)", "allocs per 1,000 steps, \(label)", unit: "allocs",
                                  samples: [(Double(long.allocations) - Double(short.allocations)) / 500], decimals: 2)
    allZero = allZero && figure.stats.max == 0
  }
  bench.report.note("zero allocations in steady state in every other loop: \(allZero ? "yes" : "NO")")
  benchAtariAllocations(bench)
}

/// An Atari row when `make atari` was run: an in-process worker on
/// ALE/Pong-v5 with the paper's network (the plugin's own mallocs count too),
/// 1,000 against 6,000 steps (the emulator is ~1,000× slower than CartPole).
private func benchAtariAllocations(_ bench: Bench) {
  guard let resolved = try? EnvCatalog.resolve(.ale("ALE/Pong-v5")) else {
    bench.report.note("Atari row skipped: the ALE plugin is not built (make atari)")
    return
  }
  let (short, long) = bench.options.quick ? (300, 1_300) : (1_000, 6_000)
  _ = atariWorker(bench, resolved, n: 5, tMax: 200)
  let a = atariWorker(bench, resolved, n: 5, tMax: UInt64(short)), b = atariWorker(bench, resolved, n: 5, tMax: UInt64(long))
  let figure = bench.report.add("alloc.per_1000_steps_atari", "allocs per 1,000 steps, ALE/Pong-v5 --net atari",
                                unit: "allocs",
                                samples: [(Double(b.allocations) - Double(a.allocations)) / Double(long - short) * 1000],
                                decimals: 2)
  bench.report.note("Atari loop, zero allocations in steady state: \(figure.stats.max == 0 ? "yes" : "NO")")
}

/// Which worker loop `countAllocations` runs: algorithm, network, K and env.
private struct WorkerLoop {
  var envs = 1
  var algo = AlgorithmKind.a3c
  var network = NetworkKind.mlp
  var env = "CartPole-v1"
}

private func swapped<T>(_ a: T, _ b: T) -> (T, T) { (b, a) }

/// The counter must see Swift's own allocations, or the figure means nothing.
private func checkCounterCounts(_ bench: Bench) {
  let before = mc_allocations()
  makeArray(1000)
  let after = mc_allocations()
  guard after > before else {
    bench.fail("the malloc counter did not count a Swift array allocation (is malloc interposed?)")
  }
}

@inline(never)
private func makeArray(_ n: Int) {
  blackHole([Int](repeating: n, count: n))
}

/// Allocations and seconds of one in-process worker run of `tMax` steps,
/// from creating its segment to the worker leaving its loop.
private func countAllocations(_ bench: Bench, tMax: UInt64,
                              _ loop: WorkerLoop = WorkerLoop()) -> (allocations: UInt64, seconds: Double) {
  bench.stopIfInterrupted()
  let before = mc_allocations()
  let start = seconds()
  do {
    var hyper = Hyperparameters()
    hyper.envsPerWorker = loop.envs
    hyper.network = loop.network
    // The LSTM with docs/RECURRENT.md's torso.
    if loop.network == .lstm { hyper.hidden = [64] }
    let spec = EnvRegistry.spec(loop.env)!
    let algorithm = AlgorithmFactory.make(loop.algo, hyperparameters: hyper, spec: spec)
    let name = "/hogwild-bench.alloc.\(CurrentProcess.id)"
    let segment = try SharedSegment.create(
      name: name,
      layout: try SegmentLayout(parameterCount: algorithm.parameterCount,
                                optimizerCount: algorithm.parameterCount,
                                targetCount: algorithm.targetParameterCount, workerCount: 1,
                                ringCapacity: 1 << 16))
    try SharedSegment.unlink(name: name)
    segment.header.tMax = tMax
    segment.header.layers = algorithm.layers
    segment.parameters.write(algorithm.initialParameters(seed: 1))
    try segment.initializeLock()
    segment.publish()
    segment.header.state = .running
    var link = WorkerLink(segment: segment, rank: 0, optimizer: hyper.optimizer, mode: hyper.updateMode,
                          rmsAlpha: Float(hyper.rmsAlpha), rmsEpsilon: Float(hyper.rmsEpsilon),
                          delay: .none, seed: 1)
    algorithm.runWorker(link: &link, environments: (0..<loop.envs).map { _ in EnvRegistry.make(loop.env)! }, seed: 1)
    link.finish()
  } catch {
    bench.fail("in-process worker: \(error)")
  }
  return (mc_allocations() - before, seconds() - start)
}
