// 4. End-to-end A3C throughput: `hogwild-rl run --t-max 2M` as a subprocess,
// steps_per_second from its summary.json (the whole run, start-up and
// shutdown included).
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
}
