import Glibc
import Testing
import TinyNN

@Suite struct VectorTanhTests {
  @Test func matchesTheCLibraryWithin3e7() {
    var worst: Float = 0
    var x: Float = -20
    while x < 20 {
      let v = SIMD8<Float>((0..<8).map { x + Float($0) * 1e-4 })
      let t = Float.tanh(v)
      for i in 0..<8 { worst = max(worst, abs(t[i] - tanhf(v[i]))) }
      x += 0.000_9
    }
    #expect(worst < 3e-7, "max abs error \(worst)")
  }

  @Test func isOddExactAtZeroAndSaturates() {
    let v = SIMD8<Float>(0, -0.0, 1e-30, -1e-30, 50, -50, .infinity, -.infinity)
    let t = Float.tanh(v)
    #expect(t[0] == 0 && t[1] == 0)
    #expect(t[2] == 1e-30 && t[3] == -1e-30)
    #expect(t[4] == 1 && t[5] == -1 && t[6] == 1 && t[7] == -1)
    let w = SIMD8<Float>(0.1, 0.3, 0.7, 1.5, 3, 6, 8.9, 0.249)
    #expect(Float.tanh(-w) == -Float.tanh(w))
  }

  @Test func nanPropagates() {
    let t = Float.tanh(SIMD8<Float>(.nan, 1, 1, 1, 1, 1, 1, 1))
    #expect(t[0].isNaN)
    #expect(!t[1].isNaN)
  }
}
