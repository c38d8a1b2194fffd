// EnvStateTests.swift — the EnvState value and the restore contract every
// environment keeps: a state it exported restores to itself, and a state of
// the wrong form is refused with a message and changes nothing.

import Testing
import BuiltInEnvs

@Suite struct EnvStateTests {
  @Test func equalityComparesRealsByTheirBits() {
    #expect(EnvState.real(0.0) != .real(-0.0))
    #expect(EnvState.real(.nan) == .real(.nan))
    #expect(EnvState.real(1) != .integer(1))
    #expect(EnvState.reals([1, 2]) == .list([.real(1), .real(2)]))
    #expect(EnvState.record([.init("a", .integer(1)), .init("b", .boolean(true))])
      != .record([.init("b", .boolean(true)), .init("a", .integer(1))]))
  }

  @Test func accessorsConvertOnlyExactly() {
    #expect(EnvState.integer(3).realValue == 3)
    #expect(EnvState.real(3).integerValue == 3)
    #expect(EnvState.real(3.5).integerValue == nil)
    #expect(EnvState.real(1e300).integerValue == nil)
    #expect(EnvState.boolean(true).realValue == nil)
    #expect(EnvState.boolean(false).booleanValue == false)
    let record = EnvState.record([.init("pos", .integer(4)), .init("grid", .list([.integers([0, 1])]))])
    #expect(record["pos"] == .integer(4))
    #expect(record["missing"] == nil)
    #expect(record["grid"]?.listValue?.first == .integers([0, 1]))
    #expect(EnvState.integer(1)["pos"] == nil)
    #expect(record.recordFields?.map(\.key) == ["pos", "grid"])
  }

  @Test func kindDescriptionsNameTheShape() {
    #expect(EnvState.reals([1, 2]).kindDescription == "an array of 2 values")
    #expect(EnvState.list([.integer(1)]).kindDescription == "an array of 1 value")
    #expect(EnvState.record([.init("a", .integer(1))]).kindDescription == "an object with keys a")
    #expect(EnvState.boolean(true).kindDescription == "a boolean")
    #expect(EnvState.integer(1).kindDescription == "a number")
    #expect(EnvState.null.kindDescription == "null")
    #expect(EnvState.null == .null && EnvState.null != .list([]) && EnvState.null.description == "null")
  }

  @Test func finiteRealsAcceptsIntegersAndRejectsOtherForms() throws {
    let names = ["position", "velocity"]
    #expect(try EnvState.list([.integer(-1), .real(0.5)]).finiteReals(named: names, for: "X") == [-1, 0.5])
    #expect(throws: EnvStateError("X state: expected an array of 2 finite numbers [position, velocity], got an array of 1 value")) {
      try EnvState.reals([1]).finiteReals(named: names, for: "X")
    }
    #expect(throws: EnvStateError("X state: expected an array of 2 finite numbers [position, velocity], got a number")) {
      try EnvState.real(1).finiteReals(named: names, for: "X")
    }
    #expect(throws: EnvStateError("X state: expected an array of 2 finite numbers [position, velocity], but velocity is a boolean")) {
      try EnvState.list([.real(1), .boolean(true)]).finiteReals(named: names, for: "X")
    }
    #expect(throws: EnvStateError("X state: expected an array of 2 finite numbers [position, velocity], but position is not finite")) {
      try EnvState.reals([.infinity, 0]).finiteReals(named: names, for: "X")
    }
  }
}

@Suite struct RestoreContractTests {
  /// Every registered environment restores the state it exported, mid-episode.
  @Test func exportedStatesRestoreExactly() throws {
    for id in EnvRegistry.ids {
      var env = try #require(EnvRegistry.make(id))
      var rng = Xoshiro256(seed: 11)
      var obs = [Float](repeating: 0, count: env.spec.observationSize)
      env.reset(rng: &rng, observation: &obs)
      // Some steps in, so that MinAtar's entity lists are not empty.
      for _ in 0..<40 {
        let n = env.spec.discreteActionCount
        let outcome = n > 0 ? env.step(action: Int(rng.next() % UInt64(n)), observation: &obs)
          : env.step(continuous: [0.5], observation: &obs)
        if outcome.done { env.reset(rng: &rng, observation: &obs) }
      }
      let exported = env.internalState
      var copy = try #require(EnvRegistry.make(id))
      try copy.restore(exported, elapsedSteps: 17)
      #expect(copy.internalState == exported, "\(id)")
      #expect(copy.elapsedSteps == 17)
      var copyObs: [Float] = []
      copy.writeObservation(into: &copyObs)
      #expect(copyObs.map(\.bitPattern) == obs.map(\.bitPattern), "\(id)")
    }
  }

  @Test func wrongFormsAreRefusedAndChangeNothing() throws {
    let bad: [EnvState] = [.reals([]), .reals([1, 2, 3, 4, 5, 6, 7]), .real(0), .boolean(true),
                           .record([.init("x", .real(0))]), .list([.reals([0])])]
    for id in ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1"] {
      var env = try #require(EnvRegistry.make(id))
      var rng = Xoshiro256(seed: 12)
      var obs = [Float](repeating: 0, count: env.spec.observationSize)
      env.reset(rng: &rng, observation: &obs)
      let before = env.internalState
      for state in bad {
        #expect(throws: EnvStateError.self, "\(id) \(state)") { try env.restore(state, elapsedSteps: 0) }
      }
      #expect(throws: EnvStateError("\(id): elapsed steps must be 0 or more, got -1")) {
        try env.restore(before, elapsedSteps: -1)
      }
      #expect(env.internalState == before && env.elapsedSteps == 0)
    }
  }

  @Test func cartPoleRestoreForgetsAnEarlierTermination() throws {
    var env = CartPole()
    env.state = [0, 0, 0.3, 0]
    var obs = [Float](repeating: 0, count: 4)
    _ = env.step(action: 1, observation: &obs)
    #expect(env.step(action: 1, observation: &obs).reward == 0)
    try env.restore(.reals([0, 0, 0.3, 0]), elapsedSteps: 0)
    #expect(env.step(action: 1, observation: &obs).reward == 1)
  }
}
