// MetricsWriter.swift — metrics.csv, appended and flushed as rows arrive
// (once a second and at the end), so a killed run keeps what it flushed.

import HogwildSegment
import HogwildSys

/// metrics.csv: one row per finished episode, appended as episodes arrive.
/// The last column says whether the row is a training episode (`train`) or
/// a value-based method's greedy test episode (`test`).
public final class MetricsWriter {
  public static let header = "T,wall_seconds,worker,episode,return,length,kind\n"
  public let path: String
  /// False when appending to a file an older build started without the
  /// `kind` column: its rows keep that file's six columns.
  public let writesKind: Bool
  /// A distributed run's file: a last column `node`, the rank that played the episode.
  public let writesNode: Bool
  private let file: BufferedFile

  public init(path: String, append: Bool = false, nodeColumn: Bool = false) throws(OutputError) {
    self.path = path
    file = try BufferedFile(path: path, mode: append ? .appendReadable : .truncate)
    if !append || file.position == 0 {
      file.write(nodeColumn ? Self.header.dropLast() + ",node\n" : Self.header)
      writesKind = true
      writesNode = nodeColumn
    } else {
      let first = file.firstLine()
      writesKind = first.hasSuffix(",kind") || first.hasSuffix(",kind,node")
      writesNode = first.hasSuffix(",node")
    }
  }

  public func append(_ r: EpisodeRecord, wallSeconds: Double) {
    let ret = r.episodeReturn
    // Integral returns (CartPole) print without a fraction.
    let retText = ret == ret.rounded() && abs(ret) < 1e15 ? String(Int64(ret)) : "\(ret)"
    let wall = (wallSeconds * 1000).rounded() / 1000
    let kind = writesKind ? ",\(r.kind)" : ""
    let node = writesNode ? ",\(r.node)" : ""
    file.write("\(r.globalStep),\(wall),\(r.worker),\(r.episode),\(retText),\(r.length)\(kind)\(node)\n")
  }

  /// Pushes buffered rows to the kernel (once a second and at the end):
  /// whole rows only; a failed write keeps them for the next flush.
  public func flush() { file.flush() }

  /// Why rows could not be written, while they could not.
  public var failure: OutputError? { file.failure }
}
