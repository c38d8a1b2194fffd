// 10. Atari (ALE/Pong-v5 through the plugin `make atari` builds; skipped
// with a note when it is not built): where a worker's time goes, in CPU time
// per agent step (this process's clock, so that other load on the machine
// slows the figures less than it would wall-clock ones): the emulator and
// preprocessing (the plugin's byte step), the paper's network forward and
// backward (+ clip) as a rollout of n rows runs them, and an in-process A3C
// worker end to end at n = 5 and n = 20 (the rest — zeroing dθ, the apply
// of 678k parameters and its RMSProp statistics — is the difference); its
// heap allocations per 1,000 steady-state steps; and `run --procs 2`'s
// steps_per_second (wall clock, the whole run).

import Algorithms
import CMallocCounter
import EnvSources
import BuiltInEnvs
import Glibc
import HogwildLink
import HogwildSegment
import HogwildSys
import TinyNN

/// This process's CPU time in seconds.
private func cpuSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func benchAtari(_ bench: Bench) {
  bench.report.section("10. Atari, ALE/Pong-v5 (CPU time per agent step, in this process; --procs 2 end to end)")
  let resolved: ResolvedEnv
  do { resolved = try EnvCatalog.resolve(.ale("ALE/Pong-v5")) } catch {
    bench.report.note("skipped: \(error.message)")
    return
  }
  let spec = resolved.spec
  let repeats = bench.repeats(3, quick: 1)
  let steps = bench.options.quick ? 500 : 2_000
  let net = AtariNet(outputs: spec.discreteActionCount + 1, name: "actor_critic")

  // The emulator and its preprocessing, with random actions (resets included).
  var env: any Environment
  do { env = try resolved.make(seed: 1) } catch { bench.fail("ALE/Pong-v5: \(error.message)") }
  var bytes = [UInt8](repeating: 0, count: spec.observationSize)
  var recorded: [UInt8] = []
  var rng = Xoshiro256(seed: 3)
  env.reset(rng: &rng, bytes: &bytes)
  var envMicros: [Double] = []
  var stepAllocations: UInt64 = 0, resetAllocations: UInt64 = 0, resets = 0
  for r in 0..<repeats {
    let start = cpuSeconds()
    for t in 0..<steps {
      let a = mc_allocations()
      let outcome = env.step(action: Int(rng.next() % UInt64(spec.discreteActionCount)), bytes: &bytes)
      let b = mc_allocations()
      if r == 0 && t < 20 { recorded += bytes }
      if outcome.done {
        env.reset(rng: &rng, bytes: &bytes)
        resetAllocations += mc_allocations() - b
        resets += 1
      }
      if r > 0 || t >= 20 { stepAllocations += b - a }
    }
    envMicros.append((cpuSeconds() - start) / Double(steps) * 1e6)
  }
  bench.report.add("atari.env_us", "plugin step (4 frames, pool, resize, stack), µs/step", unit: "µs", samples: envMicros,
                   decimals: 0)
  bench.report.note("heap allocations in the plugin: \(stepAllocations) in \(repeats * steps - 20) steps, "
                    + "\(resetAllocations) in \(resets) resets (the ALE's reset_game)")

  // The network as a rollout runs it: n one-row byte forwards, then the backward and the clip.
  var params = [Float](repeating: 0, count: net.parameterCount)
  var draws = Xoshiro256(seed: 7)
  net.initialize(&params, rng: &draws, outputGain: 0.01)
  var gradient = [Float](repeating: 0, count: net.parameterCount)
  var forwardMicros: [Double] = [], backwardMicros: [Int: [Double]] = [5: [], 20: []]
  var sink: Float = 0
  for n in [5, 20] {
    var work: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: n + 1)
    for i in work.outputGradient.indices { work.outputGradient[i] = Float(rng.uniform(-1, 1)) }
    for _ in 0..<repeats {
      let rollouts = max(1, steps / (4 * n))
      var forward = 0.0, backward = 0.0
      for _ in 0..<rollouts {
        let a = cpuSeconds()
        for row in 0..<n {
          net.forward(params: params, bytes: recorded, inputOffset: (row % 20) * spec.observationSize, row: row,
                      workspace: &work)
        }
        let b = cpuSeconds()
        for j in gradient.indices { gradient[j] = 0 }
        net.backward(params: params, batch: n, workspace: &work, gradients: &gradient)
        sink += clipGradientNorm(&gradient, maxNorm: 40)
        let c = cpuSeconds()
        forward += b - a
        backward += c - b
      }
      if n == 5 { forwardMicros.append(forward / Double(rollouts * n) * 1e6) }
      backwardMicros[n]!.append(backward / Double(rollouts * n) * 1e6)
    }
  }
  blackHole(sink)
  bench.report.add("atari.forward_us", "AtariNet forward of one byte row, µs/step", unit: "µs", samples: forwardMicros,
                   decimals: 0)
  for n in [5, 20] {
    bench.report.add("atari.backward_us_n\(n)", "backward over \(n) rows + zeroing dθ + clip, µs/step", unit: "µs",
                     samples: backwardMicros[n]!, decimals: 0)
  }

  // One update of the 678k parameters: zeroing dθ, clipping it, and the
  // shared-RMSProp apply (θ, g and θ′ in one pass), exact and fast square roots.
  for sqrt in [RMSPropSqrt.exact, .fast] {
    var micros: [Double] = []
    for _ in 0..<repeats { micros.append(atariApply(bench, count: net.parameterCount, sqrt: sqrt)) }
    bench.report.add("atari.update_us_\(sqrt.rawValue)", "one update: zero dθ, clip, apply (--rmsprop-sqrt \(sqrt.rawValue)), µs",
                     unit: "µs", samples: micros, decimals: 0)
  }

  // An in-process A3C worker end to end (plugin, network, apply into a
  // private segment): CPU µs per step at n = 5 and n = 20, and its heap
  // allocations per 1,000 steps between a short and a long run.
  let short = bench.options.quick ? 300 : 1_000, long = bench.options.quick ? 1_300 : 6_000
  for n in [5, 20] {
    var micros: [Double] = []
    var allocations: [Double] = []
    for _ in 0..<repeats {
      let a = atariWorker(bench, resolved, n: n, tMax: UInt64(short))
      let b = atariWorker(bench, resolved, n: n, tMax: UInt64(long))
      micros.append((b.cpu - a.cpu) / Double(long - short) * 1e6)
      allocations.append((Double(b.allocations) - Double(a.allocations)) / Double(long - short) * 1000)
    }
    bench.report.add("atari.worker_us_n\(n)", "in-process A3C worker, n = \(n), µs/step", unit: "µs", samples: micros,
                     decimals: 0)
    bench.report.add("alloc.per_1000_steps_atari_n\(n)", "allocs per 1,000 steps, ALE/Pong-v5 --net atari, n = \(n)",
                     unit: "allocs", samples: allocations, decimals: 2)
  }

  // The whole run, as a user starts it.
  let tMax = bench.options.quick ? "3000" : "20000"
  var sps: [Double] = []
  for round in 0..<repeats {
    let summary = bench.runHogwild(["--env", "ALE/Pong-v5", "--procs", "2", "--t-max", tMax, "--target-return", "none",
                                    "--seed", "\(round + 1)"])
    guard let v = jsonField(summary, "steps_per_second") else { bench.fail("no steps_per_second for ALE/Pong-v5") }
    sps.append(v)
  }
  bench.report.add("atari.e2e.n2", "run --env ALE/Pong-v5 --procs 2 --t-max \(tMax), agent steps/s", unit: "steps/s",
                   samples: sps)

  // The same network in PyTorch, one thread, measured now beside ours.
  func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
  let ours = [5, 20].map { n in (n, 1e6 / (median(forwardMicros) + median(backwardMicros[n]!))) }
  torchAtariComparison(bench, ours: ours)
}

/// scripts/torch_atari_rate.py with --python (or $HOGWILD_PYTHON) when that
/// Python has torch: its network-alone steps/s at n = 5 and 20 beside ours
/// (forward + backward + clip, from the figures above).
private func torchAtariComparison(_ bench: Bench, ours: [(n: Int, stepsPerSecond: Double)]) {
  let script = "scripts/torch_atari_rate.py"
  guard let python = bench.options.python ?? CurrentProcess.environment("HOGWILD_PYTHON") else {
    bench.report.note("PyTorch: skipped (no --python PATH or $HOGWILD_PYTHON with torch)")
    return
  }
  guard FileSystem.exists(script) else {
    bench.report.note("PyTorch: skipped (\(script) not found: run make bench from the project's folder)")
    return
  }
  let steps = bench.options.quick ? 200 : 1_000
  guard let run = try? CapturedRun.run([python, script, "\(steps)"], timeoutNanoseconds: 600_000_000_000,
                                        outputCapacity: 4096, errorCapacity: 4096),
        run.status.isSuccess
  else {
    bench.report.note("PyTorch: skipped (\(python) \(script) did not run; does that Python have torch?)")
    return
  }
  for line in run.output.split(separator: "\n") {
    let text = String(line)
    guard let n = jsonField(text, "n").map(Int.init), let rate = jsonField(text, "steps_per_second"),
          let mine = ours.first(where: { $0.n == n })?.stepsPerSecond
    else { continue }
    bench.report.add("atari.torch_sps_n\(n)", "PyTorch, same network, one thread, n = \(n), steps/s (network alone)",
                     unit: "steps/s", samples: [rate])
    bench.report.add("atari.speedup_vs_torch_n\(n)", "hogwild-rl's network ÷ PyTorch's, n = \(n)", unit: "×",
                     samples: [mine / rate], decimals: 1)
  }
}

/// CPU seconds and heap allocations of one in-process A3C worker on
/// `resolved` with rollouts of `n`, from creating its segment to leaving
/// its loop after `tMax` steps.
func atariWorker(_ bench: Bench, _ resolved: ResolvedEnv, n: Int, tMax: UInt64)
  -> (cpu: Double, allocations: UInt64)
{
  bench.stopIfInterrupted()
  var hyper = Hyperparameters()
  hyper.network = .atari
  hyper.nSteps = n
  hyper.entropyCoefficient = Hyperparameters.atari.entropyCoefficient
  hyper.maxGradientNorm = Hyperparameters.atari.maxGradientNorm
  hyper.learningRate = Hyperparameters.atari.learningRate
  let env: any Environment
  do { env = try resolved.make(seed: 1) } catch { bench.fail("ALE/Pong-v5: \(error.message)") }
  let before = mc_allocations()
  let start = cpuSeconds()
  do {
    let algorithm = AlgorithmFactory.make(.a3c, hyperparameters: hyper, spec: resolved.spec)
    let name = "/hogwild-bench.atari.\(CurrentProcess.id)"
    let segment = try SharedSegment.create(
      name: name,
      layout: try SegmentLayout(parameterCount: algorithm.parameterCount, optimizerCount: algorithm.parameterCount,
                                targetCount: 0, workerCount: 1, ringCapacity: 1 << 12))
    try SharedSegment.unlink(name: name)
    segment.header.tMax = tMax
    segment.header.layers = algorithm.layers
    segment.parameters.write(algorithm.initialParameters(seed: 1))
    try segment.initializeLock()
    segment.publish()
    segment.header.state = .running
    var link = WorkerLink(segment: segment, rank: 0, optimizer: hyper.optimizer, mode: hyper.updateMode,
                          rmsAlpha: Float(hyper.rmsAlpha), rmsEpsilon: Float(hyper.rmsEpsilon), delay: .none, seed: 1)
    algorithm.runWorker(link: &link, environments: [env], seed: 1)
    link.finish()
  } catch {
    bench.fail("in-process Atari worker: \(error)")
  }
  return (cpuSeconds() - start, mc_allocations() - before)
}

/// CPU µs of one update of `count` parameters as a worker makes it: dθ
/// zeroed, clipped (global norm 40), applied through the link with θ′
/// refreshed in passing; the mean over enough updates to take ~0.2 s.
private func atariApply(_ bench: Bench, count: Int, sqrt: RMSPropSqrt) -> Double {
  bench.stopIfInterrupted()
  do {
    let name = "/hogwild-bench.apply.\(CurrentProcess.id)"
    let segment = try SharedSegment.create(
      name: name, layout: try SegmentLayout(parameterCount: count, optimizerCount: count, targetCount: 0, workerCount: 1))
    try SharedSegment.unlink(name: name)
    segment.header.tMax = .max
    try segment.initializeLock()
    segment.publish()
    segment.header.state = .running
    var link = WorkerLink(segment: segment, rank: 0, optimizer: .sharedRMSProp, mode: .hogwild, rmsAlpha: 0.99,
                          rmsEpsilon: 0.1, rmsSqrt: sqrt, delay: .none, seed: 1)
    var rng = Xoshiro256(seed: 5)
    let gradient = (0..<count).map { _ in Float(rng.uniform(-1e-3, 1e-3)) }
    var dTheta = gradient
    var local = [Float](repeating: 0, count: count)
    var updates = 0
    let start = cpuSeconds()
    repeat {
      // (the backward would write dθ here; the apply's cost does not depend on its values)
      for j in dTheta.indices { dTheta[j] = 0 }
      _ = clipGradientNorm(&dTheta, maxNorm: 40)
      _ = link.pushGradient(dTheta, learningRate: 1e-4, refreshing: &local)
      updates += 1
    } while cpuSeconds() - start < 0.2
    let micros = (cpuSeconds() - start) / Double(updates) * 1e6
    link.finish()
    blackHole(local)
    return micros
  } catch {
    bench.fail("apply segment: \(error)")
  }
}
