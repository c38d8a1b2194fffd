// PolicyExport+Run.swift — what the export's metadata says about a run,
// read from its settings.

import Algorithms
import BuiltInEnvs
import Formats
import TinyNN

extension PolicyExport {
  /// Maps a checkpoint's θ (already checked against its settings by
  /// `LoadedCheckpoint`) to export tensors.
  public init(_ loaded: LoadedCheckpoint) throws(ExportError) {
    try self.init(layers: loaded.checkpoint.layers, parameters: loaded.checkpoint.parameters,
                  run: Run(config: loaded.config, spec: loaded.spec, globalSteps: loaded.checkpoint.globalSteps))
  }
}

extension PolicyExport.Run {
  public init(config: RunConfig, spec: EnvSpec, globalSteps: UInt64) {
    let h = config.hyperparameters
    self.init(algorithm: config.algorithm.rawValue, isValueBased: config.algorithm.isValueBased,
              envID: config.envID, envSpec: spec.json, observationShape: spec.observationShape,
              discreteActionCount: spec.discreteActionCount, network: h.network.rawValue,
              isRecurrent: h.network == .lstm, activation: h.activation.rawValue,
              convolutionActivation: Activation.relu.rawValue, minimumVariance: GaussianPolicy.minimumVariance,
              globalSteps: globalSteps,
              convolutionStrides: NetworkKind.readsFrames(spec) ? AtariNet.paperConvolutions.map(\.stride) : [],
              observationBytes: spec.observationIsBytes)
  }
}
