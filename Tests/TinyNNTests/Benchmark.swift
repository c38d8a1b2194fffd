// Benchmark.swift — opt-in throughput measurement, not a correctness test.
// Run: TINYNN_BENCH=1 swift test -c release --filter TinyNNTests.benchmark

#if canImport(Glibc)
import Glibc
#endif
import Testing
import TinyNN

@Test(.enabled(if: getenv("TINYNN_BENCH") != nil), arguments: Activation.allCases)
func benchmark(activation: Activation) {
  // The A3C worker's shape: CartPole 4 → 64 → 64 → 3 (2 logits + value),
  // forward one row at a time for 5 rows, then one backward over the 5.
  let mlp = MLP(inputs: 4, hidden: [64, 64], outputs: 3, activation: activation, name: "ac")
  var rng = TestRNG(seed: 1)
  var params = [Float](repeating: 0, count: mlp.parameterCount)
  mlp.initialize(&params, rng: &rng, outputGain: 1)
  var grads = [Float](repeating: 0, count: mlp.parameterCount)
  var ws: MLPWorkspace<Float> = mlp.makeWorkspace(maxBatch: 5)
  let inputs = (0..<5).map { _ in rng.vector(4).map { Float($0) } }
  let iterations = 200_000
  var sink: Float = 0
  let clock = ContinuousClock()
  let elapsed = clock.measure {
    for _ in 0..<iterations {
      for r in 0..<5 {
        mlp.forward(params: params, input: inputs[r], row: r, workspace: &ws)
        for k in 0..<3 { ws.setOutputGradient(row: r, index: k, value: 0.01) }
      }
      mlp.backward(params: params, batch: 5, workspace: &ws, gradients: &grads)
      sink += ws.output(row: 4, index: 0)
    }
  }
  let seconds = Double(elapsed.components.seconds)
    + Double(elapsed.components.attoseconds) * 1e-18
  let rows = Double(iterations * 5) / seconds
  print("TinyNN benchmark \(activation): \(Int(rows)) rows/s "
        + "(\(Int(Double(iterations) / seconds)) forward×5+backward×5 iterations/s), "
        + "sink \(sink + grads[0])")
  #expect(rows > 0)
}
