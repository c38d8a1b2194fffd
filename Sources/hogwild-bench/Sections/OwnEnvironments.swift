// 9. Own environments: the C plugin path against the built-in environment
// it ports, and the Python bridge against Gymnasium's own step.
//
// Plugin: examples/plugins/cartpole.c (built here with the README's
// command) stepped in this process against the built-in CartPole-v1, then
// `run --procs 2` with each, interleaved ABBA, as paired ratios.
//
// Bridge (only with a Python that has gymnasium: --python PATH or
// $HOGWILD_PYTHON; `make interop` makes one): Gymnasium's CartPole-v1 stepped
// by a plain Python loop (its own cost), the same environment stepped
// through the bridge from this process (the difference is the bridge's cost
// per step), and `run --env gym:CartPole-v1` at --procs 1 and 2.

import EnvSources
import BuiltInEnvs
import HogwildSys

func benchOwnEnvironments(_ bench: Bench) {
  bench.report.section("9. own environments: C plugin and Python bridge (CartPole-v1)")
  benchPlugin(bench)
  benchBridge(bench)
}

private func benchPlugin(_ bench: Bench) {
  let source = "examples/plugins/cartpole.c"
  guard FileSystem.isReadable(source) else {
    bench.report.note("plugin: skipped (\(source) not found; run from the repository's root)")
    return
  }
  let library = bench.temporaryDirectory + "/libcartpole.so"
  let compile = ["cc", "-std=c11", "-O2", "-ffp-contract=off", "-shared", "-fPIC", "-I", "include", source, "-o", library, "-lm"]
  guard let failure = runCaptured(compile, timeoutSeconds: 120) else {
    measurePlugin(bench, library: library)
    return
  }
  bench.report.note("plugin: skipped (cannot build \(source): \(failure))")
}

private func measurePlugin(_ bench: Bench, library: String) {
  let resolved: ResolvedEnv
  do { resolved = try EnvCatalog.resolve(.plugin(path: library, name: nil)) } catch {
    bench.fail("plugin \(library): \(error.message)")
  }
  let repeats = bench.repeats(7, quick: 3)
  let duration = bench.options.quick ? 0.1 : 0.25
  var builtin: [Double] = [], plugin: [Double] = [], ratio: [Double] = []
  for r in 0..<repeats {
    bench.stopIfInterrupted()
    let b = randomStepRate(EnvRegistry.make("CartPole-v1")!, seed: UInt64(r), duration: duration)
    let p: Double
    do { p = randomStepRate(try resolved.make(seed: UInt64(r)), seed: UInt64(r), duration: duration) } catch {
      bench.fail("plugin \(library): \(error.message)")
    }
    builtin.append(b)
    plugin.append(p)
    ratio.append(p / b)
  }
  bench.report.add("own.env_steps.builtin", "env steps/s, built-in CartPole-v1", unit: "steps/s", samples: builtin)
  bench.report.add("own.env_steps.plugin", "env steps/s, plugin:libcartpole.so", unit: "steps/s", samples: plugin)
  bench.report.add("own.env_steps.plugin_over_builtin", "plugin ÷ built-in (paired)", unit: "ratio", samples: ratio, decimals: 2)

  let tMax = bench.options.quick ? "500k" : "2M"
  let rounds = bench.repeats(4, quick: 1)
  var e2eBuiltin: [Double] = [], e2ePlugin: [Double] = [], e2eRatio: [Double] = []
  for round in 0..<rounds {
    var pair: [String: Double] = [:]
    for env in round % 2 == 0 ? ["CartPole-v1", "plugin:" + library] : ["plugin:" + library, "CartPole-v1"] {
      let summary = bench.runHogwild(["--env", env, "--procs", "2", "--t-max", tMax, "--target-return", "none",
                                      "--seed", "\(round + 1)"])
      guard let sps = jsonField(summary, "steps_per_second") else { bench.fail("no steps_per_second for --env \(env)") }
      pair[env] = sps
    }
    e2eBuiltin.append(pair["CartPole-v1"]!)
    e2ePlugin.append(pair["plugin:" + library]!)
    e2eRatio.append(pair["plugin:" + library]! / pair["CartPole-v1"]!)
  }
  bench.report.add("own.e2e.builtin.n2", "run --procs 2, built-in CartPole-v1", unit: "steps/s", samples: e2eBuiltin)
  bench.report.add("own.e2e.plugin.n2", "run --procs 2, plugin CartPole", unit: "steps/s", samples: e2ePlugin)
  bench.report.add("own.e2e.plugin_over_builtin.n2", "plugin ÷ built-in, --procs 2 (paired)", unit: "ratio",
                   samples: e2eRatio, decimals: 2)
}

private func benchBridge(_ bench: Bench) {
  guard let python = bench.options.python ?? CurrentProcess.environment("HOGWILD_PYTHON") else {
    bench.report.note("bridge: skipped (no --python PATH or $HOGWILD_PYTHON with gymnasium; `make interop` measures it)")
    return
  }
  let source = EnvSource.gym("CartPole-v1")
  let resolved: ResolvedEnv
  do { resolved = try EnvCatalog.resolve(source, python: python) } catch {
    bench.report.note("bridge: skipped (\(error.message))")
    return
  }
  let repeats = bench.repeats(5, quick: 2)
  let duration = bench.options.quick ? 0.3 : 1.0
  var raw: [Double] = [], bridged: [Double] = [], overhead: [Double] = []
  for r in 0..<repeats {
    bench.stopIfInterrupted()
    guard let own = gymnasiumStepRate(python: python, seconds: duration, seed: r) else {
      bench.report.note("bridge: skipped (the plain gymnasium loop did not run with \(python))")
      return
    }
    let through: Double
    do { through = randomStepRate(try resolved.make(concurrent: 1), seed: UInt64(r), duration: duration) } catch {
      bench.fail("bridge: \(error.message)")
    }
    raw.append(own)
    bridged.append(through)
    overhead.append(1e6 / through - 1e6 / own)
  }
  bench.report.add("own.bridge.gymnasium_loop", "gymnasium CartPole-v1, plain Python loop", unit: "steps/s", samples: raw)
  bench.report.add("own.bridge.through_bridge", "the same through the bridge", unit: "steps/s", samples: bridged)
  bench.report.add("own.bridge.overhead_us", "bridge cost per step (paired)", unit: "µs/step", samples: overhead, decimals: 2)

  let tMax = bench.options.quick ? "100k" : "300k"
  for procs in [1, 2] {
    var sps: [Double] = []
    for round in 0..<bench.repeats(3, quick: 1) {
      let summary = bench.runHogwild(["--env", "gym:CartPole-v1", "--python", python, "--procs", "\(procs)",
                                      "--t-max", tMax, "--target-return", "none", "--seed", "\(round + 1)"])
      guard let s = jsonField(summary, "steps_per_second") else { bench.fail("no steps_per_second for gym:CartPole-v1") }
      sps.append(s)
    }
    bench.report.add("own.e2e.gym.n\(procs)", "run --env gym:CartPole-v1 --procs \(procs)", unit: "steps/s", samples: sps)
  }
}

/// Gymnasium's CartPole-v1 stepped by `python` itself with random actions,
/// reset on done, for `seconds`: steps per second (nil if it did not run).
/// Made as the bridge's workers make it (without the environment checker's
/// wrapper), so the difference is the bridge's own cost.
private func gymnasiumStepRate(python: String, seconds: Double, seed: Int) -> Double? {
  let script = """
    import gymnasium, random, time
    env = gymnasium.make("CartPole-v1", disable_env_checker=True); env.reset(seed=\(seed)); rng = random.Random(\(seed))
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < \(seconds):
        for _ in range(1000):
            _, _, terminated, truncated, _ = env.step(rng.randrange(2))
            if terminated or truncated: env.reset()
        n += 1000
    print(n / (time.perf_counter() - start))
    """
  guard let run = try? CapturedRun.run([python, "-c", script], timeoutNanoseconds: UInt64((seconds + 30) * 1e9),
                                        outputCapacity: 256, errorCapacity: 4096),
        run.status.isSuccess else { return nil }
  return Double(run.output.split(separator: "\n").first.map(String.init) ?? "")
}

/// Runs `argv` to the end; nil if it exited 0, else what went wrong.
private func runCaptured(_ argv: [String], timeoutSeconds: Double) -> String? {
  let run: CapturedRun
  do {
    run = try CapturedRun.run(argv, timeoutNanoseconds: UInt64(timeoutSeconds * 1e9), outputCapacity: 4096,
                              errorCapacity: 4096)
  } catch {
    return "\(argv[0]): \(error)"
  }
  if run.status.isSuccess { return nil }
  let first = run.errorOutput.split(separator: "\n").first.map(String.init) ?? ""
  return "\(argv[0]) exited with status \(run.status.shellStatus): " + first
}
