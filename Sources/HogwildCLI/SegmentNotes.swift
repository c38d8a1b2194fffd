// SegmentNotes.swift — how `dump --list`, `clean` and `run` describe a
// segment that no process holds: kept on purpose by a run that finished
// (--keep-segment), or left by one that did not.

import HogwildSegment

extension SegmentListing {
  /// "kept (run finished)" for a segment whose run ended normally (state
  /// done: --keep-segment), "orphan: creator is dead" otherwise.
  var leftoverNote: String { state == .done ? "kept (run finished)" : "orphan: creator is dead" }

  /// What `run` says about it before it starts.
  var leftoverLine: String {
    let pid = creatorPID.map { "pid \($0)" } ?? "a process"
    return state == .done
      ? "note: \(name) is kept from a finished run (\(pid), --keep-segment); 'hogwild-rl clean' removes it"
      : "note: \(name) was left by \(pid), which is dead; 'hogwild-rl clean' removes it"
  }
}
