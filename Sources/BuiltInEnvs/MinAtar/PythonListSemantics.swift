// PythonListSemantics.swift — the two Python list behaviours Seaquest's reference
// depends on, reproduced so that the port follows it even in odd corners.
//
// Seaquest walks its entity lists with `for e in reversed(lst)` while removing from
// them with `lst.remove(e)`, which deletes the FIRST element equal to `e` (by value),
// not necessarily `e` itself. Python's reverse iterator is just an index that counts
// down and stops once it leaves the list, so removals shift what it visits next.

/// Python's `reversed(list)` iterator: an index counting down from the last element,
/// read against the list as it is at each step.
struct ReversedListCursor {
  private var index: Int

  init(count: Int) { index = count - 1 }

  /// The index of the next element to visit in a list that now has `count`
  /// elements, or nil when the iteration is over (Python's `listreviter_next`).
  mutating func next(count: Int) -> Int? {
    guard index >= 0 && index < count else {
      index = -1
      return nil
    }
    defer { index -= 1 }
    return index
  }
}

extension Array where Element: Equatable {
  /// Python's `list.remove(x)`: removes the first element equal to `x` and returns
  /// the index it had. `x` must be present (Python raises otherwise).
  @discardableResult
  mutating func removeFirstEqual(to element: Element) -> Int {
    guard let index = firstIndex(of: element) else {
      preconditionFailure("list.remove(x): x not in list")
    }
    remove(at: index)
    return index
  }
}
