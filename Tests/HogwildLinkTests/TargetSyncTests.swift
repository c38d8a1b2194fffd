// TargetSyncTests.swift — when θ⁻ ← θ is due: exactly one worker's step
// addition crosses each multiple of the interval.

import BuiltInEnvs
import HogwildLink
import Testing

@Suite struct TargetSyncTests {
  @Test func dueExactlyWhenAnAdditionCrossesAMultiple() {
    #expect(TargetSync.isDue(before: 9_990, after: 10_000, interval: 10_000))
    #expect(TargetSync.isDue(before: 9_999, after: 10_019, interval: 10_000))
    #expect(!TargetSync.isDue(before: 10_000, after: 10_020, interval: 10_000))
    #expect(!TargetSync.isDue(before: 0, after: 9_999, interval: 10_000))
    #expect(!TargetSync.isDue(before: 5, after: 5, interval: 1))
    #expect(!TargetSync.isDue(before: 0, after: 100, interval: 0))
    // An addition that spans several multiples copies once.
    #expect(TargetSync.isDue(before: 5, after: 25, interval: 10))
  }

  @Test func concurrentAdditionsCopyOncePerMultiple() {
    // Any interleaving of additions to T partitions it into disjoint
    // intervals (before, after]: exactly one contains each multiple.
    var rng = Xoshiro256(seed: 3, stream: 0)
    var T: UInt64 = 0
    var copies = 0
    while T < 1_000_000 {
      let n = UInt64(1 + rng.next() % 20)
      if TargetSync.isDue(before: T, after: T + n, interval: 1000) { copies += 1 }
      T += n
    }
    #expect(copies == Int(T / 1000))
  }
}
