import Algorithms
import HogwildCLI
import Runtime
import BuiltInEnvs
import Testing

/// Property tests of the argument parser: thousands of random command lines
/// either parse into a valid configuration or fail with one UsageError line
/// naming what was wrong — never a crash, never a half-valid config.
@Suite struct ArgumentFuzzTests {
  static let flags = [
    "--env", "--algo", "--procs", "--seed", "--t-max", "--target-return", "--n-steps", "--gamma",
    "--ent-coef", "--vf-coef", "--lr", "--lr-schedule", "--max-grad-norm", "--optimizer", "--rms-alpha",
    "--rms-eps", "--hidden", "--activation", "--update", "--delay", "--delay-workers", "--out", "--segment",
    "--keep-segment", "--quiet", "--independent", "--max-restarts", "--worker-timeout", "--test-every", "--rmsprop-sqrt", "--bogus", "-x", "--",
  ]
  static let values = [
    "0", "1", "-1", "2", "16", "256", "257", "1e3", "5M", "500k", "0.5", "1.5", "nan", "inf", "-inf", "",
    " ", "abc", "CartPole-v1", "NoSuch-v0", "a3c", "tanh", "relu", "hogwild", "locked", "atomic", "sgd",
    "rmsprop", "shared-rmsprop", "exact", "fast", "linear", "constant", "2ms", "-1ms", "uniform:0-5ms", "exp:2ms",
    "uniform:5-1ms", "64,64", "0,1", "1,,2", "x,y", "none", "/tmp/hw-fuzz-out", "/seg", "a/b", "1e400",
    "18446744073709551616", "\u{0}", "é", "--procs",
  ]

  @Test func randomCommandLinesParseOrFailWithOneLine() {
    var rng = SplitMix64(seed: 42)
    var parsed = 0, rejected = 0
    for _ in 0..<5_000 {
      var args: [String] = []
      for _ in 0..<Int.random(in: 0...6, using: &rng) {
        if Bool.random(using: &rng) {
          args.append(Self.flags.randomElement(using: &rng)!)
        } else {
          args.append(Self.values.randomElement(using: &rng)!)
        }
      }
      if args.contains("--help") || args.contains("-h") { continue }
      do {
        guard let c = try CLI.parseRunArguments(args) else { continue }
        parsed += 1
        // Whatever parsed is within the documented ranges.
        #expect((1...256).contains(c.procs))
        #expect(c.tMax >= 1)
        #expect(c.hyperparameters.learningRate > 0 && c.hyperparameters.learningRate.isFinite)
        #expect(c.hyperparameters.gamma > 0 && c.hyperparameters.gamma <= 1)
        #expect(c.hyperparameters.nSteps >= 1)
        #expect(!c.hyperparameters.hidden.isEmpty && c.hyperparameters.hidden.allSatisfy { $0 >= 1 })
        #expect((c.delayWorkers ?? []).allSatisfy { $0 < c.procs })
      } catch {
        rejected += 1
        #expect(!error.message.isEmpty)
        #expect(!error.message.contains("\n"), "not one line: \(error.message)")
      }
    }
    // Both outcomes occur, so the property is exercised both ways.
    #expect(parsed > 100 && rejected > 100, "parsed \(parsed), rejected \(rejected)")
  }

  @Test func knownGoodAndBadLines() throws {
    let c = try #require(try CLI.parseRunArguments(["--procs", "3", "--delay", "2ms", "--delay-workers", "0,2"]))
    #expect(c.procs == 3 && c.delayWorkers == [0, 2])
    #expect(c.targetReturn == 475)  // neither --t-max nor --target-return: stop when solved
    let budget = try #require(try CLI.parseRunArguments(["--t-max", "2M"]))
    #expect(budget.tMax == 2_000_000 && budget.targetReturn == nil)
    for bad in [["--procs", "0"], ["--lr"], ["--gamma", "nan"], ["--delay-workers", "2", "--procs", "2"], ["x"]] {
      #expect(throws: UsageError.self) { try CLI.parseRunArguments(bad) }
    }
  }

  @Test func perAlgorithmDefaultsGiveWayToFlags() throws {
    func hyper(_ args: [String]) throws -> Hyperparameters { try #require(try CLI.parseRunArguments(args)).hyperparameters }
    #expect(try hyper([]).learningRate == 0.003 && hyper([]).learningRateSchedule == .constant)
    for algo in ["qn", "q1", "sarsa1"] {
      let h = try hyper(["--algo", algo])
      #expect(h.learningRate == 0.002 && h.learningRateSchedule == .linear && h.testEvery == 2000)
      #expect(h.targetInterval == (algo == "q1" ? 2000 : 10_000))
    }
    let given = try hyper(["--algo", "q1", "--lr", "0.01", "--target-interval", "500", "--test-every", "0",
                           "--lr-schedule", "constant"])
    #expect(given.learningRate == 0.01 && given.targetInterval == 500 && given.testEvery == 0)
    #expect(given.learningRateSchedule == .constant)
  }
}
