// CleanCommand.swift — `hogwild-rl clean [NAME…]`: unlink segments left
// behind by a supervisor that died (SIGKILL, power loss). A live run's
// segment is never touched: only segments whose creator process no longer
// exists. With names, only those: another orphan (a `--keep-segment` run
// someone is still reading) stays.

import HogwildSegment
import HogwildSys
import Runtime

struct CleanOptions {
  var dryRun = false
  /// Only these segments (normalized, leading slash); empty: every orphan.
  var names: [String] = []
}

enum CleanCommand {
  static var table: OptionTable<CleanOptions> {
    OptionTable<CleanOptions>(
      command: "clean",
      abstract: "Remove hogwild-rl segments whose creator process is dead.",
      usage: "hogwild-rl clean [NAME…] [--dry-run]",
      options: [
        .init("--dry-run", nil, "Only list what would be removed.") { o, _ in o.dryRun = true },
      ],
      positional: { o, v throws(UsageError) in
        do {
          o.names.append(try SharedSegment.normalizedName(v))
        } catch {
          throw UsageError("clean: \(v): \(error)")
        }
      },
      discussion: """
        Without NAME, every orphaned hogwild segment in /dev/shm: no process holds its liveness
        lock and its creator is gone (a segment whose header cannot be read, such as one left by
        a run killed while it started, counts when the creator named in it or in its default name
        /hogwild-rl.<pid> is dead). With NAMEs (the leading slash is optional), only those; a NAME
        also goes when its header names no creator but no process holds its lock. A NAME that is
        not an orphaned segment (absent, or its creator still runs) is reported on stderr and
        makes the exit status 1, the others are removed. Objects that are not regular files owned
        by this user are never opened or removed.
        """)
  }

  /// Orphans: segments whose header names a creator that no longer runs.
  static func orphans() -> [SegmentListing] {
    SegmentCatalog.list().filter { $0.creatorPID != nil && !$0.creatorAlive }
  }

  static func main(_ args: [String]) -> Int32 {
    var o = CleanOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
    } catch {
      return CLI.usageFailure(error.message)
    }
    var failed = false
    var found = orphans()
    if !o.names.isEmpty {
      found = found.filter { o.names.contains($0.name) }
      for name in o.names where !found.contains(where: { $0.name == name }) {
        let listed = FileSystem.exists(SegmentCatalog.directory + name) ? SegmentCatalog.inspect(name) : nil
        // Named, unreadable, no creator to ask, and nobody holds its lock: ours and dead.
        if let l = listed, l.problem != nil, !l.problem!.hasPrefix("not opened"), l.creatorPID == nil,
          SharedSegment.isHeld(name: name) == false
        {
          found.append(l)
          continue
        }
        CLI.printError("error: \(name): " + (listed == nil ? "no such segment" : "not an orphan (its creator still runs)"))
        failed = true
      }
    }
    for l in found {
      let why: String
      if let pid = l.creatorPID {
        why = l.state == .done ? "kept by a finished run, pid \(pid)" : "creator pid \(pid) is dead"
      } else {
        why = "unreadable, and no process holds it"
      }
      if o.dryRun {
        print("would remove \(l.name) (\(why))")
        continue
      }
      do {
        try SharedSegment.unlink(name: l.name)
        print("removed \(l.name) (\(why))")
      } catch {
        CLI.printError("error: \(error)")
        failed = true
      }
    }
    if found.isEmpty && o.names.isEmpty { print("no orphaned segments") }
    return failed ? 1 : 0
  }
}
