// NearMatch.swift — "did you mean …?" for a mistyped option, subcommand,
// choice or environment id: the known word closest to what was typed.

/// The closest known words to a mistyped one.
enum NearMatch {
  /// The candidate `word` most likely meant, or nil if none is close: the
  /// only candidate that `word` is a prefix of (`--proc` → `--procs`), else
  /// the one at the smallest edit distance (insertions, deletions,
  /// substitutions and swaps of two neighbours, case ignored) if that is at
  /// most 2 and under a third of the word (`--tensorbaord` → `--tensorboard`).
  static func best(_ word: String, among candidates: [String]) -> String? {
    let lower = word.lowercased()
    guard !lower.isEmpty else { return nil }
    let extended = candidates.filter { $0.lowercased().hasPrefix(lower) && $0.count > word.count }
    if extended.count == 1, word.count >= 3 { return extended[0] }
    var best: (word: String, distance: Int)?
    for c in candidates {
      let d = distance(lower, c.lowercased())
      if d < (best?.distance ?? Int.max) { best = (c, d) }
    }
    guard let best, best.distance <= 2, best.distance * 3 < max(word.count, 3) + 1 else { return nil }
    return best.word
  }

  /// " Did you mean 'X'?" or "" — to append to an error line.
  static func hint(_ word: String, among candidates: [String]) -> String {
    best(word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
  }

  /// Edit distance with adjacent swaps (optimal string alignment).
  static func distance(_ a: String, _ b: String) -> Int {
    let s = Array(a), t = Array(b)
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
    for i in 0...s.count { d[i][0] = i }
    for j in 0...t.count { d[0][j] = j }
    for i in 1...s.count {
      for j in 1...t.count {
        let cost = s[i - 1] == t[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[s.count][t.count]
  }
}
