// 8. Roofline line: the network's FLOPs per env step, the GFLOP/s a single
// worker achieves, and the core's SIMD FMA peak.
//
// Per row of an MLP with layers (n_l → m_l), counting a multiply-add as 2:
//   forward  F = 2·Σ n_l·m_l + Σ m_l              (matrix-vector + biases)
//   backward B = 2·Σ n_l·m_l                      (weight gradient)
//              + 2·Σ_{l ≥ 1} n_l·m_l              (input gradient, not for layer 0)
// Per env step (rollouts of the default n): F + B + F/n (the bootstrap forward).
// tanh, softmax, bias gradients, clipping and the apply are not counted.

import Algorithms
import TinyNN

func benchRoofline(_ bench: Bench) {
  bench.report.section("8. roofline (single core)")
  let widths = [a3cNetwork.inputs] + a3cNetwork.hidden + [a3cNetwork.outputs]
  let layers = zip(widths, widths.dropFirst()).map { (n: $0, m: $1) }
  let macs = layers.reduce(0) { $0 + $1.n * $1.m }
  let forward = 2 * macs + layers.reduce(0) { $0 + $1.m }
  let backward = 2 * macs + 2 * layers.dropFirst().reduce(0) { $0 + $1.n * $1.m }
  let n = Hyperparameters().nSteps
  let perStep = Double(forward) + Double(backward) + Double(forward) / Double(n)
  bench.report.note("FLOPs per env step = F + B + F/n = \(forward) + \(backward) + \(forward)/\(n) = "
    + formatNumber(perStep, decimals: 0)
    + "  (F = 2·Σ n·m + Σ m, B = 2·Σ n·m + 2·Σ_{l≥1} n·m)")

  var peak: [Double] = []
  for _ in 0..<bench.repeats(5, quick: 3) {
    bench.stopIfInterrupted()
    peak.append(fmaGigaflops(duration: bench.options.quick ? 0.1 : 0.2))
  }
  let peakFigure = bench.report.add("roofline.peak_gflops", "peak, SIMD16<Float> FMA (12 accumulators)",
                                    unit: "GFLOP/s", samples: peak, decimals: 1)

  // One worker's steps/s: `run --procs 1` (section 4) or else the in-process
  // worker (section 7).
  let source = bench.report.figure("e2e.shared.n1") ?? bench.report.figure("alloc.worker_steps_per_second")
  guard let source else {
    bench.report.note("(no single-worker steps/s: run section 4 or 7 too for achieved GFLOP/s)")
    return
  }
  let achieved = source.samples.map { $0 * perStep / 1e9 }
  let f = bench.report.add("roofline.achieved_gflops", "achieved, network FLOPs × single-worker steps/s",
                           unit: "GFLOP/s", samples: achieved, decimals: 2)
  bench.report.add("roofline.percent_of_peak", "achieved ÷ peak (medians)", unit: "%",
                   samples: [100 * f.stats.median / peakFigure.stats.median], decimals: 1)
  bench.report.note("single-worker steps/s from: \(source.label)")
}

/// Multiply-adds on 12 independent SIMD16<Float> accumulators, so the loop
/// is bound by FMA throughput rather than latency.
@inline(never)
private func fmaGigaflops(duration: Double) -> Double {
  let x = SIMD16<Float>(repeating: 0.999_999)
  let y = SIMD16<Float>(repeating: 1e-7)
  var a0 = SIMD16<Float>(repeating: 0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0
  var a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0
  let inner = 4096
  let flopsPerCall = inner * 12 * 16 * 2
  let r = rate(for: duration, unitsPerCall: flopsPerCall) {
    for _ in 0..<inner {
      a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
      a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
      a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
      a9 = a9.addingProduct(x, y); a10 = a10.addingProduct(x, y); a11 = a11.addingProduct(x, y)
    }
  }
  blackHole(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11)
  return r / 1e9
}
