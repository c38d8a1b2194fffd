// NetworkSetup.swift — what every algorithm does the same way with its
// network: describe θ for the segment's layer table, draw θ's initial values.

import BuiltInEnvs
import HogwildSegment
import TinyNN

extension LayerEntry {
  /// The segment's layer table for `tensors`.
  static func table(_ tensors: [TensorInfo]) -> [LayerEntry] {
    tensors.map { LayerEntry(name: $0.name, rows: $0.rows, cols: $0.cols, offset: $0.offset, count: $0.count) }
  }
}

/// θ at the start of a run: `count` floats filled by `initialize` from a
/// stream of `seed` of its own (apart from every worker's, streams
/// 0 ..< 256).
func initialTheta(count: Int, seed: UInt64, _ initialize: (inout [Float], inout Xoshiro256) -> Void) -> [Float] {
  var theta = [Float](repeating: 0, count: count)
  var rng = Xoshiro256(seed: seed, stream: 1 << 32)
  initialize(&theta, &rng)
  return theta
}

extension Network {
  /// Forward for `rows` consecutive rows, through the one-row forward when
  /// there is one (bit-equal either way; one row skips the K-row set-up).
  @inline(__always)
  func forward(params: [Float], input: [Float], inputOffset: Int, rowCount rows: Int, firstRow: Int,
               workspace: inout NetworkWorkspace<Float>) {
    if rows == 1 {
      forward(params: params, input: input, inputOffset: inputOffset, row: firstRow, workspace: &workspace)
    } else {
      forward(params: params, input: input, inputOffset: inputOffset, rows: rows, firstRow: firstRow,
              workspace: &workspace)
    }
  }

  /// The segment's layer table for this network.
  var layerEntries: [LayerEntry] { LayerEntry.table(tensors) }

  /// θ at the start of a run (`initialTheta`). A small `outputGain` starts
  /// the outputs near 0: a near-uniform policy, V ≈ 0, Q ≈ 0.
  func initialParameters(seed: UInt64, outputGain: Float) -> [Float] {
    initialTheta(count: parameterOffset + parameterCount, seed: seed) { initialize(&$0, rng: &$1, outputGain: outputGain) }
  }
}

extension RecurrentNetwork {
  /// The segment's layer table: torso, LSTM, head.
  var layerEntries: [LayerEntry] { LayerEntry.table(tensors) }

  /// θ at the start of a run, as `Network.initialParameters`.
  func initialParameters(seed: UInt64, outputGain: Float) -> [Float] {
    initialTheta(count: parameterOffset + parameterCount, seed: seed) { initialize(&$0, rng: &$1, outputGain: outputGain) }
  }
}

/// An algorithm whose θ is exactly one MLP: its size, layer table and
/// initial values follow from the network.
protocol SingleNetworkAlgorithm: WorkerAlgorithm {
  associatedtype Net: Network
  var network: Net { get }
}

extension SingleNetworkAlgorithm {
  var parameterCount: Int { network.parameterCount }
  var layers: [LayerEntry] { network.layerEntries }
  func initialParameters(seed: UInt64) -> [Float] { network.initialParameters(seed: seed, outputGain: 0.01) }
  var usesGradientExchange: Bool { false }
}
