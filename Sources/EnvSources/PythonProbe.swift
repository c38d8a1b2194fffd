// PythonProbe.swift — asking a Python environment for its spaces, time limit
// and threshold once, before a run creates anything: the adaptor's `probe`
// mode makes the environment, prints a few `key value` lines and exits.

import CEnvHost
import BuiltInEnvs
import HogwildSys

enum PythonProbe {
  /// Importing gymnasium and making an environment can take a while (ROMs,
  /// compiled simulators); a probe that takes longer than this is refused.
  static let timeoutNanoseconds: UInt64 = 120_000_000_000

  static func spec(source: EnvSource, python: String) throws(EnvSourceError) -> EnvSpec {
    let argv = [python, "-c", PythonAdaptor.source, "probe", source.text]
    let what = "\(source.text) (python \(python))"
    let run: CapturedRun
    do {
      run = try CapturedRun.run(argv, timeoutNanoseconds: timeoutNanoseconds, outputCapacity: 1 << 20)
    } catch .timedOut {
      throw EnvSourceError("\(what): the probe did not finish within \(timeoutNanoseconds / 1_000_000_000) s")
    } catch {
      throw EnvSourceError("cannot run \(python): \(error)")
    }
    let lines = run.output.split(separator: "\n").map(String.init)
    if let error = lines.first(where: { $0.hasPrefix("error ") }) {
      throw EnvSourceError("\(source.text): " + error.dropFirst("error ".count))
    }
    guard run.status.isSuccess, lines.first == "hogwild-adaptor 1", lines.last == "end" else {
      let last = run.errorOutput.split(separator: "\n").last.map(String.init)
      let how: String
      switch run.status {
      case .signaled(let s): how = "was killed by signal \(s)"
      case .exited(let code): how = "exited with status \(code)"
      }
      throw EnvSourceError("\(what): the probe \(how)" + (last.map { ": " + $0 } ?? " without a word"))
    }
    do {
      return try parse(lines, source: source)
    } catch {
      throw EnvSourceError("\(what): the probe's answer is malformed: \(error.message)")
    }
  }

  /// The probe's `key value…` lines (PythonAdaptor's `describe`) as a spec.
  static func parse(_ lines: [String], source: EnvSource) throws(EnvSourceError) -> EnvSpec {
    var fields: [String: [String]] = [:]
    for line in lines {
      let words = line.split(separator: " ").map(String.init)
      if let key = words.first { fields[key] = Array(words.dropFirst()) }
    }
    func words(_ key: String) throws(EnvSourceError) -> [String] {
      guard let w = fields[key], !w.isEmpty else { throw EnvSourceError("no '\(key)'") }
      return w
    }
    func integers(_ key: String) throws(EnvSourceError) -> [Int] {
      let w = try words(key)
      let values = w.compactMap { Int($0) }
      guard values.count == w.count, values.allSatisfy({ $0 >= 0 }) else { throw EnvSourceError("bad '\(key)'") }
      return values
    }
    func reals(_ key: String) throws(EnvSourceError) -> [Double] {
      let w = try words(key)
      let values = w.compactMap(Self.real)
      guard values.count == w.count else { throw EnvSourceError("bad '\(key)'") }
      return values
    }
    let name = try words("name").joined(separator: " ")
    let shape = try integers("observation_shape")
    let size = shape.reduce(1, *)
    guard shape.allSatisfy({ $0 > 0 }), size > 0, size <= Int(HW_ENV_MAX_OBSERVATION) else {
      throw EnvSourceError("an observation of shape \(shape) is out of range (1 to \(HW_ENV_MAX_OBSERVATION) floats)")
    }
    let action = try words("action")
    let space: ActionSpace
    switch (action.first, action.count == 2 ? Int(action[1]) : nil) {
    case ("discrete", let n?) where n >= 1 && n <= Int(HW_ENV_MAX_DISCRETE):
      space = .discrete(n)
    case ("box", let d?) where d >= 1 && d <= Int(HW_ENV_MAX_BOX):
      let low = try reals("action_low"), high = try reals("action_high")
      guard low.count == d, high.count == d,
        zip(low, high).allSatisfy({ !$0.isNaN && !$1.isNaN && $0 <= $1 && $0 < .infinity && $1 > -.infinity })
      else { throw EnvSourceError("the Box action bounds need low ≤ high in each of \(d) dimensions") }
      space = .box(low: low, high: high)
    default:
      throw EnvSourceError("an action space '\(action.joined(separator: " "))' is out of range (Discrete(1 to \(HW_ENV_MAX_DISCRETE)) or a Box of 1 to \(HW_ENV_MAX_BOX) dimensions)")
    }
    let steps = try integers("max_episode_steps")[0]
    let thresholdWord = try words("reward_threshold")[0]
    let threshold = thresholdWord == "none" ? nil : Self.real(thresholdWord)
    guard thresholdWord == "none" || threshold?.isFinite == true else {
      throw EnvSourceError("reward_threshold '\(thresholdWord)' is not a finite number")
    }
    // Flat observations unless the shape is an image (h × w × c) that
    // --net conv can read.
    return EnvSpec(id: name, observationSize: size, observationShape: shape.count == 3 ? shape : [size],
                   actionSpace: space, maxEpisodeSteps: steps == 0 ? Int.max : steps,
                   rewardThreshold: threshold, observationIsBinary: try integers("observation_binary") == [1])
  }

  /// Python's repr of a float (also inf, -inf, nan) as a Double.
  static func real(_ word: String) -> Double? {
    switch word {
    case "inf": .infinity
    case "-inf": -.infinity
    case "nan": .nan
    default: Double(word)
    }
  }
}
