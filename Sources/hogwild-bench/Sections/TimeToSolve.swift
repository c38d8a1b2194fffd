// 5. Time to solve CartPole-v1: the default run (stops once the mean of the
// last 100 episodes reaches 475) for seeds 1–5 at --procs 2 and 16.

func benchTimeToSolve(_ bench: Bench) {
  let seeds = bench.repeats(5, quick: 2)
  bench.report.section("5. time to solve CartPole-v1 (default run, seeds 1–\(seeds))")
  var secondsByN: [Int: [Double]] = [2: [], 16: []]
  var stepsByN: [Int: [Double]] = [2: [], 16: []]
  var unsolved: [String] = []
  for seed in 1...seeds {
    for n in seed % 2 == 1 ? [2, 16] : [16, 2] {
      let summary = bench.runHogwild(["--procs", "\(n)", "--seed", "\(seed)"])
      if let s = jsonField(summary, "solved_at_seconds"), let t = jsonField(summary, "solved_at_step") {
        secondsByN[n]!.append(s)
        stepsByN[n]!.append(t)
      } else {
        unsolved.append("--procs \(n) --seed \(seed)")
      }
    }
  }
  for n in [2, 16] {
    bench.report.add("solve.seconds.n\(n)", "seconds to solve, --procs \(n)", unit: "s",
                     samples: secondsByN[n]!, decimals: 2)
    bench.report.add("solve.steps.n\(n)", "steps to solve, --procs \(n)", unit: "steps",
                     samples: stepsByN[n]!, decimals: 0)
  }
  if !unsolved.isEmpty {
    bench.report.note("not solved within the default budget: " + unsolved.joined(separator: ", "))
  }
}
