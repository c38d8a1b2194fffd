// TrainingLog.swift — train.csv: one row per --log-every interval with the
// workers' training statistics over that interval. The workers only add to
// running sums in their slots; this differences two readings, so nothing
// in a worker's loop allocates or waits for the log.

import HogwildSegment
import HogwildSys

/// One reading of every slot: what an interval's row is the difference of.
public struct TrainingReading: Sendable {
  public var nanoseconds: UInt64
  public var globalSteps: UInt64
  public var updates: UInt64
  public var sums: TrainingSums
  public var stalenessHistogram: [UInt64]
  public var stalenessSum: UInt64
  public var stalenessMax: UInt64
  /// Mean over workers of the learning rate last used, and of ε (NaN when
  /// no worker has one).
  public var learningRate: Double
  public var epsilon: Double

  public init(segment: SharedSegment, nanoseconds: UInt64) {
    self.nanoseconds = nanoseconds
    let h = segment.header
    globalSteps = h.globalSteps.load()
    updates = h.globalUpdates.load()
    let slots = (0..<h.procs).map(segment.slot)
    sums = slots.reduce(TrainingSums()) { $0 + $1.trainingSums }
    stalenessHistogram = [UInt64](repeating: 0, count: WorkerSlot.stalenessBuckets)
    stalenessSum = 0
    stalenessMax = 0
    var rates = 0.0, epsilons = 0.0, withEpsilon = 0.0
    for s in slots {
      for (b, n) in s.stalenessHistogram.enumerated() { stalenessHistogram[b] &+= n }
      stalenessSum &+= s.stalenessSum
      stalenessMax = Swift.max(stalenessMax, s.stalenessMax)
      rates += s.learningRate
      if s.epsilon.isFinite { epsilons += s.epsilon; withEpsilon += 1 }
    }
    learningRate = slots.isEmpty ? 0 : rates / Double(slots.count)
    epsilon = withEpsilon > 0 ? epsilons / withEpsilon : .nan
  }
}

/// One train.csv row: the interval between two readings.
public struct TrainingRow: Sendable {
  public static let header =
    "T,wall_seconds,steps_per_second,updates_per_second,gradients,policy_loss,value_loss,entropy,"
    + "grad_norm,clipped_fraction,learning_rate,epsilon,td_error,staleness_mean,staleness_p99\n"

  public var globalSteps: UInt64
  public var wallSeconds: Double
  public var stepsPerSecond: Double
  public var updatesPerSecond: Double
  public var gradients: UInt64
  /// nil when no gradient was applied in the interval.
  public var means: GradientMeans?
  public var learningRate: Double
  public var epsilon: Double
  public var staleness: StalenessSummary
  /// The node (rank) the row is about, in a distributed run's train.csv
  /// (its last column); nil otherwise.
  public var node: Int?

  /// The row for the interval from `a` to `b`; `start` is the run's start.
  public init(from a: TrainingReading, to b: TrainingReading, start: UInt64) {
    globalSteps = b.globalSteps
    wallSeconds = Double(b.nanoseconds &- start) / 1e9
    let seconds = Swift.max(Double(b.nanoseconds &- a.nanoseconds) / 1e9, 1e-9)
    stepsPerSecond = Double(b.globalSteps &- a.globalSteps) / seconds
    updatesPerSecond = Double(b.updates &- a.updates) / seconds
    let sums = b.sums.since(a.sums)
    gradients = sums.gradients
    means = sums.means
    learningRate = b.learningRate
    epsilon = b.epsilon
    let histogram = zip(b.stalenessHistogram, a.stalenessHistogram).map { $0 &- $1 }
    staleness = StalenessSummary(histogram: histogram, sum: b.stalenessSum &- a.stalenessSum, max: b.stalenessMax)
  }

  public var csv: String {
    func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "" }
    func rounded(_ v: Double) -> String { number((v * 1000).rounded() / 1000) }
    let m = means
    var cells: [String] = []
    cells.append("\(globalSteps)")
    cells.append(rounded(wallSeconds))
    cells.append(rounded(stepsPerSecond))
    cells.append(rounded(updatesPerSecond))
    cells.append("\(gradients)")
    let mean: [Double?] = [m?.policyLoss, m?.valueLoss, m?.entropy, m?.gradientNorm, m?.clippedFraction]
    for v in mean { cells.append(v.map(number) ?? "") }
    cells.append(number(learningRate))
    cells.append(number(epsilon))
    cells.append(m.map { number($0.tdError) } ?? "")
    cells.append(number(staleness.mean))
    cells.append(number(staleness.p99))
    if let node { cells.append("\(node)") }
    return cells.joined(separator: ",") + "\n"
  }
}

/// Appends rows to train.csv (the header once; a resumed run appends).
public final class TrainingLogWriter {
  public let path: String
  private let file: BufferedFile

  /// - Parameter nodeColumn: a distributed run's file, whose rows end with the node.
  public init(path: String, append: Bool = false, nodeColumn: Bool = false) throws(OutputError) {
    self.path = path
    file = try BufferedFile(path: path, mode: append ? .append : .truncate)
    if file.position == 0 { file.write(nodeColumn ? TrainingRow.header.dropLast() + ",node\n" : TrainingRow.header) }
  }

  public func append(_ row: TrainingRow) {
    file.write(row.csv)
    file.flush()
  }

  /// Why rows could not be written, while they could not.
  public var failure: OutputError? { file.failure }
}
