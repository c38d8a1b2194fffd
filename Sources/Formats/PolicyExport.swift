// PolicyExport.swift — a checkpoint's network as named float32 tensors in
// the layouts other frameworks use (PyTorch's [out, in] dense weights,
// [out, in, kh, kw] convolution weights), plus a metadata JSON that says how
// to run them. `SafetensorsFile` and `NPZFile` write the result; the forward
// pass it implies is documented in docs/EXPORT.md.
//
// The export walks the checkpoint's layer table, so a layer this file does
// not know still exports (by its own name, as stored); the two tables below
// are the whole mapping: how a network (the name before the first dot) is
// split into torso and heads, and how each kind of tensor is laid out.

/// One exported tensor: a stable name, its shape and its float32 values in
/// row-major (C) order.
public struct ExportedTensor: Equatable, Sendable {
  public var name: String
  public var shape: [Int]
  public var values: [Float]
  public init(name: String, shape: [Int], values: [Float]) {
    self.name = name
    self.shape = shape
    self.values = values
  }
}

/// A trained network ready to be written: tensors in forward order and the
/// metadata JSON that describes the architecture.
public struct PolicyExport: Sendable {
  public var tensors: [ExportedTensor]
  /// The architecture (see docs/EXPORT.md), as one JSON object.
  public var metadata: JSON

  /// Why a checkpoint's network could not be mapped to export names.
  public struct ExportError: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  /// How a network's dense layers are named: hidden layers `torso.l`, the
  /// last (output) layer's columns split into heads. Keyed by the network's
  /// name in the layer table (`NetworkBuilder.head`; the Gaussian head's split networks).
  struct NetworkRule: Sendable {
    var torso: String
    /// Head name and which output columns (of `outputs`) it takes.
    var heads: [(name: String, columns: @Sendable (Int) -> Range<Int>)]
    /// Prefix for tensors of unknown kinds (e.g. a recurrent layer's):
    /// empty for the single-network families, so `actor_critic.lstm.bias`
    /// exports as `lstm.bias`.
    var otherPrefix: String
  }

  static let networkRules: [String: NetworkRule] = [
    // Discrete actor-critic (A3C, A2C): one network, outputs [logits…, V].
    "actor_critic": NetworkRule(torso: "torso", heads: [("policy", { 0..<($0 - 1) }), ("value", { ($0 - 1)..<$0 })],
                                otherPrefix: ""),
    // A torso of its own, in front of other layers (e.g. a recurrent
    // network's torso → LSTM → `actor_critic` head): every dense layer,
    // the last included, is a hidden layer.
    "torso": NetworkRule(torso: "torso", heads: [], otherPrefix: ""),
    // The Q family: one network, outputs Q(s, ·).
    "q": NetworkRule(torso: "torso", heads: [("q", { 0..<$0 })], otherPrefix: ""),
    // Continuous A3C: a policy network with outputs [μ…, ρ…] (σ² = softplus(ρ) + floor) …
    "policy": NetworkRule(torso: "policy_torso", heads: [("policy.mean", { 0..<($0 / 2) }), ("policy.rho", { ($0 / 2)..<$0 })],
                          otherPrefix: "policy_torso."),
    // Continuous A3C-LSTM (--net lstm): torso → LSTM → one head of outputs
    // [μ…, ρ…, V].
    "gaussian_actor_critic": NetworkRule(
      torso: "torso",
      heads: [("policy.mean", { 0..<(($0 - 1) / 2) }), ("policy.rho", { (($0 - 1) / 2)..<($0 - 1) }),
              ("value", { ($0 - 1)..<$0 })],
      otherPrefix: ""),
    // … and a separate value network.
    "value": NetworkRule(torso: "value_torso", heads: [("value", { 0..<$0 })], otherPrefix: "value_torso."),
  ]

  /// How one stored tensor is laid out, by the part of its name after the
  /// network's: `<l>.weight`/`<l>.bias` dense, `conv.weight`/`conv.bias`,
  /// anything else exported as stored.
  enum TensorKind: Equatable {
    case denseWeight(layer: Int)   // stored [in, out] → [out, in]
    case denseBias(layer: Int)     // [out]
    case convWeight                // stored [(ky, kx, c), f] → [f, c, ky, kx]
    case convBias                  // [f]
    case other                     // as stored: [rows, cols], or [cols] if rows is 1

    init(_ suffix: Substring) {
      let parts = suffix.split(separator: ".", omittingEmptySubsequences: false)
      if parts.count == 2, let l = Int(parts[0]), l >= 0 {
        self = parts[1] == "weight" ? .denseWeight(layer: l) : parts[1] == "bias" ? .denseBias(layer: l) : .other
      } else if suffix == "conv.weight" {
        self = .convWeight
      } else if suffix == "conv.bias" {
        self = .convBias
      } else {
        self = .other
      }
    }
  }

  /// What the metadata says about the run besides its tensors (plain values,
  /// filled in by the runtime from the checkpoint's settings).
  public struct Run: Sendable {
    /// `--algo` as written in config.json.
    public var algorithm: String
    /// qn, q1, sarsa1: the network outputs Q(s, ·).
    public var isValueBased: Bool
    public var envID: String
    /// The environment's spec as `envs --json` writes it.
    public var envSpec: JSON
    public var observationShape: [Int]
    /// 0 for a Box action space.
    public var discreteActionCount: Int
    /// `--net`, and whether it is the recurrent one (torso → LSTM → heads).
    public var network: String
    public var isRecurrent: Bool
    /// `--activation`, and the one a convolution and the dense layers after
    /// it use whatever `--activation` says (ReLU).
    public var activation: String
    public var convolutionActivation: String
    /// The Gaussian policy's variance floor (written for Box actions).
    public var minimumVariance: Double
    /// T when the checkpoint was taken.
    public var globalSteps: UInt64

    public init(algorithm: String, isValueBased: Bool, envID: String, envSpec: JSON, observationShape: [Int],
                discreteActionCount: Int, network: String, isRecurrent: Bool, activation: String,
                convolutionActivation: String, minimumVariance: Double, globalSteps: UInt64) {
      self.algorithm = algorithm
      self.isValueBased = isValueBased
      self.envID = envID
      self.envSpec = envSpec
      self.observationShape = observationShape
      self.discreteActionCount = discreteActionCount
      self.network = network
      self.isRecurrent = isRecurrent
      self.activation = activation
      self.convolutionActivation = convolutionActivation
      self.minimumVariance = minimumVariance
      self.globalSteps = globalSteps
    }
  }

  /// Maps a layer table and θ to export tensors and the metadata.
  public init(layers: [Checkpoint.Layer], parameters: [Float], run: Run) throws(ExportError) {
    let shape = run.observationShape
    // Per network: its dense layers, to tell hidden layers from the output layer.
    var lastDense: [String: Int] = [:]
    for l in layers {
      let (net, suffix) = Self.split(l.name)
      if case .denseWeight(let i) = TensorKind(suffix) { lastDense[net] = max(lastDense[net] ?? 0, i) }
    }
    var convGeometry: (k: Int, channels: Int, outH: Int, outW: Int, filters: Int)?
    // The network the convolution belongs to: only its first dense layer reads
    // the feature maps (a recurrent head's layer 0 reads h_t).
    var convNetwork: String?
    var lstmCells: Int?
    var out: [ExportedTensor] = []
    var heldWeights: [String: ExportedTensor] = [:]
    for l in layers {
      let (net, suffix) = Self.split(l.name)
      guard l.offset >= 0, l.rows >= 1, l.cols >= 1, l.count == l.rows * l.cols, l.offset + l.count <= parameters.count else {
        throw ExportError(description: "tensor \(l.name) does not fit θ (\(parameters.count) floats)")
      }
      let stored = Array(parameters[l.offset..<(l.offset + l.count)])
      let rule = Self.networkRules[net]
      switch TensorKind(suffix) {
      case .denseWeight(let i), .denseBias(let i):
        guard let rule else { throw ExportError(description: "no export names for network '\(net)' (tensor \(l.name))") }
        let isWeight = suffix.hasSuffix("weight")
        // The first dense layer after a convolution reads the feature maps;
        // reorder its inputs from [row][column][filter] to PyTorch's
        // flattened [filter][row][column].
        let inputOrder: [Int]? = (i == 0 && isWeight && net == convNetwork) ? convGeometry.map(Self.featureOrder) : nil
        if let inputOrder, inputOrder.count != l.rows {
          throw ExportError(description: "\(l.name): \(l.rows) inputs, but the convolution makes \(inputOrder.count) features")
        }
        if i == lastDense[net], !rule.heads.isEmpty {
          // The output layer's weight is held back so each head's weight and
          // bias come out together (head by head, in the rule's order).
          for head in rule.heads {
            let columns = head.columns(l.cols)
            if isWeight {
              heldWeights[net + "/" + head.name] =
                Self.dense(stored, rows: l.rows, cols: l.cols, columns: columns, inputOrder: inputOrder, name: head.name + ".weight")
            } else {
              if let w = heldWeights.removeValue(forKey: net + "/" + head.name) { out.append(w) }
              out.append(ExportedTensor(name: head.name + ".bias", shape: [columns.count], values: Array(stored[columns])))
            }
          }
        } else {
          let name = "\(rule.torso).\(i)." + (isWeight ? "weight" : "bias")
          out.append(isWeight
            ? Self.dense(stored, rows: l.rows, cols: l.cols, columns: 0..<l.cols, inputOrder: inputOrder, name: name)
            : ExportedTensor(name: name, shape: [l.cols], values: stored))
        }
      case .convWeight:
        guard shape.count == 3, l.rows % shape[2] == 0 else {
          throw ExportError(description: "\(l.name): a convolution needs a height × width × channels observation")
        }
        let c = shape[2], k = Int(Double(l.rows / c).squareRoot().rounded())
        guard k * k * c == l.rows, k <= shape[0], k <= shape[1] else {
          throw ExportError(description: "\(l.name): \(l.rows) rows are not k·k·\(c) for a square kernel")
        }
        let g = (k: k, channels: c, outH: shape[0] - k + 1, outW: shape[1] - k + 1, filters: l.cols)
        convGeometry = g
        convNetwork = net
        var values = [Float](repeating: 0, count: l.count)
        for f in 0..<g.filters {
          for ch in 0..<c {
            for ky in 0..<k {
              for kx in 0..<k {
                values[((f * c + ch) * k + ky) * k + kx] = stored[((ky * k + kx) * c + ch) * g.filters + f]
              }
            }
          }
        }
        out.append(ExportedTensor(name: "conv.weight", shape: [g.filters, c, k, k], values: values))
      case .convBias:
        out.append(ExportedTensor(name: "conv.bias", shape: [l.cols], values: stored))
      case .other:
        let name = (rule?.otherPrefix ?? "\(net).") + suffix
        if net == "lstm" && suffix == "weight_hh" { lstmCells = l.cols }
        out.append(ExportedTensor(name: name, shape: l.rows == 1 ? [l.cols] : [l.rows, l.cols], values: stored))
      }
    }
    // A weight whose bias never came (not a layout this build writes).
    guard heldWeights.isEmpty else {
      throw ExportError(description: "output layer without a bias: \(heldWeights.keys.sorted().joined(separator: ", "))")
    }
    tensors = out

    let policyKind: String
    if run.isValueBased { policyKind = "q" }
    else if run.discreteActionCount == 0 { policyKind = "gaussian" }
    else { policyKind = "categorical" }
    var fields: [(String, JSON)] = [
      ("format", .string("hogwild-rl-policy")),
      ("format_version", .int(1)),
      ("algorithm", .string(run.algorithm)),
      ("env_id", .string(run.envID)),
      ("env_spec", run.envSpec),
      ("T", .uint(run.globalSteps)),
      ("network", .string(run.network)),
      ("policy", .string(policyKind)),
      // A convolution and the dense layers after it are ReLU, whatever --activation says
      // (--net conv, and --net lstm's MinAtar torso).
      ("activation", .string(convGeometry != nil ? run.convolutionActivation : run.activation)),
      ("observation_shape", .array(shape.map { .int(Int64($0)) })),
    ]
    if let g = convGeometry {
      fields.append(("conv", .object([
        ("input_layout", .string("HWC")), ("kernel_size", .int(Int64(g.k))), ("stride", .int(1)),
        ("padding", .int(0)), ("filters", .int(Int64(g.filters))), ("flatten", .string("CHW")),
      ])))
    }
    if let n = lstmCells {
      // torso → LSTM → heads: the state (h, c) starts at zero with each episode.
      fields.append(("lstm", .object([
        ("cells", .int(Int64(n))), ("gate_order", .string("ifgo")), ("bias", .string("bias_ih+bias_hh")),
      ])))
    }
    if policyKind == "gaussian" { fields.append(("min_variance", .exactDouble(run.minimumVariance))) }
    // The forward order of the tensors, per role.
    let names = out.map(\.name)
    func prefixed(_ p: String) -> JSON {
      .array(names.filter { $0.hasPrefix(p + ".") && $0.hasSuffix(".weight") }.map { .string(String($0.dropLast(7))) })
    }
    switch policyKind {
    case "gaussian" where run.isRecurrent:
      fields.append(("torso", prefixed("torso")))
      fields.append(("heads", .array(["policy.mean", "policy.rho", "value"].map(JSON.string))))
    case "gaussian":
      fields.append(("policy_torso", prefixed("policy_torso")))
      fields.append(("value_torso", prefixed("value_torso")))
      fields.append(("heads", .array(["policy.mean", "policy.rho", "value"].map(JSON.string))))
    case "q":
      fields.append(("torso", prefixed("torso")))
      fields.append(("heads", .array([.string("q")])))
    default:
      fields.append(("torso", prefixed("torso")))
      fields.append(("heads", .array([.string("policy"), .string("value")])))
    }
    fields.append(("tensors", .array(out.map { t in
      .object([("name", .string(t.name)), ("shape", .array(t.shape.map { .int(Int64($0)) }))])
    })))
    metadata = .object(fields)
  }

  /// "actor_critic.0.weight" → ("actor_critic", "0.weight").
  static func split(_ name: String) -> (String, Substring) {
    guard let dot = name.firstIndex(of: ".") else { return (name, "") }
    return (String(name[..<dot]), name[name.index(after: dot)...])
  }

  /// A stored [in, out] weight's `columns` as PyTorch's [out, in]; with
  /// `inputOrder`, exported input i is stored input inputOrder[i].
  static func dense(_ w: [Float], rows n: Int, cols m: Int, columns: Range<Int>, inputOrder: [Int]?,
                    name: String) -> ExportedTensor {
    var values = [Float](repeating: 0, count: columns.count * n)
    for (o, j) in columns.enumerated() {
      for i in 0..<n {
        let source = inputOrder?[i] ?? i
        values[o * n + i] = w[source * m + j]
      }
    }
    return ExportedTensor(name: name, shape: [columns.count, n], values: values)
  }

  /// For PyTorch's flattened feature index f·H·W + y·W + x, the stored
  /// index (y·W + x)·F + f.
  static func featureOrder(_ g: (k: Int, channels: Int, outH: Int, outW: Int, filters: Int)) -> [Int] {
    var order = [Int](repeating: 0, count: g.outH * g.outW * g.filters)
    for f in 0..<g.filters {
      for y in 0..<g.outH {
        for x in 0..<g.outW {
          order[(f * g.outH + y) * g.outW + x] = (y * g.outW + x) * g.filters + f
        }
      }
    }
    return order
  }

  /// The metadata as compact JSON text.
  public var metadataText: String { metadata.serialized() }
}
