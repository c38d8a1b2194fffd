// PolicyExportTests.swift — PolicyExport's name table on a layer table no
// network of this build makes yet (a torso → LSTM → actor-critic head, as a
// recurrent network lays θ out): the torso's every dense layer stays torso,
// unknown layers export under their own names as stored, the head splits.

import Formats
import HogwildSegment
import Runtime
import Testing

@Suite struct PolicyExportTests {
  @Test func unknownLayersExportByTheirOwnNamesAsStored() throws {
    // torso 4 → 8 (stored [in, out]); LSTM of 4 cells (stored [4N, in], PyTorch's
    // layout already); head 4 → 2 logits + V.
    let table: [(String, Int, Int)] = [("torso.0.weight", 4, 8), ("torso.0.bias", 1, 8),
                                       ("lstm.weight_ih", 16, 8), ("lstm.weight_hh", 16, 4), ("lstm.bias", 1, 16),
                                       ("actor_critic.0.weight", 4, 3), ("actor_critic.0.bias", 1, 3)]
    var layers: [Checkpoint.Layer] = []
    var offset = 0
    for (name, rows, cols) in table {
      layers.append(Checkpoint.Layer(name: name, rows: rows, cols: cols, offset: offset, count: rows * cols))
      offset += rows * cols
    }
    let theta = (0..<offset).map { Float($0) }
    let config = RunConfig()   // CartPole-v1, A3C: 2 actions
    let e = try PolicyExport(layers: layers, parameters: theta, run: .init(config: config, spec: config.envSpec, globalSteps: 7))
    #expect(e.tensors.map(\.name) == ["torso.0.weight", "torso.0.bias", "lstm.weight_ih", "lstm.weight_hh", "lstm.bias",
                                      "policy.weight", "policy.bias", "value.weight", "value.bias"])
    #expect(e.tensors.map(\.shape) == [[8, 4], [8], [16, 8], [16, 4], [16], [2, 4], [2], [1, 4], [1]])
    let t = Dictionary(uniqueKeysWithValues: e.tensors.map { ($0.name, $0.values) })
    // Dense: exported [o][i] = stored [i][o].
    #expect(t["torso.0.weight"]![1 * 4 + 2] == theta[2 * 8 + 1])
    // As stored.
    #expect(t["lstm.weight_ih"]! == Array(theta[40..<168]))
    #expect(t["lstm.bias"]! == Array(theta[232..<248]))
    // The head's columns 0..<2 are the logits, column 2 is V.
    let w = 248, b = 260
    #expect(t["policy.weight"]! == [0, 3, 6, 9, 1, 4, 7, 10].map { theta[w + $0] })
    #expect(t["value.weight"]! == [2, 5, 8, 11].map { theta[w + $0] })
    #expect(t["policy.bias"]! == [theta[b], theta[b + 1]] && t["value.bias"]! == [theta[b + 2]])
    #expect(e.metadata["torso"]?.serialized() == #"["torso.0"]"#)
  }

  @Test func unknownNetworksAndTensorsOutsideThetaAreRefused() {
    let layers = [Checkpoint.Layer(name: "mystery.0.weight", rows: 2, cols: 2, offset: 0, count: 4)]
    let config = RunConfig()
    #expect(throws: PolicyExport.ExportError.self) {
      try PolicyExport(layers: layers, parameters: [1, 2, 3, 4], run: .init(config: config, spec: config.envSpec, globalSteps: 0))
    }
    // A tensor outside θ is an error, not a trap.
    let outside = [Checkpoint.Layer(name: "q.0.weight", rows: 2, cols: 2, offset: 2, count: 4)]
    #expect(throws: PolicyExport.ExportError.self) {
      try PolicyExport(layers: outside, parameters: [1, 2, 3, 4], run: .init(config: config, spec: config.envSpec, globalSteps: 0))
    }
  }
}
