// DumpWatch.swift — `hogwild-rl dump --watch INTERVAL`: redraws the
// segment's state every interval, like `top`, from a read-only mapping.
//
// On a terminal each frame is drawn over the previous one (cursor home,
// each line ending with erase-to-end-of-line, then erase below: no flicker,
// no curses). Otherwise every frame is printed after the previous one with
// no escape codes, for logs; with --json each frame is one line of JSON.
// SIGINT, SIGTERM and SIGHUP end the watch with status 0: the segment is
// mapped PROT_READ, so the watcher cannot change the run. When the run ends
// (state done, segment removed, or no process of it left) a last frame is
// printed and the watch exits 0 with a note on stderr.

import Algorithms
import HogwildLink
import HogwildSegment
import HogwildSys
import Runtime

enum DumpWatch {
  /// The shortest interval accepted (nanoseconds).
  static let minimumInterval: UInt64 = 100_000_000

  private static let escape = "\u{1B}["

  static func run(name: String, interval: UInt64, json: Bool) -> Int32 {
    let seg: SharedSegment
    do {
      seg = try SharedSegment.attach(name: name, writable: false)
    } catch {
      CLI.printError("error: \(error)")
      return 1
    }
    let redraw = !json && StandardOutput.isTerminal
    StopSignals.install()
    defer { StopSignals.reset() }
    if redraw { write(escape + "?25l" + escape + "2J") }  // hide the cursor, clear once
    defer { if redraw { write(escape + "?25h") } }

    let label = Delay.format(interval)
    var previous: WatchSample?
    var index = 0
    while true {
      let sample = WatchSample(seg)
      let rates = WatchRates(from: previous, to: sample)
      if json {
        write(WatchFrame.json(sample, rates: rates, sample: index).serialized() + "\n")
      } else {
        let lines = WatchFrame.text(sample, rates: rates, interval: label)
        if redraw {
          write(escape + "H" + lines.map { $0 + escape + "K\n" }.joined() + escape + "J")
        } else {
          write((index > 0 ? "\n" : "") + lines.joined(separator: "\n") + "\n")
        }
      }
      if let why = ended(sample, name: seg.name) {
        CLI.printError("watch: \(why); exiting")
        return 0
      }
      previous = sample
      index += 1
      if !sleep(interval) {
        CLI.printError("\nwatch: stopped by signal \(StopSignals.received ?? 0); the run is untouched")
        return 0
      }
    }
  }

  /// Why the watch should stop after this frame, or nil while the run lives.
  static func ended(_ s: WatchSample, name: String) -> String? {
    if s.state == .done { return "the run is done" }
    switch SharedSegment.isHeld(name: name) {
    case .some(true): return nil
    case .some(false): return "no process of the run is left (an orphaned segment; 'hogwild-rl clean' removes it)"
    case nil: return "the segment was removed: the run ended"
    }
  }

  /// Sleeps `ns` in slices; false if a stop signal arrived.
  private static func sleep(_ ns: UInt64) -> Bool {
    let end = MonotonicClock.now &+ ns
    while StopSignals.received == nil {
      let now = MonotonicClock.now
      if now >= end { return true }
      MonotonicClock.sleep(nanoseconds: min(end - now, 50_000_000))
    }
    return false
  }

  /// Writes and flushes, so every frame reaches a pipe or file at once.
  private static func write(_ text: String) {
    StandardOutput.writeAndFlush(text)
  }
}
