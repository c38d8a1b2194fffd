// 6. Memory unique to one worker: USS (Private_Clean + Private_Dirty) and
// PSS from /proc/<pid>/smaps_rollup of each worker of a running
// `run --procs 2`, found through the segment's worker slots.

import Glibc
import HogwildSegment
import HogwildSys

func benchWorkerMemory(_ bench: Bench) {
  let repeats = bench.repeats(3, quick: 1)
  bench.report.section("6. memory of one worker (run --procs 2, sampled after 1.5 s; max over workers)")
  var uss: [Double] = [], pss: [Double] = []
  for _ in 0..<repeats {
    let m = sampleWorkerMemory(bench)
    uss.append(m.uss)
    pss.append(m.pss)
  }
  let f = bench.report.add("memory.uss", "USS of a worker (Private_Clean+Private_Dirty)", unit: "MiB",
                           samples: uss, decimals: 2)
  bench.report.add("memory.pss", "PSS of a worker", unit: "MiB", samples: pss, decimals: 2)
  bench.report.note("target USS ≤ 4 MiB: \(f.stats.median <= 4 ? "met" : "NOT met")")
}

private func sampleWorkerMemory(_ bench: Bench) -> (uss: Double, pss: Double) {
  let name = "/hogwild-bench.\(CurrentProcess.id)"
  let out = bench.newOutputDirectory("memory")
  bench.watchSegment(name)  // unlinked by cleanUp if we are interrupted
  let pid = bench.spawnHogwild(["run", "--procs", "2", "--t-max", "500M", "--quiet",
                                "--segment", name, "--out", out])
  bench.sleep(1.5)
  var uss = 0.0, pss = 0.0
  var failure: String?
  do {
    let segment = try SharedSegment.attach(name: name)
    for rank in 0..<segment.header.procs {
      let worker = segment.slot(rank).pid
      guard let rollup = readFile("/proc/\(worker)/smaps_rollup") else {
        failure = "cannot read /proc/\(worker)/smaps_rollup"
        break
      }
      let privateKiB = kibField(rollup, "Private_Clean") + kibField(rollup, "Private_Dirty")
      uss = max(uss, privateKiB / 1024)
      pss = max(pss, kibField(rollup, "Pss") / 1024)
    }
  } catch {
    failure = "cannot attach to \(name): \(error)"
  }
  pid.send(SIGINT)
  let status = bench.wait(pid)
  bench.forgetSegment(name)
  FileSystem.removeTree(out)
  if let failure { bench.fail(failure) }
  if status != 130 { bench.fail("`hogwild-rl run --segment \(name)` ended with status \(status), expected 130 after SIGINT") }
  return (uss, pss)
}

/// "Key:   1234 kB" → 1234.
private func kibField(_ text: String, _ key: String) -> Double {
  for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
    let value = line.dropFirst(key.count + 1).split(separator: " ").first
    return value.flatMap { Double($0) } ?? 0
  }
  return 0
}
