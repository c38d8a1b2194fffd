// Random.swift — the seeded random number generators used everywhere in
// training. The system RNG is never used, so a seed reproduces a run.

/// SplitMix64 (Steele, Lea & Flood 2014): expands one 64-bit seed into a
/// stream of well-mixed words. Used to seed `Xoshiro256`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// xoshiro256** (Blackman & Vigna 2018): the training RNG. Fast, 256 bits of
/// state, and its whole state can be saved and restored.
public struct Xoshiro256: RandomNumberGenerator, Equatable, Sendable {
  public var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  /// Seeds the four state words from SplitMix64(seed).
  public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
  }

  /// A generator for stream `stream` of a run seeded with `seed` (e.g. one per
  /// worker rank), independent of the other streams.
  public init(seed: UInt64, stream: UInt64) {
    var sm = SplitMix64(seed: seed)
    let base = sm.next()
    self.init(seed: base ^ (stream &+ 1) &* 0xD1B5_4A32_D192_ED03)
  }

  @inlinable
  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) <<< 7) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = s3 <<< 45
    return result
  }

  /// A double uniform in [0, 1) with 53 random bits.
  @inlinable
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A double uniform in [low, high).
  @inlinable
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * nextUnitDouble()
  }

  /// A float uniform in [0, 1) with 24 random bits.
  @inlinable
  public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * 0x1.0p-24
  }
}

infix operator <<< : BitwiseShiftPrecedence

@inlinable
func <<< (x: UInt64, k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
