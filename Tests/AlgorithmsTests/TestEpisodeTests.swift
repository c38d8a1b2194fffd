// TestEpisodeTests.swift — the value-based methods' greedy test episodes:
// when they are due, that they act greedily on θ, and that they change
// nothing in training (θ, T, the training episodes).

import Algorithms
import BuiltInEnvs
import HogwildSegment
import Testing

@Suite struct TestScheduleTests {
  @Test func dueAtTheFirstEpisodeEndAfterEachMultiple() {
    var s = TestSchedule(every: 2000, workerSteps: 0)
    #expect(!s.isDue(workerSteps: 1999))
    #expect(s.isDue(workerSteps: 2000))
    // The training episode in progress ended later: the test is still due.
    #expect(s.isDue(workerSteps: 2480))
    s.played(workerSteps: 2480)
    #expect(!s.isDue(workerSteps: 3999))
    #expect(s.isDue(workerSteps: 4000))
    // An episode spanning several multiples earns one test, not several.
    s.played(workerSteps: 9100)
    #expect(!s.isDue(workerSteps: 9999))
    #expect(s.isDue(workerSteps: 10_000))
  }

  @Test func zeroMeansNoTests() {
    var s = TestSchedule(every: 0, workerSteps: 0)
    #expect(!s.isDue(workerSteps: 0) && !s.isDue(workerSteps: .max - 1))
    s.played(workerSteps: 123)
    #expect(!s.isDue(workerSteps: .max - 1))
  }

  @Test func aRestartedOrResumedWorkerKeepsItsSchedule() {
    // t carries over restarts and resumes: the next test is at the next multiple.
    let s = TestSchedule(every: 2000, workerSteps: 5_100)
    #expect(s.nextAt == 6_000)
    #expect(!s.isDue(workerSteps: 5_999) && s.isDue(workerSteps: 6_000))
  }

  @Test func eachTestHasItsOwnRandomStream() {
    var a = TestEpisodeRandom.source(seed: 1, rank: 0, test: 0)
    var b = TestEpisodeRandom.source(seed: 1, rank: 0, test: 1)
    var c = TestEpisodeRandom.source(seed: 1, rank: 1, test: 0)
    var again = TestEpisodeRandom.source(seed: 1, rank: 0, test: 0)
    let x = a.next()
    #expect(x != b.next() && x != c.next())
    #expect(x == again.next())
  }
}

@Suite(.serialized) struct GreedyTestEpisodeTests {
  @Test(arguments: [AlgorithmKind.qn, .q1, .sarsa1])
  func testEpisodesChangeNeitherTrainingNorT(kind: AlgorithmKind) throws {
    var on = Hyperparameters()
    on.testEvery = 1000
    var off = on
    off.testEvery = 0
    let (segOn, recordsOn) = try runInProcessWorker(kind, tMax: 20_000, seed: 3, hyper: on)
    let (segOff, recordsOff) = try runInProcessWorker(kind, tMax: 20_000, seed: 3, hyper: off)
    let training = recordsOn.filter { $0.kind == .training }
    let tests = recordsOn.filter { $0.kind == .test }
    // Training is bit for bit the same with and without tests.
    #expect(recordsOff.allSatisfy { $0.kind == .training })
    #expect(training.map(\.episodeReturn) == recordsOff.map(\.episodeReturn))
    #expect(training.map(\.globalStep) == recordsOff.map(\.globalStep))
    #expect(segOn.parameters.snapshot == segOff.parameters.snapshot)
    #expect(segOn.header.globalSteps.load() == segOff.header.globalSteps.load())
    #expect(segOn.header.globalUpdates.load() == segOff.header.globalUpdates.load())
    #expect(segOn.slot(0).steps == segOff.slot(0).steps)
    // About one test per 1000 own steps, each counted apart from t and T.
    let slot = segOn.slot(0)
    #expect(tests.count >= 15 && tests.count <= 20, "\(tests.count) tests")
    #expect(UInt64(tests.count) == slot.testEpisodes)
    #expect(tests.map(\.episode) == Array(0..<UInt64(tests.count)))
    #expect(UInt64(tests.reduce(0) { $0 + $1.length }) == slot.testSteps)
    #expect(slot.episodes == UInt64(training.count))
    #expect(segOff.slot(0).testEpisodes == 0 && segOff.slot(0).testSteps == 0)
  }

  @Test func testEpisodesActGreedilyOnTheSharedParameters() throws {
    // A learning rate so small that no update moves θ (in float32): each
    // test then replays exactly as the greedy policy of the final θ from
    // the test's own initial state.
    var h = Hyperparameters()
    h.testEvery = 500
    h.learningRate = 1e-30
    let (seg, records) = try runInProcessWorker(.qn, tMax: 10_000, seed: 5, hyper: h)
    let tests = records.filter { $0.kind == .test }
    #expect(tests.count >= 15)
    let policy = try Policy(kind: .qn, hyperparameters: h, spec: CartPole.spec, parameters: seg.parameters.snapshot)
    var env = CartPole()
    for t in tests {
      var rng = TestEpisodeRandom.source(seed: 5, rank: 0, test: t.episode)
      let replay = policy.runEpisode(&env, rng: &rng, greedy: true)
      #expect(replay.return == t.episodeReturn && replay.length == t.length, "test \(t.episode)")
    }
  }
}
