// TensorBoardLog.swift — what a run's --tensorboard file holds: one point
// per metrics.csv row and per train.csv row, under CleanRL's tag names.
//
// TensorBoard's data server keeps a tag's points only while their steps
// strictly increase (a point preempts every earlier one at the same or a
// later step), but several episodes can end in one rollout (one T) and
// workers publish them slightly out of T order. So each tag's step is the
// row's T, raised to the tag's previous step + 1 when it is not above it.

import HogwildSegment

/// Turns episodes and train.csv rows into scalar events.
public final class TensorBoardLog {
  public enum Tag {
    public static let episodicReturn = "charts/episodic_return"
    public static let episodicLength = "charts/episodic_length"
    public static let testEpisodicReturn = "charts/test_episodic_return"
    public static let testEpisodicLength = "charts/test_episodic_length"
    public static let stepsPerSecond = "charts/SPS"
    public static let valueLoss = "losses/value_loss"
    public static let policyLoss = "losses/policy_loss"
    public static let entropy = "losses/entropy"
    public static let learningRate = "charts/learning_rate"
    public static let stalenessMean = "hogwild/staleness_mean"
    public static let stalenessP99 = "hogwild/staleness_p99"
    public static let lostFraction = "hogwild/lost_fraction"
    public static let tdError = "losses/td_error"
    public static let gradNorm = "losses/grad_norm"
    public static let clippedFraction = "losses/clipped_fraction"
    public static let epsilon = "charts/epsilon"
    public static let evalGreedyReturn = "eval/greedy_return"
    public static let evalGreedyLength = "eval/greedy_length"
    public static let evalSampledReturn = "eval/sampled_return"
    public static let evalSampledLength = "eval/sampled_length"
  }

  public let writer: TensorBoardWriter
  /// Unix seconds at CLOCK_MONOTONIC 0, for wall_time.
  let unixOffset: Double
  var lastTrainingEpisodeStep: Int64 = -1
  var lastTestEpisodeStep: Int64 = -1
  var lastRowStep: Int64 = -1
  var lastEvaluationStep: Int64 = -1
  var lastPrefixedRowStep: [String: Int64] = [:]

  /// - Parameters:
  ///   - realtimeNanoseconds, monotonicNanoseconds: the two clocks read at one moment.
  public init(writer: TensorBoardWriter, realtimeNanoseconds: UInt64, monotonicNanoseconds: UInt64) {
    self.writer = writer
    unixOffset = (Double(realtimeNanoseconds) - Double(monotonicNanoseconds)) / 1e9
  }

  func wallTime(_ monotonicNanoseconds: UInt64) -> Double { Double(monotonicNanoseconds) / 1e9 + unixOffset }

  static func step(_ t: UInt64, after last: inout Int64) -> Int64 {
    let s = Swift.max(Int64(clamping: t), last &+ 1)
    last = s
    return s
  }

  /// charts/episodic_return and _length at the episode's T (test episodes of
  /// the value-based methods under charts/test_episodic_*).
  public func episode(_ r: EpisodeRecord) {
    let wall = wallTime(r.endNanoseconds)
    let test = r.kind == .test
    let step = test ? Self.step(r.globalStep, after: &lastTestEpisodeStep)
      : Self.step(r.globalStep, after: &lastTrainingEpisodeStep)
    writer.add(.scalar(wallTime: wall, step: step, tag: test ? Tag.testEpisodicReturn : Tag.episodicReturn,
                       value: Float(r.episodeReturn)))
    writer.add(.scalar(wallTime: wall, step: step, tag: test ? Tag.testEpisodicLength : Tag.episodicLength,
                       value: Float(r.length)))
  }

  /// One point per tag for a train.csv row ending at `nanoseconds`: the
  /// losses and entropy only when the row has gradients (their cells are
  /// empty otherwise), and not for the Q family (whose rows have ε; their
  /// loss is losses/td_error); losses/grad_norm and clipped_fraction with
  /// gradients, for every algorithm; charts/epsilon only for the Q family;
  /// lost_fraction only with --audit.
  /// `tagPrefix` (a distributed run's `node<r>/`) goes before every tag;
  /// each prefix keeps its own increasing steps.
  public func row(_ row: TrainingRow, nanoseconds: UInt64, lostFraction: Double?, tagPrefix: String = "") {
    let wall = wallTime(nanoseconds)
    let step: Int64
    if tagPrefix.isEmpty {
      step = Self.step(row.globalSteps, after: &lastRowStep)
    } else {
      var last = lastPrefixedRowStep[tagPrefix] ?? -1
      step = Self.step(row.globalSteps, after: &last)
      lastPrefixedRowStep[tagPrefix] = last
    }
    func point(_ tag: String, _ value: Double?) {
      guard let value, value.isFinite else { return }
      writer.add(.scalar(wallTime: wall, step: step, tag: tagPrefix + tag, value: Float(value)))
    }
    point(Tag.stepsPerSecond, row.stepsPerSecond)
    let actorCritic = !row.epsilon.isFinite
    point(Tag.valueLoss, actorCritic ? row.means?.valueLoss : nil)
    point(Tag.policyLoss, actorCritic ? row.means?.policyLoss : nil)
    point(Tag.entropy, actorCritic ? row.means?.entropy : nil)
    point(Tag.tdError, row.means?.tdError)
    point(Tag.gradNorm, row.means?.gradientNorm)
    point(Tag.clippedFraction, row.means?.clippedFraction)
    point(Tag.learningRate, row.learningRate)
    point(Tag.epsilon, row.epsilon)
    point(Tag.stalenessMean, row.staleness.mean)
    point(Tag.stalenessP99, row.staleness.p99)
    point(Tag.lostFraction, lostFraction)
  }

  /// One point per eval/* tag for an evaluation (--eval-every) of the θ of
  /// step `steps`, taken `wallSeconds` into the run: the mean return and
  /// length of its greedy episodes and (actor-critic) of its sampled ones.
  public func evaluation(steps: UInt64, wallSeconds: Double, greedy: (return: Double, length: Double),
                         sampled: (return: Double, length: Double)?) {
    let step = Self.step(steps, after: &lastEvaluationStep)
    let wall = runStartUnix + wallSeconds
    func point(_ tag: String, _ value: Double) {
      guard value.isFinite else { return }
      writer.add(.scalar(wallTime: wall, step: step, tag: tag, value: Float(value)))
    }
    point(Tag.evalGreedyReturn, greedy.return)
    point(Tag.evalGreedyLength, greedy.length)
    if let sampled {
      point(Tag.evalSampledReturn, sampled.return)
      point(Tag.evalSampledLength, sampled.length)
    }
  }

  /// Unix seconds at the run's start (its wall_seconds 0), for evaluations.
  public var runStartUnix: Double = 0

  public func flush() { writer.flush() }
}
