// SegmentError.swift — every way creating, attaching to or reading a shared
// segment can fail, each with a message fit for one line on stderr.

import HogwildSys

/// A failure to create, attach to, or trust a shared segment.
public enum SegmentError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The name is not a valid POSIX shm name.
  case invalidName(String)
  /// `shm_open`, sizing or `mmap` failed while creating.
  case create(name: String, Errno)
  /// The object could not be opened or mapped.
  case attach(name: String, Errno)
  /// The name could not be removed.
  case unlink(name: String, Errno)
  /// The object is smaller than its header or than the size it declares.
  case truncated(name: String, size: Int, needed: Int)
  /// The first eight bytes are not `HW_MAGIC`.
  case badMagic(name: String, found: UInt64)
  /// Written by a different layout version of hogwild-rl.
  case versionMismatch(name: String, found: UInt32, expected: UInt32)
  /// A header field that sizes the layout is impossible.
  case corruptHeader(name: String, field: String)
  /// A region declared by the header does not lie inside the object.
  case regionOutOfBounds(name: String, region: String)
  /// Two regions declared by the header share bytes.
  case regionsOverlap(name: String, first: String, second: String)
  /// The object was not opened or mapped: not a regular file owned by this
  /// user, sparse, or too large (see `hw_shm_facts`).
  case untrusted(name: String, why: String)
  /// The layout being created does not fit (too many layers or workers, overflow).
  case layoutTooLarge(String)

  public var description: String {
    switch self {
    case .invalidName(let n):
      return "invalid shared memory segment name \"\(n)\": use one '/' followed by 1-250 characters other than '/'"
    case .create(let n, let e):
      return "could not create shared memory segment \"\(n)\": \(e)"
    case .attach(let n, let e):
      return "could not open shared memory segment \"\(n)\": \(e)"
    case .unlink(let n, let e):
      return "could not remove shared memory segment \"\(n)\": \(e)"
    case .truncated(let n, let size, let needed):
      return "shared memory segment \"\(n)\" is truncated: \(size) bytes, needs \(needed)"
    case .badMagic(let n, let found):
      return "\"\(n)\" is not a hogwild-rl segment (magic 0x\(String(found, radix: 16)))"
    case .versionMismatch(let n, let found, let expected):
      return "shared memory segment \"\(n)\" has layout version \(found); this hogwild-rl reads version \(expected)"
    case .corruptHeader(let n, let field):
      return "shared memory segment \"\(n)\" has a corrupt header: \(field) is impossible"
    case .regionOutOfBounds(let n, let region):
      return "shared memory segment \"\(n)\" is corrupt: region \(region) lies outside the segment"
    case .regionsOverlap(let n, let first, let second):
      return "shared memory segment \"\(n)\" is corrupt: regions \(first) and \(second) overlap"
    case .untrusted(let n, let why):
      return "\"\(n)\" was not opened: \(why)"
    case .layoutTooLarge(let what):
      return "segment layout too large: \(what)"
    }
  }
}
