// 4. End-to-end A3C throughput: `hogwild-rl run --t-max 2M` as a subprocess,
// steps_per_second from its summary.json (the whole run, start-up and
// shutdown included). Then --envs-per-worker 1 against 8 on CartPole and
// Breakout, and --net lstm against the MLP on CartPoleNoVel.
//
// Shared runs and the "independent workers" baseline (`--independent`: each
// worker trains a private θ, same code, no shared writes) alternate run by
// run, and each round reverses the order of the previous one (ABBA), so the
// machine's drift cancels in the paired ratios.

func benchEndToEnd(_ bench: Bench) {
  let tMax = bench.options.quick ? "500k" : "2M"
  let rounds = bench.repeats(4, quick: 1)
  bench.report.section("4. end-to-end A3C, CartPole-v1 (run --procs N --t-max \(tMax); steps_per_second of the whole run)")

  struct Config: Hashable {
    let procs: Int
    let independent: Bool
    var args: [String] { ["--procs", "\(procs)"] + (independent ? ["--independent"] : []) }
  }
  let order = [Config(procs: 2, independent: false), Config(procs: 2, independent: true),
               Config(procs: 16, independent: false), Config(procs: 16, independent: true),
               Config(procs: 1, independent: false)]
  var samples: [Config: [Double]] = [:]
  var efficiency: [Int: [Double]] = [2: [], 16: []]
  var sixteenOverTwo: [Double] = []
  for round in 0..<rounds {
    var thisRound: [Config: Double] = [:]
    for c in round % 2 == 0 ? order : order.reversed() {
      let summary = bench.runHogwild(c.args + ["--t-max", tMax, "--seed", "\(round + 1)"])
      guard let sps = jsonField(summary, "steps_per_second") else {
        bench.fail("no steps_per_second in summary.json of run \(c.args)")
      }
      thisRound[c] = sps
      samples[c, default: []].append(sps)
    }
    for n in [2, 16] {
      efficiency[n]!.append(thisRound[Config(procs: n, independent: false)]! / thisRound[Config(procs: n, independent: true)]!)
    }
    sixteenOverTwo.append(thisRound[Config(procs: 16, independent: false)]! / thisRound[Config(procs: 2, independent: false)]!)
  }
  for c in order.sorted(by: { ($0.procs, $0.independent ? 1 : 0) < ($1.procs, $1.independent ? 1 : 0) }) {
    let key = "e2e.\(c.independent ? "independent" : "shared").n\(c.procs)"
    let label = "env steps/s, --procs \(c.procs)" + (c.independent ? " --independent" : "")
    bench.report.add(key, label, unit: "steps/s", samples: samples[c]!)
  }
  for n in [2, 16] {
    bench.report.add("e2e.efficiency.n\(n)", "scaling efficiency N=\(n) (shared ÷ independent)",
                     unit: "ratio", samples: efficiency[n]!, decimals: 2)
  }
  bench.report.add("e2e.procs16_over_procs2", "--procs 16 ÷ --procs 2 (paired)", unit: "ratio",
                   samples: sixteenOverTwo, decimals: 2)
  benchEnvsPerWorker(bench)
  benchRecurrentEndToEnd(bench)
}

/// `--envs-per-worker K`: steps/s at `--procs 1`, 2 and 16 for K = 1 (the
/// default, the paper's algorithm) and K = 8, on CartPole-v1 (MLP) and
/// MinAtar/Breakout-v1 (conv net). Each round runs every configuration,
/// in reverse order every other round; ratios are K = 8 ÷ K = 1 of the
/// same round.
private func benchEnvsPerWorker(_ bench: Bench) {
  let rounds = bench.repeats(2, quick: 1)
  struct Config: Hashable {
    let env: String, tMax: String, procs: Int, k: Int
    var args: [String] { ["--env", env, "--procs", "\(procs)", "--t-max", tMax, "--envs-per-worker", "\(k)"] }
  }
  let envs = [("CartPole-v1", "cartpole", bench.options.quick ? "300k" : "1M"),
              ("MinAtar/Breakout-v1", "breakout", bench.options.quick ? "60k" : "300k")]
  var order: [Config] = []
  for (env, _, tMax) in envs { for procs in [1, 2, 16] { for k in [1, 8] { order.append(Config(env: env, tMax: tMax, procs: procs, k: k)) } } }
  var samples: [Config: [Double]] = [:]
  var ratios: [Config: [Double]] = [:]
  for round in 0..<rounds {
    var thisRound: [Config: Double] = [:]
    for c in round % 2 == 0 ? order : order.reversed() {
      let summary = bench.runHogwild(c.args + ["--seed", "\(round + 1)"])
      guard let sps = jsonField(summary, "steps_per_second") else {
        bench.fail("no steps_per_second in summary.json of run \(c.args)")
      }
      thisRound[c] = sps
      samples[c, default: []].append(sps)
    }
    for c in order where c.k == 8 {
      ratios[c, default: []].append(thisRound[c]! / thisRound[Config(env: c.env, tMax: c.tMax, procs: c.procs, k: 1)]!)
    }
  }
  for (env, key, tMax) in envs {
    bench.report.note("\(env), run --procs N --envs-per-worker K --t-max \(tMax):")
    for procs in [1, 2, 16] {
      for k in [1, 8] {
        let c = Config(env: env, tMax: tMax, procs: procs, k: k)
        bench.report.add("e2e.\(key).k\(k).n\(procs)", "\(key) --procs \(procs) K = \(k)\(k == 1 ? " (default)" : ""), steps/s",
                         unit: "steps/s", samples: samples[c]!)
      }
      let c8 = Config(env: env, tMax: tMax, procs: procs, k: 8)
      bench.report.add("e2e.\(key).k8_over_k1.n\(procs)", "\(key) --procs \(procs) K = 8 ÷ K = 1 (paired)",
                       unit: "ratio", samples: ratios[c8]!, decimals: 2)
    }
  }
}

/// What `--net lstm` costs a whole run: CartPoleNoVel-v1 at `--procs 2`
/// with the LSTM (docs/RECURRENT.md's settings: torso 2→64, 64 cells)
/// against the default MLP (2→64→64), alternated ABBA like the rows above.
private func benchRecurrentEndToEnd(_ bench: Bench) {
  let tMax = bench.options.quick ? "200k" : "1M"
  let rounds = bench.repeats(3, quick: 1)
  let common = ["--env", "CartPoleNoVel-v1", "--procs", "2", "--t-max", tMax]
  let lstm = common + ["--net", "lstm", "--hidden", "64"], mlp = common
  var lstmRates: [Double] = [], mlpRates: [Double] = [], ratios: [Double] = []
  for round in 0..<rounds {
    var pair: [Double] = [0, 0]
    for which in round % 2 == 0 ? [0, 1] : [1, 0] {
      let summary = bench.runHogwild((which == 0 ? lstm : mlp) + ["--seed", "\(round + 1)"])
      guard let sps = jsonField(summary, "steps_per_second") else {
        bench.fail("no steps_per_second in summary.json of a CartPoleNoVel-v1 run")
      }
      pair[which] = sps
    }
    lstmRates.append(pair[0])
    mlpRates.append(pair[1])
    ratios.append(pair[0] / pair[1])
  }
  bench.report.add("e2e.lstm.n2", "CartPoleNoVel --net lstm --procs 2, steps/s",
                   unit: "steps/s", samples: lstmRates)
  bench.report.add("e2e.lstm_mlp.n2", "CartPoleNoVel --net mlp --procs 2, steps/s",
                   unit: "steps/s", samples: mlpRates)
  bench.report.add("e2e.lstm_over_mlp.n2", "--net lstm ÷ --net mlp (paired)", unit: "ratio",
                   samples: ratios, decimals: 3)
  bench.report.note("CartPoleNoVel-v1 rows: run --env CartPoleNoVel-v1 --procs 2 --t-max \(tMax), "
                    + "--net lstm --hidden 64 (64 cells) against the default --net mlp, alternated")
}
