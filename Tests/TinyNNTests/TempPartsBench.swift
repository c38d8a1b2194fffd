#if canImport(Glibc)
import Glibc
#endif
import Testing
import TinyNN

private func cpuSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

@Test(.enabled(if: getenv("TINYNN_PARTS") != nil))
func tempPartsBench() {
  let net = ConvNet(channels: 4, outputs: 7, name: "ac")
  let rows = 20
  var rng = TestRNG(seed: 2)
  var params = [Float](repeating: 0, count: net.parameterCount)
  net.initialize(&params, rng: &rng, outputGain: 0.01)
  var grads = [Float](repeating: 0, count: net.parameterCount)
  var ws: NetworkWorkspace<Float> = net.makeWorkspace(maxBatch: rows)
  let inputs = (0..<rows).map { _ in (0..<net.inputs).map { _ in Float(rng.uniform(0, 1) < 0.08 ? 1 : 0) } }
  for r in 0..<rows { for k in 0..<7 { ws.setOutputGradient(row: r, index: k, value: 0.01) } }
  let conv = net.convolution
  var values = inputs.joined().map { $0 } + [Float](repeating: 0, count: rows * conv.outputCount)
  let deltas = (0..<(rows * conv.outputCount)).map { _ in Float(rng.uniform(-1, 1)) }
  let n = 300
  var t0 = cpuSeconds()
  for _ in 0..<n { for r in 0..<rows { conv.forward(params: params, values: &values, inputOffset: r * 400, outputOffset: rows * 400 + r * 1024, activation: .relu) } }
  let convF = (cpuSeconds() - t0) / Double(n * rows) * 1e6
  t0 = cpuSeconds()
  for _ in 0..<n { conv.backward(batch: rows, inputs: values, inputOffset: 0, deltas: deltas, deltaOffset: 0, gradients: &grads) }
  let convB = (cpuSeconds() - t0) / Double(n * rows) * 1e6
  t0 = cpuSeconds()
  for _ in 0..<n { for r in 0..<rows { net.forward(params: params, input: inputs[r], row: r, workspace: &ws) } }
  let netF = (cpuSeconds() - t0) / Double(n * rows) * 1e6
  t0 = cpuSeconds()
  for _ in 0..<n { net.backward(params: params, batch: rows, workspace: &ws, gradients: &grads) }
  let netB = (cpuSeconds() - t0) / Double(n * rows) * 1e6
  var zeros = 0
  for r in 0..<rows { for k in 0..<1024 where ws.activation(layer: 1, row: r, index: k) == 0 { zeros += 1 } }
  let frac: Double = Double(zeros) / Double(rows * 1024)
  func r2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
  let line = "PARTS conv fwd \(r2(convF)) bwd \(r2(convB)) | net fwd \(r2(netF)) bwd \(r2(netB)) µs/row (cpu) | feature zeros \(r2(frac))"
  print(line, grads[5])
}
