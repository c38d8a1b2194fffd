// TestEpisodes.swift — greedy test episodes of the value-based methods.
//
// Not in Mnih et al. 2016's pseudo-code: this is how DQN-style methods are
// scored. A value-based worker explores ε-greedily with its own final ε, and
// with the paper's mix about 30 % of workers keep ε = 0.5, so training
// episodes measure the exploration more than what was learned. Every
// --test-every of its own training steps, once the current training episode
// has ended, a worker plays one whole episode acting greedily (ε = 0) on a
// snapshot of θ: no gradient, no update, its steps counted apart from t and T,
// published through the episode ring with kind `test`.

import BuiltInEnvs
import HogwildLink
import TinyNN

/// When a worker's next test episode is due: at the first training episode
/// end at or after each multiple of `every` of the worker's own steps t. t
/// carries over restarts and resumes, so the schedule does too. A training
/// episode longer than `every` is followed by one test, not several.
public struct TestSchedule: Equatable, Sendable {
  /// Worker steps between tests; 0: never.
  public let every: UInt64
  /// The worker step count from which the next test is due.
  public private(set) var nextAt: UInt64

  public init(every: UInt64, workerSteps t: UInt64) {
    self.every = every
    nextAt = every == 0 ? .max : (t / every + 1) * every
  }

  /// Whether a test is due at a training episode's end, after t own steps.
  public func isDue(workerSteps t: UInt64) -> Bool { t >= nextAt }

  /// Records that the test due at t was played.
  public mutating func played(workerSteps t: UInt64) {
    if every > 0 { nextAt = (t / every + 1) * every }
  }
}

/// The random numbers of test episodes: a stream per (worker rank, test
/// index), so tests are reproducible per worker, the same after a restart
/// or resume, and draw nothing from the training stream.
public enum TestEpisodeRandom {
  public static func source(seed: UInt64, rank: Int, test index: UInt64) -> Xoshiro256 {
    Xoshiro256(seed: seed, stream: 0x7E57 << 48 | UInt64(rank) << 32 | (index & 0xFFFF_FFFF))
  }
}

/// One worker's test episodes. They have an environment, a copy of θ and
/// buffers of their own, so a test changes nothing the training loop uses:
/// with tests on or off, a `--procs 1` run trains identically.
struct GreedyTester<Net: Network> {
  let seed: UInt64
  var schedule: TestSchedule
  var env: any Environment
  var theta: [Float]
  var player: EpisodePlayer<Net>

  /// - Parameter environment: its independent copy plays the tests (a copy
  ///   of a value type; a plugin's new environment), so the training
  ///   episode in progress is not disturbed.
  init(network: Net, environment: any Environment, every: Int, seed: UInt64, link: WorkerLink) {
    self.seed = seed
    schedule = TestSchedule(every: UInt64(max(0, every)), workerSteps: link.workerSteps)
    env = environment.independentCopy(seed: seed ^ (0x7E57 << 48 | UInt64(link.rank)))
    theta = [Float](repeating: 0, count: network.parameterCount)
    player = EpisodePlayer(network: network, actionCount: environment.spec.discreteActionCount,
                           observationSize: environment.spec.observationSize,
                           observationBytes: environment.spec.observationIsBytes)
  }

  /// Called at each training episode's end: plays a test episode if due.
  mutating func playIfDue(link: inout WorkerLink) {
    let t = link.workerSteps
    guard schedule.isDue(workerSteps: t) else { return }
    schedule.played(workerSteps: t)
    play(link: &link)
  }

  /// One episode, greedy on Q(s, ·) of a snapshot of θ taken now, published
  /// with kind test. Abandoned unpublished if the run stops meanwhile.
  mutating func play(link: inout WorkerLink) {
    link.snapshotParameters(into: &theta)
    var rng = TestEpisodeRandom.source(seed: seed, rank: link.rank, test: link.testEpisodes)
    guard let episode = player.play(&env, parameters: theta, rng: &rng, greedy: true,
                                    keepGoing: { _ in link.testMayContinue() })
    else { return }
    link.finishTestEpisode(return: episode.return, length: episode.length)
  }
}
