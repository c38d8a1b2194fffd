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

  /// Reads one object; nil if it is neither named nor tagged as ours. Only
  /// a regular file owned by this user is opened (see `hw_shm_attach`):
  /// anyone can put a FIFO or a symlink in /dev/shm.
  public static func inspect(_ name: String) -> SegmentListing? {
    let named = name.dropFirst().lowercased().hasPrefix("hogwild")
    var base: UnsafeMutableRawPointer?
    var size = 0
    var facts = hw_shm_facts()
    let rc = hw_shm_attach(name, 0, &base, &size, &facts)
    if let why = SharedSegment.refusal(facts) {
      return named ? SegmentListing(name: name, bytes: Int(clamping: facts.size), creatorAlive: false,
                                    problem: "not opened: \(why)") : nil
    }
    guard rc == 0 else {
      return named ? SegmentListing(name: name, bytes: 0, creatorAlive: false,
                                    problem: "cannot open: \(Errno(rc))") : nil
    }
    defer { _ = hw_unmap(base, size) }
    let bytes = UnsafeRawBufferPointer(start: base, count: size)
    let magic = size >= 8 ? bytes.loadUnaligned(as: UInt64.self) : 0
    let tagged = magic == HW_MAGIC
    guard named || tagged else { return nil }
    var listing = SegmentListing(name: name, bytes: size, creatorAlive: false)
    do {
      let h = try SegmentValidator.validatedHeader(bytes, name: name)
      listing.creatorPID = h.creator_pid
      listing.creatorAlive = isLive(name, creator: h.creator_pid)
      // Fixed fields of the (validated, mapped) header: in bounds whatever they hold.
      let live = SegmentHeader(base!.assumingMemoryBound(to: hw_header.self))
      listing.envID = live.envID
      listing.algorithm = live.algorithm
      listing.state = live.state
      listing.globalSteps = live.globalSteps.load()
    } catch {
      listing.problem = error.description
      // Still say who made it, for orphan cleanup: the header's creator if
      // it got that far (published, or a run that died before publishing,
      // magic still 0), else the pid in a default name.
      var pid: Int32 = 0
      if size >= SegmentLayout.headerSize, tagged || magic == 0 {
        let h = base!.assumingMemoryBound(to: hw_header.self).pointee
        if h.layout_version == HW_LAYOUT_VERSION { pid = h.creator_pid }
      }
      if pid <= 0 { pid = creatorInDefaultName(name) ?? 0 }
      // A corrupt header may hold any number here; only a plausible pid is shown.
      if pid > 0 {
        listing.creatorPID = pid
        // Unreadable, so no lock may be trusted alone: the creator must be gone too.
        listing.creatorAlive = isLive(name, creator: pid) || ProcessProbe.isAlive(pid)
      }
    }
    return listing
  }

  /// The pid in a default segment name, "/hogwild-rl.<pid>" or
  /// "/hogwild-rl.<pid>.<n>" (when the first was taken), or nil.
  static func creatorInDefaultName(_ name: String) -> Int32? {
    let body = name.dropFirst()
    guard body.hasPrefix(defaultPrefix) else { return nil }
    let digits = body.dropFirst(defaultPrefix.count).prefix { $0 != "." }
    guard let pid = Int32(digits), pid > 0 else { return nil }
    return pid
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
