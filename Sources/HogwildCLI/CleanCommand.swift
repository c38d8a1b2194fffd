// CleanCommand.swift — `hogwild-rl clean`: unlink segments left behind by a
// supervisor that died (SIGKILL, power loss). A live run's segment is never
// touched: only segments whose creator process no longer exists.

import HogwildSegment
import Runtime

struct CleanOptions {
  var dryRun = false
}

enum CleanCommand {
  static var table: OptionTable<CleanOptions> {
    OptionTable<CleanOptions>(
      command: "clean",
      abstract: "Remove hogwild-rl segments whose creator process is dead.",
      usage: "hogwild-rl clean [--dry-run]",
      options: [
        .init("--dry-run", nil, "Only list what would be removed.") { o, _ in o.dryRun = true },
      ],
      positional: nil,
      discussion: "")
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
    let found = orphans()
    for l in found {
      let why = "creator pid \(l.creatorPID!) is dead"
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
    if found.isEmpty { print("no orphaned segments") }
    return failed ? 1 : 0
  }
}
