// DumpCommand.swift — `hogwild-rl dump`: inspect a live or kept segment
// read-only, or list every hogwild segment in /dev/shm.

import Algorithms
import Formats
import HogwildLink
import HogwildSegment
import Runtime

struct DumpOptions {
  var name: String?
  var json = false
  var list = false
  /// `--watch`: refresh every this many nanoseconds.
  var watch: UInt64?
}

enum DumpCommand {
  static var table: OptionTable<DumpOptions> {
    OptionTable<DumpOptions>(
    command: "dump",
    abstract: "Inspect a hogwild-rl shared segment (read-only; the run is not disturbed).",
    usage: "hogwild-rl dump [NAME] [--json] [--list] [--watch INTERVAL]",
    options: [
      .init("--json", nil, "Print one JSON object instead of text.") { o, _ in o.json = true },
      .init("--list", nil, "List every hogwild segment in /dev/shm with its creator pid and whether it is alive.") { o, _ in
        o.list = true
      },
      .init("--watch", "interval", "Redraw every INTERVAL (e.g. 1s, 500ms; at least 100ms) like top: counters, "
            + "steps/s, updates/s, the worker table and a sparkline of recent returns. Ctrl-C stops watching "
            + "(exit 0) and leaves the run untouched; when the run ends the last frame is printed and dump exits 0. "
            + "Not on a terminal: one frame per interval, no escape codes; with --json: one JSON object per line.") { o, v throws(UsageError) in
        guard let ns = Delay.parseDuration(v), ns >= DumpWatch.minimumInterval else {
          throw ValueParsers.fail("--watch", "a duration of at least 100ms such as 1s, 500ms or 2.5s", v)
        }
        o.watch = ns
      },
    ],
    positional: { o, v throws(UsageError) in
      guard o.name == nil else { throw UsageError("dump: only one segment NAME may be given") }
      o.name = v
    },
    discussion: """
      NAME is a segment such as /hogwild-rl.12345 (the leading slash is optional). Without NAME,
      dump shows the only segment present, or lists them when there are several.
      With --watch, dump maps the segment read-only and redraws until Ctrl-C or the run's end.
      """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = DumpOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
    } catch {
      return CLI.usageFailure(error.message)
    }
    if o.list {
      guard o.watch == nil else { return CLI.usageFailure("dump: --watch and --list cannot be combined") }
      return list(json: o.json)
    }
    let name: String
    if let n = o.name {
      name = n
    } else {
      let all = SegmentCatalog.list()
      if all.isEmpty {
        CLI.printError("error: no hogwild-rl segment in \(SegmentCatalog.directory)")
        return 1
      }
      guard all.count == 1 else {
        CLI.printError("several segments present; name one:")
        return list(json: o.json)
      }
      name = all[0].name
    }
    if let interval = o.watch { return DumpWatch.run(name: name, interval: interval, json: o.json) }
    do {
      let seg = try SharedSegment.attach(name: name)
      let report = SegmentReport.json(seg)
      print(o.json ? report.serialized(indent: true) : DumpText.render(report))
      return 0
    } catch {
      CLI.printError("error: \(error)")
      return 1
    }
  }

  static func list(json: Bool) -> Int32 {
    let all = SegmentCatalog.list()
    if json {
      print(JSON.array(all.map { l in
        .object([
          ("segment", .string(l.name)), ("bytes", .int(Int64(l.bytes))),
          ("creator_pid", l.creatorPID.map { .int(Int64($0)) } ?? .null),
          ("creator_alive", .bool(l.creatorAlive)),
          ("orphan", .bool(!l.creatorAlive)),
          ("env", l.envID.map(JSON.string) ?? .null),
          ("algo", l.algorithm.map(JSON.string) ?? .null),
          ("state", l.state.map { .string($0.description) } ?? .null),
          ("T", l.globalSteps.map(JSON.uint) ?? .null),
          ("problem", l.problem.map(JSON.string) ?? .null),
        ])
      }).serialized(indent: true))
      return 0
    }
    if all.isEmpty {
      print("no hogwild-rl segments in \(SegmentCatalog.directory)")
      return 0
    }
    var t = TextTable(["SEGMENT", "BYTES", "CREATOR", "ALIVE", "STATE", "ENV", "T", "NOTE"], numeric: [1, 2, 6])
    for l in all {
      t.add([
        l.name, "\(l.bytes)", l.creatorPID.map { "\($0)" } ?? "-",
        l.creatorAlive ? "yes" : "no", l.state?.description ?? "-", l.envID ?? "-",
        l.globalSteps.map { "\($0)" } ?? "-",
        l.problem ?? (l.creatorAlive ? "" : "orphan: creator is dead"),
      ])
    }
    print(t.render(indent: ""))
    return 0
  }
}
