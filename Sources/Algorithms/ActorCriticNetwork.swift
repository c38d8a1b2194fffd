// ActorCriticNetwork.swift — what an actor-critic learns with: network
// outputs for the policy π(·|s) and the value V(s), over one flat θ.
//
// Three shapes, one protocol, so one learner and one loop (A3C.swift; A2C.swift
// for the synchronous rounds) serve them all:
// - `JointNetwork`: one feed-forward network (MLP or ConvNet) whose outputs
//   are the policy's, then V (the discrete A3C/A2C);
// - `SplitNetworks`: a policy MLP and a value MLP, stored one after the
//   other in θ (the paper's continuous control);
// - `JointRecurrentNetwork`: torso → LSTM → the policy's outputs, then V
//   (`--net lstm`); its rows are one sequence, step after step.
// What the policy's outputs mean is the `PolicyHead`'s business.

import BuiltInEnvs
import HogwildSegment
import TinyNN

/// The network(s) of an actor-critic: θ's shape and initial values, a
/// forward pass over rollout rows, V of a row, and the backward pass.
protocol ActorCriticNetwork {
  associatedtype Workspace
  /// Rows are steps of one sequence (an LSTM's state runs from row to row):
  /// one environment per worker, and V after the rollout is one more step.
  static var isRecurrent: Bool { get }
  /// Outputs of a row that belong to the policy (V comes after them).
  var policyOutputs: Int { get }
  var parameterCount: Int { get }
  var layers: [LayerEntry] { get }
  /// θ at the start of a run, drawn from `seed`.
  func initialParameters(seed: UInt64) -> [Float]
  /// Room for `rows` rows.
  func makeWorkspace(rows: Int) -> Workspace
  /// Where the next rollout's sequence starts: zero state at an episode's
  /// start, else the state after `lastRow` of the last rollout.
  func startSequence(_ work: inout Workspace, newEpisode: Bool, lastRow: Int)
  /// π's outputs and V of `rows` observations of `envs` (from environment
  /// `first`) into rows `firstRow ..< firstRow + rows`.
  func forward(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
               workspace: inout Workspace)
  /// V alone of `rows` observations (bootstrap states) into rows
  /// `firstRow ..< firstRow + rows`.
  func forwardValues(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
                     workspace: inout Workspace)
  /// V(s) of `row`.
  func value(_ work: Workspace, row: Int) -> Float
  /// dL/dV of `row`.
  func setValueGradient(_ work: inout Workspace, row: Int, _ gradient: Float)
  /// The policy's outputs, for `head` to act on (`row`) and to write its
  /// gradient into.
  func act<Head: PolicyHead>(_ head: inout Head, _ work: Workspace, row: Int, rng: inout Xoshiro256,
                             envs: inout EnvironmentBatch, k: Int) -> StepOutcome
  func writePolicyGradient<Head: PolicyHead>(_ head: inout Head, _ work: inout Workspace, row: Int,
                                             advantage: Float, entropyCoefficient: Float, sums: inout LossSums)
  /// dθ += ∂L/∂θ over rows 0..<rows (dL/d(outputs) already written).
  func backward(params: [Float], rows: Int, workspace: inout Workspace, gradients: inout [Float])
}

/// One feed-forward network; outputs: the policy's, then V.
struct JointNetwork<Net: Network>: ActorCriticNetwork {
  let network: Net

  static var isRecurrent: Bool { false }
  var policyOutputs: Int { network.outputs - 1 }
  var parameterCount: Int { network.parameterCount }
  var layers: [LayerEntry] { network.layerEntries }
  func initialParameters(seed: UInt64) -> [Float] { network.initialParameters(seed: seed, outputGain: 0.01) }
  func makeWorkspace(rows: Int) -> NetworkWorkspace<Float> { network.makeWorkspace(maxBatch: rows) }
  func startSequence(_ work: inout NetworkWorkspace<Float>, newEpisode: Bool, lastRow: Int) {}

  @inline(__always)
  func forward(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
               workspace: inout NetworkWorkspace<Float>) {
    network.forward(params: params, observations: envs, from: first, rows: rows, firstRow: firstRow,
                    workspace: &workspace)
  }

  @inline(__always)
  func forwardValues(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
                     workspace: inout NetworkWorkspace<Float>) {
    forward(params: params, observations: envs, from: first, rows: rows, firstRow: firstRow, workspace: &workspace)
  }

  @inline(__always)
  func value(_ work: NetworkWorkspace<Float>, row: Int) -> Float { work.output(row: row, index: policyOutputs) }

  @inline(__always)
  func setValueGradient(_ work: inout NetworkWorkspace<Float>, row: Int, _ gradient: Float) {
    work.setOutputGradient(row: row, index: policyOutputs, value: gradient)
  }

  @inline(__always)
  func act<Head: PolicyHead>(_ head: inout Head, _ work: NetworkWorkspace<Float>, row: Int, rng: inout Xoshiro256,
                             envs: inout EnvironmentBatch, k: Int) -> StepOutcome {
    head.act(work, row: row, rng: &rng, envs: &envs, k: k)
  }

  @inline(__always)
  func writePolicyGradient<Head: PolicyHead>(_ head: inout Head, _ work: inout NetworkWorkspace<Float>, row: Int,
                                             advantage: Float, entropyCoefficient: Float, sums: inout LossSums) {
    head.writeGradient(&work, row: row, advantage: advantage, entropyCoefficient: entropyCoefficient, sums: &sums)
  }

  func backward(params: [Float], rows: Int, workspace: inout NetworkWorkspace<Float>, gradients: inout [Float]) {
    network.backward(params: params, batch: rows, workspace: &workspace, gradients: &gradients)
  }
}

/// A policy MLP and a value MLP (V its one output), the value network's
/// parameters after the policy's in θ.
struct SplitNetworks: ActorCriticNetwork {
  let policy: MLP
  let value: MLP

  struct Workspace {
    var policy: NetworkWorkspace<Float>
    var value: NetworkWorkspace<Float>
  }

  static var isRecurrent: Bool { false }
  var policyOutputs: Int { policy.outputs }
  var parameterCount: Int { policy.parameterCount + value.parameterCount }
  var layers: [LayerEntry] { policy.layerEntries + value.layerEntries }

  func initialParameters(seed: UInt64) -> [Float] {
    // Small output weights (μ ≈ 0, σ² ≈ softplus(0) for a Gaussian policy);
    // both networks from one stream, the policy's first.
    initialTheta(count: parameterCount, seed: seed) { theta, rng in
      policy.initialize(&theta, rng: &rng, outputGain: 0.01)
      value.initialize(&theta, rng: &rng, outputGain: 0.01)
    }
  }

  func makeWorkspace(rows: Int) -> Workspace {
    Workspace(policy: policy.makeWorkspace(maxBatch: rows), value: value.makeWorkspace(maxBatch: rows))
  }

  func startSequence(_ work: inout Workspace, newEpisode: Bool, lastRow: Int) {}

  @inline(__always)
  func forward(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
               workspace: inout Workspace) {
    policy.forward(params: params, observations: envs, from: first, rows: rows, firstRow: firstRow,
                   workspace: &workspace.policy)
    value.forward(params: params, observations: envs, from: first, rows: rows, firstRow: firstRow,
                  workspace: &workspace.value)
  }

  @inline(__always)
  func forwardValues(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
                     workspace: inout Workspace) {
    value.forward(params: params, observations: envs, from: first, rows: rows, firstRow: firstRow,
                  workspace: &workspace.value)
  }

  @inline(__always)
  func value(_ work: Workspace, row: Int) -> Float { work.value.output(row: row, index: 0) }

  @inline(__always)
  func setValueGradient(_ work: inout Workspace, row: Int, _ gradient: Float) {
    work.value.setOutputGradient(row: row, index: 0, value: gradient)
  }

  @inline(__always)
  func act<Head: PolicyHead>(_ head: inout Head, _ work: Workspace, row: Int, rng: inout Xoshiro256,
                             envs: inout EnvironmentBatch, k: Int) -> StepOutcome {
    head.act(work.policy, row: row, rng: &rng, envs: &envs, k: k)
  }

  @inline(__always)
  func writePolicyGradient<Head: PolicyHead>(_ head: inout Head, _ work: inout Workspace, row: Int,
                                             advantage: Float, entropyCoefficient: Float, sums: inout LossSums) {
    head.writeGradient(&work.policy, row: row, advantage: advantage, entropyCoefficient: entropyCoefficient,
                       sums: &sums)
  }

  func backward(params: [Float], rows: Int, workspace: inout Workspace, gradients: inout [Float]) {
    // Disjoint parts of dθ.
    policy.backward(params: params, batch: rows, workspace: &workspace.policy, gradients: &gradients)
    value.backward(params: params, batch: rows, workspace: &workspace.value, gradients: &gradients)
  }
}

/// torso → LSTM → the policy's outputs, then V (A3C-LSTM). Each rollout
/// starts from the (h, c) the last one ended with (zero at an episode's
/// start), taken as given: backpropagation runs through the rollout only
/// (truncated BPTT).
struct JointRecurrentNetwork<Torso: Network>: ActorCriticNetwork {
  let network: RecurrentNetwork<Torso>

  static var isRecurrent: Bool { true }
  var policyOutputs: Int { network.outputs - 1 }
  var parameterCount: Int { network.parameterCount }
  var layers: [LayerEntry] { network.layerEntries }
  func initialParameters(seed: UInt64) -> [Float] { network.initialParameters(seed: seed, outputGain: 0.01) }
  func makeWorkspace(rows: Int) -> RecurrentWorkspace<Float> { network.makeWorkspace(maxSteps: rows) }

  func startSequence(_ work: inout RecurrentWorkspace<Float>, newEpisode: Bool, lastRow: Int) {
    // Moved here, not at the last rollout's end: that rollout's gradient
    // still needed its initial state.
    if newEpisode { work.resetState() } else { work.carryState(fromStep: lastRow) }
  }

  @inline(__always)
  func forward(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
               workspace: inout RecurrentWorkspace<Float>) {
    precondition(rows == 1, "a recurrent network steps one environment")
    network.forward(params: params, observations: envs, from: first, step: firstRow, workspace: &workspace)
  }

  /// V after the rollout: one more step of the same sequence.
  @inline(__always)
  func forwardValues(params: [Float], observations envs: EnvironmentBatch, from first: Int, rows: Int, firstRow: Int,
                     workspace: inout RecurrentWorkspace<Float>) {
    forward(params: params, observations: envs, from: first, rows: rows, firstRow: firstRow, workspace: &workspace)
  }

  @inline(__always)
  func value(_ work: RecurrentWorkspace<Float>, row: Int) -> Float { work.head.output(row: row, index: policyOutputs) }

  @inline(__always)
  func setValueGradient(_ work: inout RecurrentWorkspace<Float>, row: Int, _ gradient: Float) {
    work.head.setOutputGradient(row: row, index: policyOutputs, value: gradient)
  }

  @inline(__always)
  func act<Head: PolicyHead>(_ head: inout Head, _ work: RecurrentWorkspace<Float>, row: Int, rng: inout Xoshiro256,
                             envs: inout EnvironmentBatch, k: Int) -> StepOutcome {
    head.act(work.head, row: row, rng: &rng, envs: &envs, k: k)
  }

  @inline(__always)
  func writePolicyGradient<Head: PolicyHead>(_ head: inout Head, _ work: inout RecurrentWorkspace<Float>, row: Int,
                                             advantage: Float, entropyCoefficient: Float, sums: inout LossSums) {
    head.writeGradient(&work.head, row: row, advantage: advantage, entropyCoefficient: entropyCoefficient,
                       sums: &sums)
  }

  func backward(params: [Float], rows: Int, workspace: inout RecurrentWorkspace<Float>, gradients: inout [Float]) {
    network.backward(params: params, steps: rows, workspace: &workspace, gradients: &gradients)
  }
}
