// EpisodeRing.swift — the multi-producer ring through which workers hand
// finished episodes to the supervisor, which alone writes metrics files.
//
// Protocol (include/hogwild.h, hw_episode_record): a writer takes ticket k
// with a relaxed fetch-add on `ring_head`, fills record k mod capacity, then
// stores seq = k + 1 with release order. The reader expecting ticket k loads
// seq with acquire: k + 1 means ready; less means not yet written; more means
// a writer lapped the reader and the record is lost (counted, never blocking
// a worker). The reader re-checks seq after copying, like a seqlock.

import CHogwild

/// What an episode was played for (hw_episode_record.kind).
public enum EpisodeKind: UInt32, Sendable, CustomStringConvertible {
  /// Played by the behaviour policy while learning (every algorithm).
  case training = 0
  /// A greedy test episode of a value-based method: no learning, its steps
  /// not counted in T.
  case test = 1

  /// The name metrics.csv's `kind` column uses.
  public var description: String { self == .training ? "train" : "test" }
}

/// One finished episode.
public struct EpisodeRecord: Equatable, Sendable {
  /// Global step count T at the episode's end.
  public var globalStep: UInt64
  /// CLOCK_MONOTONIC nanoseconds at the episode's end.
  public var endNanoseconds: UInt64
  public var worker: Int
  /// The worker's own index among episodes of this kind, from 0.
  public var episode: UInt64
  public var length: Int
  /// Undiscounted return.
  public var episodeReturn: Double
  public var kind: EpisodeKind
  /// The node (MPI rank of a `run --distributed`) that played it; 0 otherwise.
  public var node: Int

  public init(globalStep: UInt64, endNanoseconds: UInt64, worker: Int, episode: UInt64,
              length: Int, episodeReturn: Double, kind: EpisodeKind = .training, node: Int = 0) {
    self.globalStep = globalStep
    self.endNanoseconds = endNanoseconds
    self.worker = worker
    self.episode = episode
    self.length = length
    self.episodeReturn = episodeReturn
    self.kind = kind
    self.node = node
  }
}

/// A view of the episode ring.
public struct EpisodeRing {
  @usableFromInline let records: UnsafeMutablePointer<hw_episode_record>
  public let capacity: Int
  @usableFromInline let head: SharedCounter

  init(records: UnsafeMutablePointer<hw_episode_record>, capacity: Int, head: SharedCounter) {
    precondition(capacity > 0 && capacity & (capacity - 1) == 0, "ring capacity is a power of two")
    self.records = records
    self.capacity = capacity
    self.head = head
  }

  /// Tickets handed out so far.
  public var published: UInt64 { head.load() }

  /// Publishes one record (any worker; never blocks).
  public func publish(_ r: EpisodeRecord) {
    let ticket = head.add(1)
    let rec = records + Int(ticket & UInt64(capacity - 1))
    // Invalidate first so a reader of the previous lap sees the change.
    hw_store_u64_release(rec.pointer(to: \.seq)!, 0)
    rec.pointee.T = r.globalStep
    rec.pointee.end_mono_ns = r.endNanoseconds
    rec.pointee.worker = UInt32(r.worker)
    rec.pointee.length = UInt32(clamping: r.length)
    rec.pointee.episode = r.episode
    rec.pointee.ret = r.episodeReturn
    rec.pointee.kind = r.kind.rawValue
    rec.pointee.node = UInt32(clamping: r.node)
    hw_store_u64_release(rec.pointer(to: \.seq)!, ticket + 1)
  }

  /// What reading one ticket found.
  public enum Read: Equatable, Sendable {
    case ready(EpisodeRecord)
    case notYetWritten
    /// A writer lapped the reader: this ticket's record is gone.
    case overwritten
  }

  /// Reads ticket `ticket` (the supervisor, in order).
  public func read(ticket: UInt64) -> Read {
    let rec = records + Int(ticket & UInt64(capacity - 1))
    let seqPtr = rec.pointer(to: \.seq)!
    let before = hw_load_u64_acquire(seqPtr)
    if before < ticket &+ 1 { return .notYetWritten }
    if before > ticket &+ 1 { return .overwritten }
    let r = EpisodeRecord(
      globalStep: rec.pointee.T, endNanoseconds: rec.pointee.end_mono_ns,
      worker: Int(rec.pointee.worker), episode: rec.pointee.episode,
      length: Int(rec.pointee.length), episodeReturn: rec.pointee.ret,
      // An unknown kind (a newer writer) is not a test of ours: training.
      kind: EpisodeKind(rawValue: rec.pointee.kind) ?? .training,
      node: Int(rec.pointee.node))
    return hw_load_u64_acquire(seqPtr) == before ? .ready(r) : .overwritten
  }

  /// The last `limit` records of `kind` still in the ring, oldest first,
  /// looking back at most `capacity` tickets from the head. Only loads: a
  /// live viewer (`dump --watch`) can call it without disturbing the
  /// supervisor, whose read position is its own. Records a writer is
  /// filling or has lapped are skipped.
  public func recent(_ limit: Int, kind: EpisodeKind) -> [EpisodeRecord] {
    let head = published
    let oldest = head > UInt64(capacity) ? head - UInt64(capacity) : 0
    var out: [EpisodeRecord] = []
    var ticket = head
    while ticket > oldest && out.count < limit {
      ticket -= 1
      if case .ready(let r) = read(ticket: ticket), r.kind == kind { out.append(r) }
    }
    return out.reversed()
  }
}
