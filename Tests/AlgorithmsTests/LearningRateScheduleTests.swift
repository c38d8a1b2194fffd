import Algorithms
import Testing

@Suite struct LearningRateScheduleTests {
  @Test func linearAnnealsToZeroAtTMax() {
    let s = LearningRateSchedule.linear
    #expect(s.rate(base: 0.01, step: 0, of: 100) == 0.01)
    #expect(abs(s.rate(base: 0.01, step: 50, of: 100) - 0.005) < 1e-9)
    #expect(s.rate(base: 0.01, step: 100, of: 100) == 0)
    #expect(s.rate(base: 0.01, step: 150, of: 100) == 0)
  }

  @Test func constantStaysPut() {
    #expect(LearningRateSchedule.constant.rate(base: 0.01, step: 99, of: 100) == 0.01)
  }
}
