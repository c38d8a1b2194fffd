// ExportCLITests.swift — `hogwild-rl export`: for every network family
// (discrete actor-critic MLP, Q family, continuous A3C's two networks,
// MinAtar's conv net, and `--net lstm` with an MLP torso, a conv torso and a
// Gaussian head), a short run's checkpoint exported in both formats and read
// back by ExportFileReader: the documented names and shapes, exactly θ's
// floats (bit for bit, each once), and the forward pass docs/EXPORT.md
// states — computed here from the exported tensors alone, over a sequence of
// observations from the zero LSTM state — giving TinyNN's outputs; the same
// for examples/policy.py. Then bad input: 64 for usage, 1 for checkpoints and
// --out, and nothing half-written.

import Formats
import Foundation
import Glibc
import Runtime
import Testing
import TinyNN

extension CLITests {
@Suite(.serialized) struct ExportCLITests {
  /// One network family: the run, the export it must give, and TinyNN's
  /// network(s) over the checkpoint's θ (outputs in export head order).
  struct Family: CustomStringConvertible, Sendable {
    var name: String
    var args: [String]
    var tensors: [(String, [Int])]
    var observationSize: Int
    var binaryObservations = false
    /// Byte observations (0…255, the frames fixture's): the exported network
    /// reads them × input_scale (1/255), TinyNN's byte forward as byte/255.
    var byteObservations = false
    /// TinyNN's outputs for each observation of a sequence (a recurrent
    /// network's state starting at zero), concatenated in head order.
    var reference: @Sendable ([Float], [[Float]]) -> [[Double]]
    var description: String { name }
  }

  static func outputs<N: Network>(_ net: N, _ theta: [Float], _ xs: [[Float]]) -> [[Double]] {
    var ws: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: 1)
    return xs.map { x in
      net.forward(params: theta, input: x, row: 0, workspace: &ws)
      return (0..<net.outputs).map { Double(ws.output(row: 0, index: $0)) }
    }
  }

  /// A recurrent network over a sequence as `eval` plays it: zero state,
  /// one step per observation, the state carried to the next.
  static func outputs<T: Network>(_ net: RecurrentNetwork<T>, _ theta: [Float], _ xs: [[Float]]) -> [[Double]] {
    var ws: RecurrentWorkspace<Float> = net.makeWorkspace(maxSteps: 1)
    ws.resetState()
    return xs.map { x in
      net.forward(params: theta, input: x, step: 0, workspace: &ws)
      ws.carryState(fromStep: 0)
      return (0..<net.outputs).map { Double(ws.head.output(row: 0, index: $0)) }
    }
  }

  /// TinyNN's byte forward (each value a byte) over the observations.
  static func byteOutputs<N: Network>(_ net: N, _ theta: [Float], _ xs: [[Float]]) -> [[Double]] {
    var ws: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: 1)
    return xs.map { x in
      net.forward(params: theta, bytes: x.map { UInt8($0) }, inputOffset: 0, row: 0, workspace: &ws)
      return (0..<net.outputs).map { Double(ws.output(row: 0, index: $0)) }
    }
  }

  static func byteOutputs<T: Network>(_ net: RecurrentNetwork<T>, _ theta: [Float], _ xs: [[Float]]) -> [[Double]] {
    var ws: RecurrentWorkspace<Float> = net.makeWorkspace(maxSteps: 1)
    ws.resetState()
    return xs.map { x in
      net.forward(params: theta, bytes: x.map { UInt8($0) }, step: 0, workspace: &ws)
      ws.carryState(fromStep: 0)
      return (0..<net.outputs).map { Double(ws.head.output(row: 0, index: $0)) }
    }
  }

  /// `--env` of the frames fixture plugin (Atari-like byte frames [4, 36, 36]).
  static let frames = "plugin:" + ((try? ALE.framesPlugin()) ?? "/the-frames-plugin-did-not-build.so") + ":Frames-v0"
  static let atariFront: [(String, [Int])] = [("conv.0.weight", [16, 4, 8, 8]), ("conv.0.bias", [16]),
                                              ("conv.1.weight", [32, 16, 4, 4]), ("conv.1.bias", [32]),
                                              ("torso.0.weight", [256, 288]), ("torso.0.bias", [256])]

  static let families: [Family] = [
    Family(name: "a3c-mlp", args: ["--env", "CartPole-v1"],
           tensors: [("torso.0.weight", [64, 4]), ("torso.0.bias", [64]), ("torso.1.weight", [64, 64]),
                     ("torso.1.bias", [64]), ("policy.weight", [2, 64]), ("policy.bias", [2]),
                     ("value.weight", [1, 64]), ("value.bias", [1])],
           observationSize: 4,
           reference: { outputs(MLP(inputs: 4, hidden: [64, 64], outputs: 3, activation: .tanh, name: "actor_critic"), $0, $1) }),
    Family(name: "q1-relu", args: ["--env", "Acrobot-v1", "--algo", "q1", "--hidden", "32", "--activation", "relu"],
           tensors: [("torso.0.weight", [32, 6]), ("torso.0.bias", [32]), ("q.weight", [3, 32]), ("q.bias", [3])],
           observationSize: 6,
           reference: { outputs(MLP(inputs: 6, hidden: [32], outputs: 3, activation: .relu, name: "q"), $0, $1) }),
    Family(name: "a3c-gaussian", args: ["--env", "Pendulum-v1", "--hidden", "16,8"],
           tensors: [("policy_torso.0.weight", [16, 3]), ("policy_torso.0.bias", [16]),
                     ("policy_torso.1.weight", [8, 16]), ("policy_torso.1.bias", [8]),
                     ("policy.mean.weight", [1, 8]), ("policy.mean.bias", [1]),
                     ("policy.rho.weight", [1, 8]), ("policy.rho.bias", [1]),
                     ("value_torso.0.weight", [16, 3]), ("value_torso.0.bias", [16]),
                     ("value_torso.1.weight", [8, 16]), ("value_torso.1.bias", [8]),
                     ("value.weight", [1, 8]), ("value.bias", [1])],
           observationSize: 3,
           reference: { theta, x in
             let p = MLP(inputs: 3, hidden: [16, 8], outputs: 2, activation: .tanh, name: "policy")
             let v = MLP(inputs: 3, hidden: [16, 8], outputs: 1, activation: .tanh, name: "value",
                         parameterOffset: p.parameterCount)
             return zip(outputs(p, theta, x), outputs(v, theta, x)).map { $0 + $1 }
           }),
    Family(name: "a3c-conv", args: ["--env", "MinAtar/Breakout-v1"],
           tensors: [("conv.weight", [16, 4, 3, 3]), ("conv.bias", [16]), ("torso.0.weight", [128, 1024]),
                     ("torso.0.bias", [128]), ("policy.weight", [3, 128]), ("policy.bias", [3]),
                     ("value.weight", [1, 128]), ("value.bias", [1])],
           observationSize: 400, binaryObservations: true,
           reference: { outputs(ConvNet(channels: 4, outputs: 4, name: "actor_critic"), $0, $1) }),
    // --net lstm: torso (every layer activated, the last one being the LSTM's input) → LSTM → heads.
    Family(name: "a3c-lstm", args: ["--env", "CartPoleNoVel-v1", "--net", "lstm", "--lstm-cells", "8", "--hidden", "16,12"],
           tensors: [("torso.0.weight", [16, 2]), ("torso.0.bias", [16]), ("torso.1.weight", [12, 16]),
                     ("torso.1.bias", [12]), ("lstm.weight_ih", [32, 12]), ("lstm.weight_hh", [32, 8]),
                     ("lstm.bias", [32]), ("policy.weight", [2, 8]), ("policy.bias", [2]),
                     ("value.weight", [1, 8]), ("value.bias", [1])],
           observationSize: 2,
           reference: {
             let torso = MLP(inputs: 2, hidden: [16], outputs: 12, activation: .tanh, name: "torso")
             return outputs(RecurrentNetwork(torso: torso, torsoActivation: .tanh, cells: 8, outputs: 3,
                                             headName: "actor_critic"), $0, $1)
           }),
    Family(name: "a3c-lstm-gaussian",
           args: ["--env", "PendulumNoVel-v1", "--net", "lstm", "--lstm-cells", "8", "--hidden", "16", "--activation", "relu"],
           tensors: [("torso.0.weight", [16, 2]), ("torso.0.bias", [16]), ("lstm.weight_ih", [32, 16]),
                     ("lstm.weight_hh", [32, 8]), ("lstm.bias", [32]),
                     ("policy.mean.weight", [1, 8]), ("policy.mean.bias", [1]),
                     ("policy.rho.weight", [1, 8]), ("policy.rho.bias", [1]),
                     ("value.weight", [1, 8]), ("value.bias", [1])],
           observationSize: 2,
           reference: {
             let torso = MLP(inputs: 2, hidden: [], outputs: 16, activation: .relu, name: "torso")
             return outputs(RecurrentNetwork(torso: torso, torsoActivation: .relu, cells: 8, outputs: 3,
                                             headName: "gaussian_actor_critic"), $0, $1)
           }),
    Family(name: "a3c-lstm-conv", args: ["--env", "MinAtar/Breakout-v1", "--net", "lstm", "--lstm-cells", "16"],
           tensors: [("conv.weight", [16, 4, 3, 3]), ("conv.bias", [16]), ("torso.0.weight", [128, 1024]),
                     ("torso.0.bias", [128]), ("lstm.weight_ih", [64, 128]), ("lstm.weight_hh", [64, 16]),
                     ("lstm.bias", [64]), ("policy.weight", [3, 16]), ("policy.bias", [3]),
                     ("value.weight", [1, 16]), ("value.bias", [1])],
           observationSize: 400, binaryObservations: true,
           reference: {
             let torso = ConvNet(channels: 4, hidden: [], outputs: 128, name: "torso")
             return outputs(RecurrentNetwork(torso: torso, torsoActivation: .relu, cells: 16, outputs: 4,
                                             headName: "actor_critic"), $0, $1)
           }),
    // The paper's Atari network (--net atari, the default for byte frames) over byte observations.
    Family(name: "a3c-atari", args: ["--env", frames],
           tensors: atariFront + [("policy.weight", [4, 256]), ("policy.bias", [4]), ("value.weight", [1, 256]),
                                  ("value.bias", [1])],
           observationSize: 4 * 36 * 36, byteObservations: true,
           reference: { byteOutputs(AtariNet(channels: 4, height: 36, width: 36, outputs: 5, name: "actor_critic"), $0, $1) }),
    Family(name: "qn-atari", args: ["--env", frames, "--algo", "qn"],
           tensors: atariFront + [("q.weight", [4, 256]), ("q.bias", [4])],
           observationSize: 4 * 36 * 36, byteObservations: true,
           reference: { byteOutputs(AtariNet(channels: 4, height: 36, width: 36, outputs: 4, name: "q"), $0, $1) }),
    Family(name: "a3c-lstm-atari", args: ["--env", frames, "--net", "lstm", "--lstm-cells", "16"],
           tensors: atariFront + [("lstm.weight_ih", [64, 256]), ("lstm.weight_hh", [64, 16]), ("lstm.bias", [64]),
                                  ("policy.weight", [4, 16]), ("policy.bias", [4]), ("value.weight", [1, 16]),
                                  ("value.bias", [1])],
           observationSize: 4 * 36 * 36, byteObservations: true,
           reference: {
             let torso = AtariNet(channels: 4, height: 36, width: 36, hidden: [], outputs: 256, name: "torso")
             return byteOutputs(RecurrentNetwork(torso: torso, torsoActivation: .relu, cells: 16, outputs: 5,
                                                 headName: "actor_critic"), $0, $1)
           }),
  ]

  /// The forward pass of docs/EXPORT.md from the exported tensors and the
  /// metadata alone, over a sequence (an LSTM's state starting at zero):
  /// each step's heads' outputs, concatenated.
  static func exportedForward(_ f: ExportedFile, _ xs: [[Float]]) throws -> [[Double]] {
    let m = f.metadata
    var h: [Double] = [], c: [Double] = []
    if let lstm = m["lstm"] as? [String: Any] {
      let n = try #require(lstm["cells"] as? Int)
      try #require(lstm["gate_order"] as? String == "ifgo" && m["network"] as? String == "lstm")
      (h, c) = (Array(repeating: 0, count: n), Array(repeating: 0, count: n))
    }
    return try xs.map { try exportedStep(f, $0, h: &h, c: &c) }
  }

  /// One step of `exportedForward`; `h`, `c` the LSTM's state (empty for a
  /// feed-forward network).
  static func exportedStep(_ f: ExportedFile, _ x: [Float], h: inout [Double], c: inout [Double]) throws -> [Double] {
    let m = f.metadata
    let relu = try #require(m["activation"] as? String) == "relu"
    func act(_ v: Double) -> Double { relu ? max(v, 0) : Foundation.tanh(v) }
    func linear(_ name: String, _ h: [Double]) throws -> [Double] {
      let w = try #require(f.values[name + ".weight"]), b = try #require(f.values[name + ".bias"])
      let shape = try #require(f.shapes[name + ".weight"])
      try #require(shape[1] == h.count)
      return (0..<shape[0]).map { o in (0..<shape[1]).reduce(Double(b[o])) { $0 + Double(w[o * shape[1] + $1]) * h[$1] } }
    }
    func torso(_ layers: [String], _ input: [Double]) throws -> [Double] {
      var h = input
      for l in layers { h = try linear(l, h).map(act) }
      return h
    }
    var input = x.map(Double.init)
    if let layers = m["conv_layers"] as? [[String: Any]] {
      // The Atari front: [C, H, W] × input_scale, then each strided k×k
      // convolution (no padding) and ReLU, flattened [filter][row][column].
      let shape = try #require(m["observation_shape"] as? [Int])
      try #require(m["input_layout"] as? String == "CHW")
      let scale = try #require(m["input_scale"] as? Double)
      var (C, H, W) = (shape[0], shape[1], shape[2])
      input = input.map { $0 * scale }
      for layer in layers {
        let name = try #require(layer["name"] as? String)
        let k = try #require(layer["kernel_size"] as? Int), stride = try #require(layer["stride"] as? Int)
        let w = try #require(f.values[name + ".weight"]), b = try #require(f.values[name + ".bias"])
        let F = b.count, oh = (H - k) / stride + 1, ow = (W - k) / stride + 1
        try #require(layer["filters"] as? Int == F && f.shapes[name + ".weight"] == [F, C, k, k])
        var out = [Double](repeating: 0, count: F * oh * ow)
        for fi in 0..<F { for y in 0..<oh { for xx in 0..<ow {
          var s = Double(b[fi])
          for c in 0..<C { for ky in 0..<k { for kx in 0..<k {
            s += Double(w[((fi * C + c) * k + ky) * k + kx]) * input[(c * H + y * stride + ky) * W + xx * stride + kx]
          } } }
          out[(fi * oh + y) * ow + xx] = max(s, 0)
        } } }
        (C, H, W, input) = (F, oh, ow, out)
      }
    } else if let conv = m["conv"] as? [String: Any] {
      let shape = try #require(m["observation_shape"] as? [Int])
      let (H, W, C) = (shape[0], shape[1], shape[2])
      let k = try #require(conv["kernel_size"] as? Int)
      let w = try #require(f.values["conv.weight"]), b = try #require(f.values["conv.bias"])
      let F = b.count, oh = H - k + 1, ow = W - k + 1
      // The observation is [row][column][channel]; the tensors expect [channel][row][column].
      func pixel(_ c: Int, _ y: Int, _ xx: Int) -> Double { input[(y * W + xx) * C + c] }
      var features = [Double](repeating: 0, count: F * oh * ow)
      for fi in 0..<F { for y in 0..<oh { for xx in 0..<ow {
        var s = Double(b[fi])
        for c in 0..<C { for ky in 0..<k { for kx in 0..<k {
          s += Double(w[((fi * C + c) * k + ky) * k + kx]) * pixel(c, y + ky, xx + kx)
        } } }
        features[(fi * oh + y) * ow + xx] = max(s, 0)
      } } }
      input = features
    }
    let heads = try #require(m["heads"] as? [String])
    if m["policy"] as? String == "gaussian" && h.isEmpty {
      let p = try torso(try #require(m["policy_torso"] as? [String]), input)
      let v = try torso(try #require(m["value_torso"] as? [String]), input)
      return try linear("policy.mean", p) + linear("policy.rho", p) + linear("value", v)
    }
    var features = try torso(try #require(m["torso"] as? [String]), input)
    if !h.isEmpty {
      // z = W_ih·x + W_hh·h + b (4N: i, f, g, o); c = σ(f)·c + σ(i)·tanh(g); h = σ(o)·tanh(c).
      let n = h.count, wih = try #require(f.values["lstm.weight_ih"]), whh = try #require(f.values["lstm.weight_hh"])
      let b = try #require(f.values["lstm.bias"]), inputs = features.count
      try #require(wih.count == 4 * n * inputs && whh.count == 4 * n * n && b.count == 4 * n)
      let z = (0..<(4 * n)).map { r in
        (0..<inputs).reduce(Double(b[r])) { $0 + Double(wih[r * inputs + $1]) * features[$1] }
          + (0..<n).reduce(0.0) { $0 + Double(whh[r * n + $1]) * h[$1] }
      }
      func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
      for k in 0..<n {
        c[k] = sigmoid(z[n + k]) * c[k] + sigmoid(z[k]) * Foundation.tanh(z[2 * n + k])
        h[k] = sigmoid(z[3 * n + k]) * Foundation.tanh(c[k])
      }
      features = h
    }
    return try heads.flatMap { try linear($0, features) }
  }

  @Test(arguments: families) func exportRoundTripsTheta(_ family: Family) throws {
    let s = try Scratch()
    let run = s.path("run")
    let r = try Harness.run(["run", "--procs", "1", "--t-max", "3000", "--quiet", "--out", run] + family.args,
                            in: s.url, timeout: 60)
    try #require(r.exitCode == 0, "\(r)")
    let checkpoint = try Checkpoint(decoding: Array(try Data(contentsOf: s.file("run/checkpoint.bin"))))
    var files: [ExportedFile] = []
    for format in ["safetensors", "npz"] {
      let out = s.path("policy.\(format)")
      let e = try Harness.run(["export", "--checkpoint", run + "/checkpoint.bin", "--format", format, "--out", out],
                              in: s.url, timeout: 30)
      #expect(e.exitCode == 0 && e.stderr.isEmpty, "\(e)")
      #expect(!FileManager.default.fileExists(atPath: out + ".tmp"))
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
      files.append(format == "npz" ? try ExportedFile(npz: bytes) : try ExportedFile(safetensors: bytes))
    }
    for f in files {
      #expect(f.names == family.tensors.map(\.0), "\(family): names")
      for (name, shape) in family.tensors { #expect(f.shapes[name] == shape, "\(family): \(name)") }
      // Every float of θ exactly once, bit for bit.
      let exported = f.names.flatMap { f.values[$0]! }.map(\.bitPattern).sorted()
      #expect(exported == checkpoint.parameters.map(\.bitPattern).sorted(), "\(family): not θ's floats")
      #expect(f.metadata["env_id"] as? String == family.args[1])
      #expect(f.metadata["algorithm"] as? String == checkpoint.algorithm)
      #expect(f.metadata["T"] as? Int == Int(checkpoint.globalSteps))
    }
    // Both formats hold the same tensors, bit for bit.
    for name in files[0].names {
      #expect(files[0].values[name]!.map(\.bitPattern) == files[1].values[name]!.map(\.bitPattern), "\(name)")
    }
    if family.args.contains("lstm") {
      let lstm = try #require(files[0].metadata["lstm"] as? [String: Any], "\(family): no metadata lstm")
      #expect(lstm["cells"] as? Int == files[0].shapes["lstm.weight_hh"]?[1] && lstm["bias"] as? String == "bias_ih+bias_hh")
      // A convolution's torso is ReLU whatever --activation says (the default is tanh).
      #expect(files[0].metadata["activation"] as? String
        == (family.binaryObservations || family.byteObservations || family.args.contains("relu") ? "relu" : "tanh"))
    }
    // The documented forward pass over the exported tensors gives TinyNN's outputs, step by
    // step over sequences of random observations (each from the zero state).
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<2 {
      let xs: [[Float]] = (0..<4).map { _ in
        (0..<family.observationSize).map { _ in
          family.byteObservations ? Float(UInt8.random(in: 0...255, using: &rng))
            : family.binaryObservations ? (Bool.random(using: &rng) && Bool.random(using: &rng) ? 1 : 0)
            : Float.random(in: -1...1, using: &rng)
        }
      }
      let expected = family.reference(checkpoint.parameters, xs)
      for (f, format) in zip(files, ["safetensors", "npz"]) {
        try Self.checkPolicyScript(s.path("policy.\(format)"), f, observations: xs, expected: expected, family)
        let got = try Self.exportedForward(f, xs)
        try #require(got.count == expected.count)
        for (step, (g, e)) in zip(got, expected).enumerated() {
          try #require(g.count == e.count)
          for (a, b) in zip(g, e) {
            #expect(abs(a - b) <= 1e-4 * (1 + abs(b)), "\(family) step \(step): \(g) vs \(e)")
          }
        }
      }
    }
  }

  static let python = toolOnPath("python3")
  static let policyScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/policy.py").path
  /// Whether the system python3 can import numpy (policy.py's forward pass needs it).
  static let numpy: Bool = python.map { (try? runProgram([$0, "-c", "import numpy"]).status) == 0 } ?? false

  /// Runs a program; returns (exit status, stdout, stderr).
  static func runProgram(_ argv: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }

  /// examples/policy.py on an exported file: `--describe` (standard library
  /// only) names every tensor with its shape and sum; with numpy, `--obs`
  /// once per observation (one step each, from the zero state) gives each
  /// step's heads' outputs `expected` and the greedy action they imply.
  static func checkPolicyScript(_ path: String, _ f: ExportedFile, observations xs: [[Float]], expected: [[Double]],
                                _ family: Family) throws {
    guard let python else { return }
    let d = try runProgram([python, policyScript, path, "--describe"])
    try #require(d.status == 0, "\(family): \(d.err)")
    let described = try #require(try JSONSerialization.jsonObject(with: Data(d.out.utf8)) as? [String: Any])
    let list = try #require(described["tensors"] as? [[String: Any]])
    #expect(list.compactMap { $0["name"] as? String } == f.names, "\(family): policy.py --describe")
    for t in list {
      let name = try #require(t["name"] as? String)
      #expect(t["shape"] as? [Int] == f.shapes[name])
      let sum = f.values[name]!.reduce(0.0) { $0 + Double($1) }
      #expect(abs((t["sum"] as? Double ?? .nan) - sum) <= 1e-9 * (1 + abs(sum)), "\(family): \(name) sum")
    }
    #expect(described["metadata"] as? NSDictionary == f.metadata as NSDictionary, "\(family): policy.py metadata")
    guard numpy else { return }
    let r = try runProgram([python, policyScript, path, "--greedy"] + xs.map { "--obs=" + $0.map { "\($0)" }.joined(separator: ",") })
    try #require(r.status == 0, "\(family): \(r.err)")
    let lines = r.out.split(separator: "\n")
    try #require(lines.count == xs.count, "\(family): \(r.out)")
    for (line, expected) in zip(lines, expected) {
      let answer = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      try checkPolicyStep(answer, f, expected: expected, family)
    }
  }

  /// One line of policy.py --obs: the heads' outputs and the greedy action.
  static func checkPolicyStep(_ answer: [String: Any], _ f: ExportedFile, expected: [Double], _ family: Family) throws {
    let outputs = try #require(answer["outputs"] as? [String: [Double]])
    let heads: [String] = (f.metadata["heads"] as? [String]) ?? []
    let got = heads.flatMap { outputs[$0] ?? [] }
    try #require(got.count == expected.count, "\(family): \(outputs)")
    for (a, b) in zip(got, expected) { #expect(abs(a - b) <= 1e-4 * (1 + abs(b)), "\(family): \(got) vs \(expected)") }
    switch f.metadata["policy"] as? String {
    case "gaussian":
      let low = -2.0, high = 2.0   // Pendulum's bounds
      let a = try #require((answer["action"] as? [Double])?.first)
      #expect(abs(a - min(max(expected[0], low), high)) <= 1e-4, "\(family): action \(a)")
    default:
      let a = try #require(answer["action"] as? Int)
      let scores = Array(expected.prefix(heads.first == "q" ? expected.count : expected.count - 1))
      #expect(scores[a] == scores.max(), "\(family): action \(a) for \(scores)")
    }
  }

  @Test func badInputIsOneLineAndLeavesNothing() throws {
    let s = try Scratch()
    let run = s.path("run")
    let r = try Harness.run(["run", "--procs", "1", "--t-max", "2000", "--quiet", "--out", run], in: s.url, timeout: 30)
    try #require(r.exitCode == 0, "\(r)")
    let good = run + "/checkpoint.bin"
    var corrupt = Array(try Data(contentsOf: URL(fileURLWithPath: good)))
    corrupt[corrupt.count / 2] ^= 0x10
    try Data(corrupt).write(to: s.file("corrupt.bin"))
    try Data("not a checkpoint".utf8).write(to: s.file("foreign.bin"))
    // An existing --out must survive every failed export untouched.
    let out = s.path("keep.npz")
    try Data("old".utf8).write(to: URL(fileURLWithPath: out))
    try FileManager.default.createDirectory(atPath: s.path("adir"), withIntermediateDirectories: false)
    let cases: [([String], Int32, String)] = [
      (["--checkpoint", good, "--format", "onnx9", "--out", out], 64, "--format"),
      (["--checkpoint", good, "--out", out], 64, "--format is required"),
      (["--format", "npz", "--out", out], 64, "--checkpoint is required"),
      (["--checkpoint", good, "--format", "npz"], 64, "--out is required"),
      (["--checkpoint", good, "--format", "npz", "--out", out, "--bogus"], 64, "--bogus"),
      (["--checkpoint", s.path("missing.bin"), "--format", "npz", "--out", out], 64, "missing.bin"),
      (["--checkpoint", s.path("corrupt.bin"), "--format", "safetensors", "--out", out], 1, "corrupt"),
      (["--checkpoint", s.path("foreign.bin"), "--format", "npz", "--out", out], 1, "not a hogwild-rl checkpoint"),
      (["--checkpoint", good, "--format", "npz", "--out", s.path("no/such/dir/p.npz")], 64, "could not write"),
      (["--checkpoint", good, "--format", "npz", "--out", s.path("adir")], 64, "could not write"),
    ]
    for (args, status, text) in cases {
      let e = try Harness.run(["export"] + args, in: s.url, timeout: 30)
      #expect(e.exitCode == status, "\(args): \(e)")
      #expect(e.stderrLines.count == 1 && e.stderr.contains(text), "\(args): \(e.stderr)")
      #expect(e.stdout.isEmpty)
    }
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "old")
    let left = try FileManager.default.contentsOfDirectory(atPath: s.url.path).filter { $0.hasSuffix(".tmp") }
    #expect(left.isEmpty, "\(left)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: s.path("adir")).isEmpty)
    // --help, and the top-level help lists the subcommand.
    let help = try Harness.run(["export", "--help"], in: s.url)
    #expect(help.exitCode == 0 && help.stdout.contains("--format") && help.stdout.contains("torso.<l>.weight"))
    let top = try Harness.run(["--help"], in: s.url)
    #expect(top.stdout.contains("export  "))
  }
}
}
