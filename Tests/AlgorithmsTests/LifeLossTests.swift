// LifeLossTests.swift — the Atari protocol's two episodes, without the ALE: a
// byte-observation environment with lives (`LivesGame`) trained in-process.
// The reported episode is the whole game in game score; the learning episode
// ends at each lost life (no bootstrap) and learns from the learning reward;
// the environment is reset only when the game ends. Checked on what a run
// leaves behind: the episode records, the resets the environment saw, and the
// values θ learned (V of a life's first state is Σγ^k over the life's steps of
// learning reward 1: ≈ 3.94 with γ = 0.99 and 4 steps a life — it would be
// twice that on the game score, and larger still if lives did not end the
// learning episode).

import Algorithms
import BuiltInEnvs
import Foundation
import HogwildSegment
import Testing
import TinyNN

/// A game of 3 lives of 4 steps each (12 steps), byte frames [4, 20, 20]
/// whose every frame shows the step within the life as a band of 255s.
/// Each step scores 2 (learning reward 1); a life is lost at steps 4 and 8,
/// the game ends at 12. Resets are counted in `resets`, shared by copies.
struct LivesGame: Environment {
  final class Counter: @unchecked Sendable {
    var resets = 0
    var stepsWithoutReset = 0
  }

  static let lifeSteps = 4
  static let lives = 3
  static let spec = EnvSpec(id: "Lives-v0", observationSize: 4 * 20 * 20, observationShape: [4, 20, 20],
                            actionSpace: .discrete(2), maxEpisodeSteps: 1000, rewardThreshold: nil,
                            observationIsBytes: true, reportsLifeLoss: true, shapesReward: true,
                            protocolLine: "lives test")
  var spec: EnvSpec { Self.spec }
  private(set) var elapsedSteps = 0
  let counter: Counter
  var steps = 0

  init(counter: Counter = Counter()) { self.counter = counter }

  mutating func reset(rng: inout Xoshiro256, observation: inout [Float]) { preconditionFailure("bytes only") }
  mutating func step(action: Int, observation: inout [Float]) -> StepOutcome { preconditionFailure("bytes only") }
  func writeObservation(into observation: inout [Float]) { preconditionFailure("bytes only") }
  var internalState: EnvState { .null }
  mutating func restore(_ state: EnvState, elapsedSteps: Int) throws(EnvStateError) { throw EnvStateError("no") }

  mutating func reset(seed: UInt64, bytes: inout [UInt8]) {
    counter.resets += 1
    steps = 0
    elapsedSteps = 0
    draw(&bytes)
  }

  mutating func step(action: Int, bytes: inout [UInt8]) -> StepOutcome {
    precondition(steps < Self.lifeSteps * Self.lives, "stepped after the game ended without a reset")
    steps += 1
    elapsedSteps += 1
    counter.stepsWithoutReset = max(counter.stepsWithoutReset, steps)
    draw(&bytes)
    let lifeEnds = steps % Self.lifeSteps == 0
    let over = steps == Self.lifeSteps * Self.lives
    return StepOutcome(reward: 2, terminated: over, truncated: false, learningReward: 1, lifeLost: lifeEnds && !over)
  }

  /// Every frame: a band at columns 5·k ..< 5·k + 5, k the step within the life.
  func draw(_ bytes: inout [UInt8]) {
    if bytes.count != spec.observationSize { bytes = [UInt8](repeating: 0, count: spec.observationSize) }
    let k = steps % Self.lifeSteps
    for f in 0..<4 {
      for y in 0..<20 {
        for x in 0..<20 { bytes[(f * 20 + y) * 20 + x] = x / 5 == k ? 255 : 0 }
      }
    }
  }

  static func frame(position k: Int) -> [UInt8] {
    var g = LivesGame()
    g.steps = k
    var bytes: [UInt8] = []
    g.draw(&bytes)
    return bytes
  }
}

@Suite(.serialized) struct LifeLossTests {
  static func hyper(_ network: NetworkKind, envs: Int = 1) -> Hyperparameters {
    var h = Hyperparameters()
    h.network = network
    h.nSteps = 20  // longer than a life: only the lost life cuts a rollout
    h.envsPerWorker = envs
    h.lstmCells = 16
    h.entropyCoefficient = 0.01
    h.epsilonFinal = 0.1
    h.epsilonAnneal = 2_000
    h.testEvery = 0
    return h
  }

  /// V(s) (or max_a Q(s, a)) of the life's k-th state under θ.
  static func value(_ theta: [Float], _ kind: AlgorithmKind, position k: Int) -> Double {
    let net = AtariNet(channels: 4, height: 20, width: 20, outputs: kind.isValueBased ? 2 : 3,
                       name: kind.isValueBased ? "q" : "actor_critic")
    var ws: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: 1)
    net.forward(params: theta, bytes: LivesGame.frame(position: k), inputOffset: 0, row: 0, workspace: &ws)
    let out = (0..<net.outputs).map { Double(ws.output(row: 0, index: $0)) }
    return kind.isValueBased ? out.max()! : out[2]
  }

  @Test(arguments: [(AlgorithmKind.a3c, 1), (.a3c, 3), (.qn, 1), (.a2c, 1)])
  func gamesAreReportedWholeAndLivesEndTheLearningEpisode(_ kind: AlgorithmKind, _ envs: Int) throws {
    let counter = LivesGame.Counter()
    let hyper = Self.hyper(.atari, envs: envs)
    let algo = AlgorithmFactory.make(kind, hyperparameters: hyper, spec: LivesGame.spec)
    let (seg, records) = try runInProcessWorker(kind, hyper: hyper, spec: LivesGame.spec,
                                                environments: (0..<envs).map { _ in LivesGame(counter: counter) },
                                                tMax: 12_000, seed: 3, algorithm: algo)
    // Every reported episode is a whole game: 12 steps, 2 points each (not
    // a life of 4 steps, not the learning reward).
    try #require(records.count >= 12_000 / 12 - envs - 1)
    #expect(records.allSatisfy { $0.length == 12 && $0.episodeReturn == 24 }, "\(records.prefix(5))")
    // The environments were reset only when a game ended (K at the start,
    // then once per game), and never stepped past a game's end.
    #expect(counter.resets >= records.count && counter.resets <= records.count + envs)
    #expect(counter.stepsWithoutReset == 12)
    // A K = 1 rollout stops at a lost life: at least one update per life.
    if kind != .a2c && envs == 1 {
      #expect(seg.header.globalUpdates.load() >= seg.header.globalSteps.load() / 4)
    }
    // θ learned the values of lives that end (learning reward 1, no
    // bootstrap past the lost life): Σ_{j<4−k} γ^j for the k-th state.
    let theta = seg.parameters.snapshot
    for k in [0, 3] {
      let expected = (0..<(4 - k)).reduce(0.0) { s, j in s + pow(0.99, Double(j)) }
      let v = Self.value(theta, kind, position: k)
      #expect(abs(v - expected) < 0.25 * expected, "\(kind) K=\(envs): V(position \(k)) = \(v), expected ≈ \(expected)")
    }
  }

  @Test func theLSTMLearnerCutsAtLivesToo() throws {
    let counter = LivesGame.Counter()
    let hyper = Self.hyper(.lstm)
    let (_, records) = try runInProcessWorker(.a3c, hyper: hyper, spec: LivesGame.spec,
                                              environments: [LivesGame(counter: counter)], tMax: 4_000, seed: 5)
    #expect(records.count >= 4_000 / 12 - 1 && records.allSatisfy { $0.length == 12 && $0.episodeReturn == 24 })
    #expect(counter.resets <= records.count + 1 && counter.stepsWithoutReset == 12)
  }
}
