// swift-tools-version:6.0
// hogwild-rl: a shared-memory Hogwild! runtime for asynchronous RL.
// No package dependencies: the Swift toolchain, Glibc and the C targets only.
import PackageDescription

// Builds target the host CPU (AVX2/AVX-512 where present): the network and
// apply kernels are SIMD code and run about 1.6x faster than on baseline
// x86-64. HOGWILD_PORTABLE=1 (make PORTABLE=1) builds for any x86-64.
// (Set here rather than with -Xswiftc/-Xcc: SwiftPM 6.3 fails incremental
// builds made with those.)
let portable = Context.environment["HOGWILD_PORTABLE"].map { !$0.isEmpty && $0 != "0" } ?? false
let hostCPU: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "native"])]
let cOptimize: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"] + (portable ? [] : ["-march=native"]))]

let package = Package(
  name: "hogwild-rl",
  products: [
    .executable(name: "hogwild-rl", targets: ["hogwild-rl"]),
    .executable(name: "hogwild-bench", targets: ["hogwild-bench"]),
  ],
  targets: [
    // The C side, split by concern. include/ holds the headers others build
    // against: hogwild.h (the one definition of the segment layout),
    // hogwild_env.h (the plugin ABI) and hogwild_bridge.h (the bridge block).
    // The segment: shared memory, lock, futex, apply kernels (HogwildSegment only).
    .target(name: "CHogwild", cSettings: cOptimize + [.define("_GNU_SOURCE")]),
    // The operating system: fork, wait, reaper, signals, clocks, captured
    // helper runs (HogwildSys only).
    .target(name: "CHogwildSys", cSettings: cOptimize + [.define("_GNU_SOURCE")]),
    // Hosting environments written elsewhere: the C plugin loader, the Python
    // bridge and the embedded adaptor.py (EnvSources only). C23 for #embed.
    .target(
      name: "CEnvHost", dependencies: ["CHogwildSys"], exclude: ["adaptor.py"],
      cSettings: cOptimize + [.define("_GNU_SOURCE"), .unsafeFlags(["-std=gnu23"])],
      linkerSettings: [.linkedLibrary("dl")]
    ),
    // The tuned settings table, docs/tuned.json, embedded (HogwildCLI only).
    // C23 for #embed.
    .target(name: "CTunedSettings", cSettings: [.unsafeFlags(["-std=gnu23"])]),
    // The operating system as the Swift modules use it, swift-system style:
    // Errno, retryOnInterrupt, ForkedChild, StopSignals, clocks, files.
    .target(name: "HogwildSys", dependencies: ["CHogwildSys"], swiftSettings: hostCPU),
    // The only Swift module that touches raw pointers: the shared segment,
    // its typed views, and the apply kernels' Swift entry points.
    .target(name: "HogwildSegment", dependencies: ["CHogwild", "HogwildSys"], swiftSettings: hostCPU),
    // Dense networks with manual backprop, policy/value losses, optimizers.
    .target(name: "TinyNN", swiftSettings: hostCPU),
    // Gymnasium-compatible environments and the seeded RNG.
    .target(name: "BuiltInEnvs", swiftSettings: hostCPU),
    // Where an environment comes from (`--env`): the built-in ids, C plugins
    // (include/hogwild_env.h) and Python environments over the bridge
    // (include/hogwild_bridge.h).
    .target(name: "EnvSources", dependencies: ["BuiltInEnvs", "CEnvHost", "HogwildSys"], swiftSettings: hostCPU),
    // A worker's connection to the segment: θ reads and gradient pushes,
    // step counts, episodes, θ⁻, the delay, A2C's rounds, heartbeat.
    .target(name: "HogwildLink", dependencies: ["BuiltInEnvs", "HogwildSegment", "HogwildSys"], swiftSettings: hostCPU),
    // One readable file per algorithm: its loop and its learner.
    .target(name: "Algorithms", dependencies: ["TinyNN", "BuiltInEnvs", "HogwildSegment", "HogwildLink"], swiftSettings: hostCPU),
    // File formats, pure Swift and no dependencies: JSON, checkpoint.bin,
    // the policy export (safetensors, npz), TensorBoard events.
    .target(name: "Formats", swiftSettings: hostCPU),
    // Supervisor, worker processes, delay, metrics, checkpoints.
    .target(name: "Runtime", dependencies: ["Algorithms", "HogwildLink", "BuiltInEnvs", "EnvSources", "TinyNN", "HogwildSegment", "HogwildSys", "Formats"],
            swiftSettings: hostCPU),
    // Runs of runs: `sweep`'s grid, child runs, run directories read back,
    // results, report and figures, learning curves.
    .target(name: "Experiments", dependencies: ["Runtime", "Algorithms", "Formats", "HogwildSys", "Plot"], swiftSettings: hostCPU),
    // Command-line parsing and subcommands (a library so tests can drive it).
    .target(name: "HogwildCLI",
            dependencies: ["Runtime", "Experiments", "Algorithms", "HogwildLink", "BuiltInEnvs", "EnvSources", "HogwildSegment", "HogwildSys", "Formats", "Plot", "CTunedSettings"],
            swiftSettings: hostCPU),
    // A small SVG writer for `plot` and `sweep`'s figures: axes, ticks,
    // line plots with bands, grouped bars. No dependencies.
    .target(name: "Plot"),
    .executableTarget(name: "hogwild-rl", dependencies: ["HogwildCLI"], swiftSettings: hostCPU),
    // `make bench`: micro and end-to-end benchmarks (drives hogwild-rl as a
    // subprocess for the end-to-end figures).
    .executableTarget(
      name: "hogwild-bench",
      dependencies: ["Algorithms", "HogwildLink", "TinyNN", "BuiltInEnvs", "EnvSources", "HogwildSegment", "HogwildSys", "CMallocCounter"],
      swiftSettings: hostCPU),
    // Counts malloc/calloc/realloc/memalign calls; linked only into
    // hogwild-bench, whose definitions interpose glibc's for the process.
    .target(name: "CMallocCounter", cSettings: cOptimize),

    .testTarget(name: "HogwildSegmentTests", dependencies: ["HogwildSegment", "CHogwild"]),
    .testTarget(name: "TinyNNTests", dependencies: ["TinyNN"]),
    .testTarget(name: "BuiltInEnvsTests", dependencies: ["BuiltInEnvs"], exclude: ["Fixtures"]),
    .testTarget(name: "HogwildLinkTests", dependencies: ["HogwildLink", "HogwildSegment", "BuiltInEnvs"]),
    .testTarget(name: "AlgorithmsTests", dependencies: ["Algorithms", "HogwildLink", "TinyNN", "BuiltInEnvs"]),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Formats", "Algorithms", "HogwildSegment", "BuiltInEnvs"], exclude: ["Fixtures"]),
    .testTarget(name: "PlotTests", dependencies: ["Plot"]),
    .testTarget(name: "CLITests", dependencies: ["HogwildCLI", "Runtime", "Formats", "Algorithms", "BuiltInEnvs", "EnvSources", "TinyNN", "HogwildSegment"], exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
