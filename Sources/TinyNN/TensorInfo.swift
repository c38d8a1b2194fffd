// TensorInfo.swift — one named tensor inside a flat parameter vector.

/// Describes one named tensor inside a flat parameter vector: `count` =
/// `rows × cols` scalars stored row-major starting at the absolute index
/// `offset`. Checkpoints and diagnostics use the table; the math never does.
public struct TensorInfo: Equatable, Sendable {
  public var name: String
  public var rows: Int
  public var cols: Int
  public var offset: Int
  public var count: Int

  public init(name: String, rows: Int, cols: Int, offset: Int, count: Int) {
    self.name = name
    self.rows = rows
    self.cols = cols
    self.offset = offset
    self.count = count
  }

  /// offset ..< offset + count.
  public var range: Range<Int> { offset..<(offset + count) }
}
