// WorkerProcess.swift — the body of a forked worker. It runs in the child
// only, never returns into the parent's code, touches no Dispatch or Swift
// concurrency, and ends with _exit.

import Algorithms
import EnvSources
import BuiltInEnvs
import HogwildLink
import HogwildSegment
import HogwildSys

enum WorkerProcess {
  /// Exit status of a worker whose supervisor died before it could start.
  static let orphanedStatus: Int32 = 70

  /// - Parameter supervisor: the parent this process must have (its reaper).
  static func main(rank: Int, supervisor: Int32, segment: SharedSegment,
                   config: RunConfig, algorithm: any WorkerAlgorithm) -> Never {
    do { try CurrentProcess.becomeChild(of: supervisor) } catch { CurrentProcess.exitImmediately(orphanedStatus) }
    CurrentProcess.dieQuietlyOnFaults()
    segment.slot(rank).pid = CurrentProcess.id
    var environments: [any Environment] = []
    do {
      // A plugin's hw_env_create gets a seed of this rank's own (environment
      // k of the rank the k-th draw, so K = 1 keeps the seed it always had).
      var mix = SplitMix64(seed: config.workerSeed ^ (UInt64(rank) &+ 1) &* 0xA24B_AED4_963E_E407)
      let k = config.hyperparameters.envsPerWorker
      for _ in 0..<k {
        environments.append(try config.env.make(options: config.envOptions, seed: mix.next(),
                                                concurrent: config.procs * k))
      }
    } catch {
      StandardError.write("error: worker \(rank): \(error.message)\n")
      CurrentProcess.exitImmediately(1)
    }
    let h = config.hyperparameters
    var link = WorkerLink(
      segment: segment, rank: rank, optimizer: h.optimizer, mode: h.updateMode,
      rmsAlpha: Float(h.rmsAlpha), rmsEpsilon: Float(h.rmsEpsilon), rmsSqrt: h.rmsSqrt,
      delay: config.isDelayed(rank) ? config.delay : .none, seed: config.workerSeed,
      independent: config.independent)
    algorithm.runWorker(link: &link, environments: environments, seed: config.workerSeed)
    link.finish()
    CurrentProcess.exitImmediately(0)
  }
}
