// MinAtarGrid.swift — the few NumPy operations the games apply to 10×10 integer
// maps (`brick_map`, `alien_map`, …), kept as 10 rows of 10 Ints.
//
// The rolls rotate rows by swapping them in place, so every row keeps a buffer of
// its own and a step allocates nothing.

extension Array where Element == [Int] {
  /// A 10×10 map of zeros (`np.zeros((10, 10))`).
  static func zeroGrid() -> [[Int]] {
    [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
  }

  /// Sets every cell to zero, in place.
  mutating func clearGrid() {
    for row in indices { for column in self[row].indices { self[row][column] = 0 } }
  }

  /// Sets `rows` × `columns` to 1 (`map[rows, columns] = 1`).
  mutating func fill(rows: Range<Int>, columns: Range<Int>) {
    for row in rows { for column in columns { self[row][column] = 1 } }
  }

  /// `np.count_nonzero(map)`.
  var nonzeroCount: Int {
    var n = 0
    for row in self { for value in row where value != 0 { n += 1 } }
    return n
  }

  /// `np.sum(map[:, column]) > 0` for a 0/1 map: some cell of the column is set.
  func columnIsOccupied(_ column: Int) -> Bool {
    contains { $0[column] != 0 }
  }

  /// `np.roll(map, 1, axis=0)`: every row moves down one, the last row wraps to the top.
  mutating func rollRowsDown() {
    for row in Swift.stride(from: count - 1, to: 0, by: -1) { swapAt(row, row - 1) }
  }

  /// `np.roll(map, -1, axis=0)`: every row moves up one, the top row wraps to the bottom.
  mutating func rollRowsUp() {
    for row in 0..<(count - 1) { swapAt(row, row + 1) }
  }

  /// `np.roll(map, shift, axis=1)` for shift ±1: every column moves right (+1) or left
  /// (−1) one, wrapping around.
  mutating func rollColumns(by shift: Int) {
    for row in indices {
      let n = self[row].count
      if shift > 0 {
        for column in Swift.stride(from: n - 1, to: 0, by: -1) { self[row].swapAt(column, column - 1) }
      } else {
        for column in 0..<(n - 1) { self[row].swapAt(column, column + 1) }
      }
    }
  }
}
