// CheckpointFile.swift — reading checkpoint.bin from disk together with the
// settings of the run that wrote it, checked against each other, for
// `run --resume` and `eval`.

import Algorithms
import BuiltInEnvs
import Formats
import HogwildSegment
import HogwildSys

/// A checkpoint and the settings of its run.
public struct LoadedCheckpoint: Sendable {
  public var path: String
  public var checkpoint: Checkpoint
  public var config: RunConfig
  public var spec: EnvSpec

  /// Why a checkpoint could not be used: one line for stderr.
  public struct LoadError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// 64 when the path names no readable file (the user's input is wrong),
    /// 1 when the file is there but not a usable checkpoint.
    public var exitCode: Int32 = 1
  }

  /// Reads and verifies `path`. The settings come from the checkpoint
  /// (format 2) or, for a format-1 checkpoint, from config.json beside it.
  public init(path: String) throws(LoadError) {
    self.path = path
    let bytes: [UInt8]
    do { bytes = try readWholeFile(path) } catch {
      throw LoadError(description: "cannot read \(path): \(error)", exitCode: error.isBadPath ? 64 : 1)
    }
    do { checkpoint = try Checkpoint(decoding: bytes) } catch {
      throw LoadError(description: "\(path): \(error)")
    }
    var text = checkpoint.configText
    if text.isEmpty {
      let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
      let configPath = (dir.isEmpty ? "/" : dir) + "/config.json"
      do { text = String(decoding: try readWholeFile(configPath), as: UTF8.self) } catch {
        throw LoadError(description: "\(path): format-1 checkpoint without settings, and cannot read \(configPath): \(error)")
      }
    }
    do { config = try RunConfig(configText: text) } catch {
      throw LoadError(description: "\(path): \(error)")
    }
    let spec = config.envSpec
    self.spec = spec
    guard config.env.label == checkpoint.envID, config.algorithm.rawValue == checkpoint.algorithm else {
      throw LoadError(description: "\(path): checkpoint (\(checkpoint.envID), \(checkpoint.algorithm)) does not match its config (\(config.env.label), \(config.algorithm.rawValue))")
    }
    do {
      _ = try Policy(kind: config.algorithm, hyperparameters: config.hyperparameters, spec: spec,
                     parameters: checkpoint.parameters, layers: checkpoint.layers.map(LayerEntry.init))
    } catch {
      throw LoadError(description: "\(path): checkpoint does not match its config: \(error)")
    }
    let g = checkpoint.optimizerStatistics.count
    guard g == 0 || g == checkpoint.parameters.count else {
      throw LoadError(description: "\(path): optimizer statistics have \(g) floats, θ \(checkpoint.parameters.count)")
    }
  }

  /// The trained policy.
  public var policy: Policy {
    // Shape already checked in init.
    try! Policy(kind: config.algorithm, hyperparameters: config.hyperparameters, spec: spec,
                parameters: checkpoint.parameters)
  }
}
