// SharedCounter.swift — a 64-bit counter in the segment, updated with the
// relaxed atomics of include/hogwild.h. Relaxed is enough: T, U and the
// statistics publish no other memory; readers only need a recent value.

import CHogwild

/// A view of one atomic `uint64_t` in shared memory.
public struct SharedCounter {
  @usableFromInline let pointer: UnsafeMutablePointer<UInt64>
  init(_ pointer: UnsafeMutablePointer<UInt64>) { self.pointer = pointer }

  @inlinable public func load() -> UInt64 { hw_load_u64_relaxed(pointer) }
  @inlinable public func store(_ v: UInt64) { hw_store_u64_relaxed(pointer, v) }
  /// Adds `v` and returns the value before the addition.
  @inlinable @discardableResult
  public func add(_ v: UInt64) -> UInt64 { hw_fetch_add_u64_relaxed(pointer, v) }

  /// Loads with acquire order: memory published before a `addReleasing` is visible.
  @inlinable public func loadAcquire() -> UInt64 { hw_load_u64_acquire(pointer) }
  /// Adds `v` with release order (publishes what was written before).
  @inlinable @discardableResult
  public func addReleasing(_ v: UInt64) -> UInt64 { hw_fetch_add_u64_release(pointer, v) }

  /// Sleeps while the counter still equals `value`, at most `nanoseconds`
  /// (a futex on its low 32 bits; spurious wake-ups happen: re-check).
  public func wait(whileEqualTo value: UInt64, nanoseconds: UInt64) {
    UnsafeMutableRawPointer(pointer).withMemoryRebound(to: UInt32.self, capacity: 2) { word in
      // Little-endian: the low half is the first word.
      _ = hw_futex_wait(word, UInt32(truncatingIfNeeded: value), nanoseconds)
    }
  }

  /// Wakes every process sleeping in `wait(whileEqualTo:nanoseconds:)`.
  public func wakeAll() {
    UnsafeMutableRawPointer(pointer).withMemoryRebound(to: UInt32.self, capacity: 2) { word in
      _ = hw_futex_wake_all(word)
    }
  }
}
