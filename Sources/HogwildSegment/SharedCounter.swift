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
}
