// RunConfig+Distributed.swift — the settings of one node of a
// `run --distributed` (docs/DISTRIBUTED.md), and how config.json keeps them.

import Formats
import HogwildLink
import HogwildSegment

/// How this node takes part in a distributed run.
public struct DistributedSettings: Equatable, Sendable {
  /// `--sync-every`: time between two syncs of the nodes' θ, ns.
  public var syncEveryNanoseconds: UInt64 = 10_000_000
  /// `--sync`: mean (local SGD, the default: robust as nodes are added) or sum
  /// (asynchronous SGD across nodes; see docs/DISTRIBUTED.md for when it collapses).
  public var sync = SyncMode.mean
  /// `--sync-rmsprop`: the shared RMSProp statistics averaged at every sync, or per node.
  public var rmsprop = RMSPropSync.mean
  /// This node's MPI rank and the job's size (from the launcher; not stored).
  public var node = 0
  public var nodes = 1
  /// Which launcher variables said so (for messages).
  public var launcher = ""
  /// The communicator program, hogwild-comm (`make mpi` puts it beside hogwild-rl).
  public var communicatorPath = ""

  public init() {}

  /// The shortest and longest `--sync-every`.
  public static let syncEveryRange: ClosedRange<UInt64> = 1_000_000...3_600_000_000_000

  /// What config.json keeps: the job's shape and the sync settings (not the
  /// rank: only rank 0 writes it).
  public var json: JSON {
    .object([
      ("nodes", .int(Int64(nodes))),
      ("sync_every", .string(Delay.format(syncEveryNanoseconds))),
      ("sync", .string(sync.rawValue)),
      ("sync_rmsprop", .string(rmsprop.rawValue)),
    ])
  }

  /// The settings config.json stored (`json`); nil if malformed.
  public init?(json j: JSON) {
    guard let n = j["nodes"]?.doubleValue, n >= 1, n <= Double(SegmentLayout.maxNodes), n == n.rounded(),
      let every = j["sync_every"]?.stringValue, let ns = Delay.parseDuration(every),
      Self.syncEveryRange.contains(ns),
      let sync = j["sync"]?.stringValue.flatMap(SyncMode.init(rawValue:)),
      let rmsprop = j["sync_rmsprop"]?.stringValue.flatMap(RMSPropSync.init(rawValue:))
    else { return nil }
    self.init()
    nodes = Int(n)
    syncEveryNanoseconds = ns
    self.sync = sync
    self.rmsprop = rmsprop
  }
}

extension RunConfig {
  /// config.json's "distributed" entry (none for a run on one machine).
  var distributedJSON: [(String, JSON)] { distributed.map { [("distributed", $0.json)] } ?? [] }

  /// Whether this process writes the run's files: every run but a
  /// distributed one's ranks above 0 (rank 0 writes for all nodes).
  public var writesOutputs: Bool { (distributed?.node ?? 0) == 0 }

  /// The segment name for `--segment NAME` on this node: NAME itself, or
  /// NAME.<rank> in a distributed run (ranks sharing a machine need their own).
  public func segmentName(forRequested name: String) -> String {
    guard let d = distributed else { return name }
    return "\(name).\(d.node)"
  }
}
