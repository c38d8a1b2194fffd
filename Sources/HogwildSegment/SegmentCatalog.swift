// SegmentCatalog.swift — finds hogwild-rl segments in /dev/shm and tells
// live runs from orphans left by a dead supervisor.

import CHogwild
import HogwildSys

/// One object in /dev/shm that looks like a hogwild-rl segment.
public struct SegmentListing: Sendable {
  /// POSIX name with its leading slash.
  public var name: String
  public var bytes: Int
  /// The creator's pid, when the header could be read.
  public var creatorPID: Int32?
  /// Whether the creator still runs.
  public var creatorAlive: Bool
  public var envID: String?
  public var algorithm: String?
  public var state: RunState?
  public var globalSteps: UInt64?
  /// Why the object could not be read as a segment, if it could not.
  public var problem: String?
}

/// Lists hogwild-rl segments.
public enum SegmentCatalog {
  /// Where Linux exposes POSIX shared memory objects.
  public static let directory = "/dev/shm"
  /// The prefix of default segment names ("/hogwild-rl.<pid>").
  public static let defaultPrefix = "hogwild-rl."

  /// Every object whose name starts with "hogwild" or whose first bytes are
  /// the hogwild-rl magic, sorted by name.
  public static func list() -> [SegmentListing] {
    FileSystem.entries(directory).compactMap { inspect("/" + $0) }.sorted { $0.name < $1.name }
  }

  /// Reads one object; nil if it is neither named nor tagged as ours.
  static func inspect(_ name: String) -> SegmentListing? {
    let named = name.dropFirst().lowercased().hasPrefix("hogwild")
    var base: UnsafeMutableRawPointer?
    var size = 0
    let rc = hw_shm_attach(name, 0, &base, &size)
    guard rc == 0 else {
      return named ? SegmentListing(name: name, bytes: 0, creatorAlive: false,
                                    problem: "cannot open: \(Errno(rc))") : nil
    }
    defer { _ = hw_unmap(base, size) }
    let bytes = UnsafeRawBufferPointer(start: base, count: size)
    let tagged = size >= 8 && bytes.loadUnaligned(as: UInt64.self) == HW_MAGIC
    guard named || tagged else { return nil }
    var listing = SegmentListing(name: name, bytes: size, creatorAlive: false)
    do {
      try SegmentValidator.validate(bytes, name: name)
      let h = SegmentHeader(base!.assumingMemoryBound(to: hw_header.self))
      listing.creatorPID = h.creatorPID
      listing.creatorAlive = isLive(name, creator: h.creatorPID)
      listing.envID = h.envID
      listing.algorithm = h.algorithm
      listing.state = h.state
      listing.globalSteps = h.globalSteps.load()
    } catch {
      listing.problem = error.description
      if size >= SegmentLayout.headerSize, tagged {
        // Still report who made it, for orphan cleanup.
        let pid = base!.assumingMemoryBound(to: hw_header.self).pointee.creator_pid
        // A corrupt header may hold any number here; only a plausible pid is shown.
        if pid > 0 {
          listing.creatorPID = pid
          listing.creatorAlive = isLive(name, creator: pid)
        }
      }
    }
    return listing
  }
}

extension SegmentCatalog {
  /// A run is live while someone holds its liveness lock (pid reuse cannot
  /// fool that); objects without the lock fall back to the creator's pid.
  public static func isLive(_ name: String, creator: Int32) -> Bool {
    switch SharedSegment.isHeld(name: name) {
    case true?: return true
    case false?: return false
    case nil: return ProcessProbe.isAlive(creator)
    }
  }
}
