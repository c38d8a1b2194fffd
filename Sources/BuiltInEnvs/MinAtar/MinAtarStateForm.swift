// MinAtarStateForm.swift — a MinAtar game's state as an `EnvState` record,
// with the reference's attribute names (snake_case, in the order its reset()
// sets them), so `replay` can print it and start a game from one. The five
// forms are in MinAtarStateForms.swift; this file has the protocol and the
// reader that turns a record back into fields, one clear error per problem.

/// A MinAtar state that converts to and from its `EnvState` record.
public protocol MinAtarStateForm {
  /// The record `replay` prints: MinAtar's attribute names and values.
  var envState: EnvState { get }
  /// Reads the record `envState` produces; `id` phrases the errors. Throws
  /// for a missing, unknown or mistyped field, or a state the game cannot run
  /// from (its `validationError`).
  init(envState: EnvState, for id: String) throws(EnvStateError)
}

/// Reads the fields of a state record, one clear error per problem.
///
/// Integers must fit in 32 bits: every counter of a game then stays far from
/// `Int`'s bounds (a timer set to `Int.min` would trap on its next decrement).
struct StateRecordReader {
  let state: EnvState
  let id: String

  init(_ state: EnvState, for id: String, keys: [String]) throws(EnvStateError) {
    self.state = state
    self.id = id
    guard let fields = state.recordFields else {
      throw EnvStateError("\(id) state: expected an object with keys \(keys.joined(separator: ", ")), got \(state.kindDescription)")
    }
    if let missing = keys.first(where: { k in !fields.contains { $0.key == k } }) {
      throw EnvStateError("\(id) state: missing key \(missing)")
    }
    if let extra = fields.first(where: { !keys.contains($0.key) }) {
      throw EnvStateError("\(id) state: unknown key \(extra.key) (keys: \(keys.joined(separator: ", ")))")
    }
  }

  func fail(_ path: String, _ expected: String, _ got: EnvState) -> EnvStateError {
    EnvStateError("\(id) state: \(path) must be \(expected), got \(got.kindDescription)")
  }

  /// An integer in 32-bit range; `path` names it in errors.
  func int(_ value: EnvState, at path: String) throws(EnvStateError) -> Int {
    guard let i = value.integerValue else { throw fail(path, "an integer", value) }
    guard Int(exactly: Int32(truncatingIfNeeded: i)) == i else {
      throw EnvStateError("\(id) state: \(path) must be an integer from \(Int32.min) to \(Int32.max), got \(i)")
    }
    return i
  }

  /// A boolean, or 0/1 (the reference keeps some flags as numbers).
  func bool(_ value: EnvState, at path: String) throws(EnvStateError) -> Bool {
    if let b = value.booleanValue { return b }
    if let i = value.integerValue, i == 0 || i == 1 { return i == 1 }
    throw fail(path, "a boolean", value)
  }

  func int(_ key: String) throws(EnvStateError) -> Int { try int(state[key]!, at: key) }

  func bool(_ key: String) throws(EnvStateError) -> Bool { try bool(state[key]!, at: key) }

  /// A grid of integers (its size and cells are checked by the game's
  /// validation).
  func grid(_ key: String) throws(EnvStateError) -> [[Int]] {
    let v = state[key]!
    guard let rows = v.listValue else { throw fail(key, "an array of rows of integers", v) }
    var out: [[Int]] = []
    for (r, row) in rows.enumerated() {
      guard let cells = row.listValue else { throw fail("\(key)[\(r)]", "an array of integers", row) }
      var values: [Int] = []
      for (c, cell) in cells.enumerated() { values.append(try int(cell, at: "\(key)[\(r)][\(c)]")) }
      out.append(values)
    }
    return out
  }

  /// A list of entities, each stored as a short list with the items `fields`
  /// (e.g. Freeway's cars, `[x, y, timer, speed]`), read by `make`.
  func entities<T>(_ key: String, fields: [String],
                   _ make: (EntityItems) throws(EnvStateError) -> T) throws(EnvStateError) -> [T] {
    try slots(key, fields: fields, emptySlots: false, make).map { $0! }
  }

  /// Like `entities`, but a null item is an empty slot (nil), as Asterix's
  /// `entities` holds None for a free lane.
  func entitySlots<T>(_ key: String, fields: [String],
                      _ make: (EntityItems) throws(EnvStateError) -> T) throws(EnvStateError) -> [T?] {
    try slots(key, fields: fields, emptySlots: true, make)
  }

  private func slots<T>(_ key: String, fields: [String], emptySlots: Bool,
                        _ make: (EntityItems) throws(EnvStateError) -> T) throws(EnvStateError) -> [T?] {
    let v = state[key]!
    let shape = "[" + fields.joined(separator: ", ") + "]" + (emptySlots ? " or null" : "")
    guard let items = v.listValue else { throw fail(key, "an array of entities \(shape)", v) }
    var out: [T?] = []
    for (i, item) in items.enumerated() {
      if emptySlots && item == .null {
        out.append(nil)
        continue
      }
      let path = "\(key)[\(i)]"
      guard let values = item.listValue, values.count == fields.count else {
        throw fail(path, "an array of \(fields.count) values \(shape)", item)
      }
      out.append(try make(EntityItems(reader: self, path: path, fields: fields, values: values)))
    }
    return out
  }

  /// Throws if the game cannot run from the state (`validationError`).
  func check(_ validationError: String?) throws(EnvStateError) {
    if let validationError { throw EnvStateError("\(id) state: \(validationError)") }
  }
}

/// The items of one entity stored as a short list, read by name
/// (`e.int("x")`), errors naming them as the validation does (`cars[2].x`).
struct EntityItems {
  let reader: StateRecordReader
  let path: String
  let fields: [String]
  let values: [EnvState]

  private func value(_ name: String) -> (EnvState, String) {
    (values[fields.firstIndex(of: name)!], "\(path).\(name)")
  }

  func int(_ name: String) throws(EnvStateError) -> Int {
    let (v, at) = value(name)
    return try reader.int(v, at: at)
  }

  func bool(_ name: String) throws(EnvStateError) -> Bool {
    let (v, at) = value(name)
    return try reader.bool(v, at: at)
  }
}
