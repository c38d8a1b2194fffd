// NetworkProtocolTests.swift — code generic over `some Network` (as the
// algorithms are) gets exactly what the concrete types give, for an MLP and
// a ConvNet sharing one parameter vector.

import Testing
import TinyNN

/// One rollout's worth of work, written only against `Network`: forward each
/// row, dL/d(output) = c, one backward. Returns the outputs and gradients.
private func rollout(_ net: some Network, params: [Double], inputs: [[Double]],
                     coefficients: [[Double]]) -> (outputs: [Double], gradients: [Double]) {
  var ws: NetworkWorkspace<Double> = net.makeWorkspace(maxBatch: inputs.count)
  var outputs: [Double] = []
  for (r, x) in inputs.enumerated() {
    net.forward(params: params, input: x, row: r, workspace: &ws)
    let start = ws.outputOffset(row: r)
    outputs += ws.activations[start..<(start + net.outputs)]
    for k in 0..<net.outputs {
      ws.outputGradient[ws.outputGradientOffset(row: r) + k] = coefficients[r][k]
    }
  }
  var gradients = [Double](repeating: 0, count: params.count)
  net.backward(params: params, batch: inputs.count, workspace: &ws, gradients: &gradients)
  return (outputs, gradients)
}

@Test func genericCodeMatchesConcreteCalls() {
  // Two networks back to back in one θ, as an actor and a critic would be.
  let conv = ConvNet(height: 5, width: 5, channels: 2, filters: 8, hidden: [6], outputs: 3, name: "pi")
  let mlp = MLP(inputs: 50, hidden: [7], outputs: 1, activation: .tanh, name: "v",
                parameterOffset: conv.parameterRange.upperBound)
  let networks: [any Network] = [conv, mlp]
  var rng = TestRNG(seed: 111)
  var params = [Double](repeating: 0, count: mlp.parameterRange.upperBound)
  for net in networks { net.initialize(&params, rng: &rng, outputGain: 1) }
  #expect(networks.map(\.tensors.count) == [6, 4])
  let inputs = (0..<3).map { _ in rng.vector(50) }

  for net in networks {
    let coefficients = (0..<3).map { _ in rng.vector(net.outputs) }
    let generic = rollout(net, params: params, inputs: inputs, coefficients: coefficients)
    // The same through the concrete type.
    var ws: NetworkWorkspace<Double>
    var gradients = [Double](repeating: 0, count: params.count)
    var outputs: [Double] = []
    if let c = net as? ConvNet {
      ws = c.makeWorkspace(maxBatch: 3)
      for r in 0..<3 { c.forward(params: params, input: inputs[r], inputOffset: 0, row: r, workspace: &ws) }
    } else {
      let m = net as! MLP
      ws = m.makeWorkspace(maxBatch: 3)
      for r in 0..<3 { m.forward(params: params, input: inputs[r], row: r, workspace: &ws) }
    }
    for r in 0..<3 {
      for k in 0..<net.outputs {
        outputs.append(ws.output(row: r, index: k))
        ws.setOutputGradient(row: r, index: k, value: coefficients[r][k])
      }
    }
    if let c = net as? ConvNet {
      c.backward(params: params, batch: 3, workspace: &ws, gradients: &gradients)
    } else {
      (net as! MLP).backward(params: params, batch: 3, workspace: &ws, gradients: &gradients)
    }
    #expect(generic.outputs == outputs)
    #expect(generic.gradients == gradients)
    // Each network's gradient stays in its own slice of the shared vector.
    for k in gradients.indices where !net.parameterRange.contains(k) { #expect(gradients[k] == 0) }
    #expect(gradients[net.parameterRange].contains { $0 != 0 })
  }
}
