// swift-tools-version:6.0
// hogwild-rl: a shared-memory Hogwild! runtime for asynchronous RL.
// No package dependencies: the Swift toolchain, Glibc and the C target only.
import PackageDescription

// Release builds of the hot kernels: the C target may vectorise, Swift drops
// bounds checks only where code opts in explicitly (unchecked spans).
let cOptimize: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]

let package = Package(
  name: "hogwild-rl",
  products: [
    .executable(name: "hogwild-rl", targets: ["hogwild-rl"]),
  ],
  targets: [
    // The C core. Its public headers are the top-level include/ folder, which
    // holds hogwild.h, the single definition of the segment layout.
    .target(
      name: "CHogwild",
      path: ".",
      sources: ["Sources/CHogwild"],
      publicHeadersPath: "include",
      cSettings: cOptimize + [.define("_GNU_SOURCE")]
    ),
    // The only Swift module that touches raw pointers: the shared segment,
    // its typed views, and the apply kernels' Swift entry points.
    .target(name: "HogwildSegment", dependencies: ["CHogwild"]),
    // Dense networks with manual backprop, policy/value losses, optimizers.
    .target(name: "TinyNN"),
    // Gymnasium-compatible environments and the seeded RNG.
    .target(name: "Envs"),
    // One readable file per algorithm.
    .target(name: "Algorithms", dependencies: ["TinyNN", "Envs", "HogwildSegment"]),
    // Supervisor, worker processes, delay, metrics, checkpoints.
    .target(name: "Runtime", dependencies: ["Algorithms", "Envs", "TinyNN", "HogwildSegment", "CHogwild"]),
    // Command-line parsing and subcommands (a library so tests can drive it).
    .target(name: "HogwildCLI", dependencies: ["Runtime", "Algorithms", "Envs", "HogwildSegment"]),
    .executableTarget(name: "hogwild-rl", dependencies: ["HogwildCLI"]),

    .testTarget(name: "HogwildSegmentTests", dependencies: ["HogwildSegment", "CHogwild"]),
    .testTarget(name: "TinyNNTests", dependencies: ["TinyNN"]),
    .testTarget(name: "EnvsTests", dependencies: ["Envs"], exclude: ["Fixtures"]),
    .testTarget(name: "AlgorithmsTests", dependencies: ["Algorithms", "TinyNN", "Envs"]),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "HogwildSegment"]),
    .testTarget(name: "CLITests", dependencies: ["HogwildCLI"]),
  ],
  swiftLanguageModes: [.v6]
)
