// Bench.swift — state shared by the sections: options, the report, the
// hogwild-rl binary, a temporary directory, and the child processes alive
// right now, so that Ctrl-C (or SIGTERM) leaves nothing behind.
//
// Signals: HogwildSys's stop handlers only record SIGINT/SIGTERM/SIGHUP and
// make sleeps return early; the bench checks `stopIfInterrupted()` between
// runs and while it waits for a subprocess, then stops its children
// (SIGINT, then SIGKILL after 3 s), reaps them, unlinks any segment it
// named, removes its temporary directory and exits 130.

import Glibc
import HogwildSegment
import HogwildSys

final class Bench {
  let options: Options
  let report = Report()
  /// The hogwild-rl executable.
  let binary: String
  /// Scratch space for run outputs; removed at exit.
  let temporaryDirectory: String
  /// Children alive right now (forked or spawned).
  private var children: Set<ForkedChild> = []
  /// Segment names a child may have created under our name.
  private var segmentNames: Set<String> = []
  private var outputCounter = 0

  init(options: Options, binary: String, temporaryDirectory: String) {
    self.options = options
    self.binary = binary
    self.temporaryDirectory = temporaryDirectory
  }

  /// `quick` when --quick, else `full`.
  func repeats(_ full: Int, quick: Int) -> Int { options.quick ? quick : full }

  // MARK: children

  func adopt(_ child: ForkedChild) { children.insert(child) }

  func watchSegment(_ name: String) { segmentNames.insert(name) }

  func forgetSegment(_ name: String) { segmentNames.remove(name) }

  /// Waits for `child` to end (polling, so a signal to the bench is noticed
  /// within 10 ms). Returns its exit status, or 128 + signal.
  func wait(_ child: ForkedChild) -> Int32 {
    while true {
      let status: ExitStatus?
      do { status = try child.wait(blocking: false) } catch {
        children.remove(child)
        return 255
      }
      if let status {
        children.remove(child)
        return status.shellStatus
      }
      stopIfInterrupted()
      MonotonicClock.sleep(nanoseconds: 10_000_000)
    }
  }

  /// Sleeps `seconds` unless a stop signal arrives (then stops the bench).
  func sleep(_ seconds: Double) {
    let end = MonotonicClock.now + UInt64(seconds * 1e9)
    while true {
      stopIfInterrupted()
      let now = MonotonicClock.now
      if now >= end { return }
      MonotonicClock.sleep(nanoseconds: end - now)
    }
  }

  // MARK: hogwild-rl as a subprocess

  /// A fresh, not yet existing output directory for one run.
  func newOutputDirectory(_ tag: String) -> String {
    outputCounter += 1
    return "\(temporaryDirectory)/\(tag).\(outputCounter)"
  }

  /// Starts `hogwild-rl args…` with stdout to /dev/null (stderr is ours,
  /// so its errors show). Exits the bench if it cannot be started.
  func spawnHogwild(_ args: [String]) -> ForkedChild {
    stopIfInterrupted()
    let child: ForkedChild
    do { child = try ForkedChild.spawn(binary, arguments: args, standardOutput: .discard) } catch {
      fail("cannot start \(binary): \(error)")
    }
    adopt(child)
    return child
  }

  /// Runs `hogwild-rl run args… --quiet --out <tmp>` to the end and returns
  /// its summary.json text. Exits the bench if the run fails.
  func runHogwild(_ args: [String]) -> String {
    let out = newOutputDirectory("run")
    let full = ["run"] + args + ["--quiet", "--out", out]
    let status = wait(spawnHogwild(full))
    guard status == 0, let summary = readFile(out + "/summary.json") else {
      fail("`hogwild-rl \(full.joined(separator: " "))` failed (exit status \(status))")
    }
    FileSystem.removeTree(out)
    return summary
  }

  // MARK: stopping

  /// If SIGINT/SIGTERM/SIGHUP arrived: clean up and exit 130.
  func stopIfInterrupted() {
    guard let sig = StopSignals.received else { return }
    print("\ninterrupted (signal \(sig)): stopping children and cleaning up")
    cleanUp()
    exit(130)
  }

  /// Prints `message` on stderr, cleans up and exits 1.
  func fail(_ message: String) -> Never {
    printError("hogwild-bench: \(message)")
    cleanUp()
    exit(1)
  }

  /// Stops and reaps every child, unlinks watched segments, removes the
  /// temporary directory. Idempotent.
  func cleanUp() {
    for child in children { child.send(SIGINT) }
    let deadline = MonotonicClock.now + 3_000_000_000
    while !children.isEmpty {
      for child in children where (try? child.wait(blocking: false)) != .some(nil) {
        children.remove(child)
      }
      if MonotonicClock.now > deadline {
        for child in children {
          child.kill()
          _ = try? child.wait(blocking: true)
        }
        children.removeAll()
      }
      if !children.isEmpty { MonotonicClock.sleep(nanoseconds: 10_000_000) }
    }
    for name in segmentNames { try? SharedSegment.unlink(name: name) }
    segmentNames.removeAll()
    FileSystem.removeTree(temporaryDirectory)
  }
}

func printError(_ text: String) { StandardError.write(text + "\n") }
