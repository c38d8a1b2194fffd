// Communicator.swift — the supervisor's handle on its node's communicator
// (hogwild-comm, include/hogwild.h NOTES (i)): spawned, watched like a
// worker, and let go at the end. The supervisor never calls MPI; this
// process does, in a process group of its own, so that the SIGTERM mpirun
// sends a rank's group on Ctrl-C leaves it alive for the last sync.

import HogwildSegment
import HogwildSys

/// One running hogwild-comm and its view of the segment.
final class Communicator {
  let process: ForkedChild
  let state: DistributedState
  let startedAt: UInt64
  /// How it ended, once reaped.
  private(set) var ended: ExitStatus?

  private init(process: ForkedChild, state: DistributedState) {
    self.process = process
    self.state = state
    startedAt = MonotonicClock.now
  }

  /// Starts `path SEGMENT SUPERVISOR_PID` for the published `segment`.
  static func spawn(path: String, segment: SharedSegment, state: DistributedState) throws(RunError) -> Communicator {
    do {
      let child = try ForkedChild.spawn(path, arguments: [segment.name, "\(CurrentProcess.id)"], newProcessGroup: true)
      return Communicator(process: child, state: state)
    } catch {
      throw .runtime("--distributed: cannot start \(path): \(error)")
    }
  }

  var isRunning: Bool { ended == nil }

  /// Reaps it if it has ended (without blocking unless `blocking`); returns
  /// how it ended, or nil while it runs.
  @discardableResult
  func poll(blocking: Bool = false) -> ExitStatus? {
    if let ended { return ended }
    do {
      guard let status = try process.wait(blocking: blocking) else { return nil }
      ended = status
    } catch {
      // ECHILD: reaped elsewhere; nothing to wait for.
      ended = .exited(1)
    }
    return ended
  }

  /// SIGKILL, then reap.
  func kill() {
    guard isRunning else { return }
    process.kill()
    poll(blocking: true)
  }

  /// What it said before failing, or how it ended.
  func failure(_ status: ExitStatus) -> String {
    let text = state.error
    if !text.isEmpty { return text }
    switch status {
    case .exited(let code): return "it exited with status \(code)"
    case .signaled(let s): return "it was killed by signal \(s) (\(ExitStatus.signalName(s)))"
    }
  }

  /// Waits until rank 0's θ is in the segment (phase READY). Fails when it
  /// exits first, a stop signal arrives, or `timeout` passes.
  func waitUntilReady(timeout: UInt64) throws(RunError) {
    let deadline = startedAt + timeout
    while !state.isReady {
      if let status = poll() {
        throw .runtime("--distributed: the communicator (pid \(process.pid)) ended before the first sync: \(failure(status))")
      }
      if let s = StopSignals.received {
        kill()
        throw .runtime("--distributed: stopped by signal \(s) (\(ExitStatus.signalName(s))) while waiting for the other nodes")
      }
      if MonotonicClock.now > deadline {
        kill()
        throw .runtime("--distributed: the nodes did not all join within \(timeout / 1_000_000_000) s (is every rank running?)")
      }
      MonotonicClock.sleep(nanoseconds: 2_000_000)
    }
  }

  /// Lets it finish: tells it the node's workers are gone and waits for
  /// its last sync at most `timeout` (it may still run after: kill it once
  /// the segment's name is gone). Returns whether the last sync completed.
  func finish(timeout: UInt64, while wait: () -> Void) -> Bool {
    state.workersStopped = true
    let deadline = MonotonicClock.now + timeout
    while isRunning, poll() == nil, MonotonicClock.now < deadline {
      wait()
      MonotonicClock.sleep(nanoseconds: 1_000_000)
    }
    return state.phase == .finished
  }
}
