// GradientClippingTests.swift — clipGradientNorm.

import Testing
import TinyNN

@Test func clipsToMaxNorm() {
  var g: [Double] = [3, 4]
  let norm = clipGradientNorm(&g, maxNorm: 1)
  #expect(norm == 5)
  #expect(abs(g[0] - 0.6) < 1e-15 && abs(g[1] - 0.8) < 1e-15)
}

@Test func leavesSmallGradientsAlone() {
  var g: [Double] = [3, 4]
  #expect(clipGradientNorm(&g, maxNorm: 10) == 5)
  #expect(g == [3, 4])
  #expect(clipGradientNorm(&g, maxNorm: 5) == 5)  // exactly at the limit
  #expect(g == [3, 4])
}

@Test(arguments: [0.0, -1.0, Double.infinity, Double.nan])
func nonPositiveOrInfiniteMaxNormDisablesClipping(maxNorm: Double) {
  var g: [Double] = [30, 40]
  #expect(clipGradientNorm(&g, maxNorm: maxNorm) == 50)
  #expect(g == [30, 40])
}

@Test func clipsOnlyTheRange() {
  var g: [Double] = [100, 3, 4, 100]
  let norm = clipGradientNorm(&g, range: 1..<3, maxNorm: 2.5)
  #expect(norm == 5)
  #expect(g[0] == 100 && g[3] == 100)
  #expect(abs(g[1] - 1.5) < 1e-15 && abs(g[2] - 2.0) < 1e-15)
}

@Test func longFloatVectorNorm() {
  // 37 elements: SIMD body plus a scalar tail.
  var g = [Float](repeating: 0, count: 37)
  for k in g.indices { g[k] = Float(k % 5) - 2 }
  let expected = Float(g.reduce(0) { $0 + Double($1 * $1) }.squareRoot())
  let norm = clipGradientNorm(&g, maxNorm: 1)
  #expect(abs(norm - expected) < 1e-5)
  let after = g.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
  #expect(abs(after - 1) < 1e-5)
}

@Test func nonFiniteNormLeavesGradientsUntouched() {
  var g: [Double] = [1, .nan, 2]
  #expect(clipGradientNorm(&g, maxNorm: 1).isNaN)
  #expect(g[0] == 1 && g[2] == 2)
  var empty: [Double] = []
  #expect(clipGradientNorm(&empty, maxNorm: 1) == 0)
}
