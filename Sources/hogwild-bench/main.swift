// hogwild-bench — `make bench`: how fast hogwild-rl is on this machine.
//
// Ten sections, one file each under Sections/: env steps, the network,
// the apply kernels, end-to-end A3C, time to solve, worker memory,
// allocations in the worker's loop, a roofline line, own environments
// (C plugin, Python bridge), and Atari (when `make atari` was run). Every figure is
// repeated and shown as median with min–max; comparisons are interleaved
// and reported as ratios of paired runs, since this shared machine's speed
// drifts by up to 2× over minutes. All figures go to bench.json.

import Glibc
import HogwildSys

let options: Options
switch Options.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(let o): options = o
case .failure(let e):
  if let message = e.message {
    printError("hogwild-bench: \(message)\n" + Options.usage)
    exit(64)
  }
  print(Options.usage, terminator: "")
  exit(0)
}

let binaryPath = CurrentProcess.environment("HOGWILD_BIN") ?? siblingExecutable("hogwild-rl") ?? "hogwild-rl"
guard FileSystem.isExecutableFile(binaryPath) else {
  printError("hogwild-bench: the hogwild-rl binary is missing: \(binaryPath) is not an executable file.\n"
    + "Build it first (`swift build -c release` or `make bench`), or point HOGWILD_BIN at it.")
  exit(1)
}
guard let temporaryDirectory = FileSystem.makeTemporaryDirectory(prefix: "hogwild-bench") else {
  printError("hogwild-bench: cannot create a temporary directory in /tmp")
  exit(1)
}

// From here on SIGINT/SIGTERM/SIGHUP are only recorded; the bench notices
// them between runs and while waiting, then stops its children and exits.
StopSignals.install()
let bench = Bench(options: options, binary: binaryPath, temporaryDirectory: temporaryDirectory)
let machine = Machine.current()
let started = seconds()

print(machine.line)
print("hogwild-rl: \(binaryPath)\(options.quick ? "   (--quick: fewer repeats, shorter runs — a smoke run)" : "")")
print("figures: median of repeats, with min–max; A/B comparisons interleaved and reported as ratios of paired runs\n")
bench.report.printHeader()

let sections: [(Int, (Bench) -> Void)] = [
  (1, benchEnvSteps), (2, benchNetwork), (3, benchApplyKernels), (4, benchEndToEnd),
  (5, benchTimeToSolve), (6, benchWorkerMemory), (7, benchAllocations), (8, benchRoofline),
  (9, benchOwnEnvironments), (10, benchAtari),
]
for (number, run) in sections where options.sections.contains(number) {
  run(bench)
}

let total = seconds() - started
bench.stopIfInterrupted()
bench.cleanUp()
if writeFile(options.jsonPath, bench.report.json(machine: machine, quick: options.quick, totalSeconds: total)) {
  print("\ntotal \(formatNumber(total, decimals: 1)) s; figures written to \(options.jsonPath)")
} else {
  printError("hogwild-bench: cannot write \(options.jsonPath)")
  exit(1)
}
