// HostileCLITests.swift — the reproductions of issue 27's attack report, one
// test per class (RELIABILITY.md, "Hostile inputs and faults", maps them):
// anyone on the machine putting FIFOs, symlinks, taken names or sparse
// objects in /dev/shm; environments returning absurd numbers, ending their
// process, leaving processes behind or writing outside their space; signals
// during startup and a reader that goes away; a segment truncated under the
// run; crafted checkpoints and segments; two runs in one directory; a full
// disk; terminal escapes; a checkpoint naming someone else's code.
//
// Cases that put odd objects into /dev/shm run in a private mount namespace
// with a tmpfs of their own (other tests and helpers' runs never see them);
// where that is not possible they say "skipped: …".

import Formats
import Foundation
import Glibc
import HogwildSegment
import Testing

@Suite(.serialized) struct HostileCLITests: LiveSegmentTests {
  /// Prints why a test did not run, and returns false, when private mounts
  /// are unavailable.
  func privateMounts(_ test: String) -> Bool {
    if Harness.privateMountsWork { return true }
    print("skipped: \(test): needs root and unshare -m for a private /dev/shm (or a small tmpfs)")
    return false
  }

  func errorLines(_ r: CLIResult) -> [String] { r.stderrLines.filter { $0.hasPrefix("error:") } }

  // MARK: 1–3 /dev/shm is everyone's

  @Test func fifosSymlinksAndForeignObjectsInDevShmHangNothing() throws {
    guard privateMounts(#function) else { return }
    let s = try Scratch()
    let r = try Harness.inPrivateShm("""
      cd "\(s.url.path)"
      mkfifo /dev/shm/x.fifo /dev/shm/hogwild-rl.fifo
      runuser -u nobody -- mkfifo /dev/shm/hogwild-nobody.fifo 2>/dev/null || true
      ln -s /etc/passwd /dev/shm/hogwild-link
      timeout 20 "$BIN" run --t-max 1k --procs 1 --out a >/dev/null 2>run.err; echo "run $?"
      timeout 10 "$BIN" dump --list >list.out 2>&1; echo "list $?"
      timeout 10 "$BIN" dump >/dev/null 2>&1; echo "dump $?"
      timeout 10 "$BIN" dump x.fifo 2>dumpfifo.err; echo "dumpfifo $?"
      timeout 10 "$BIN" dump hogwild-link 2>/dev/null; echo "dumplink $?"
      timeout 10 "$BIN" clean --dry-run >/dev/null 2>&1; echo "dry $?"
      timeout 10 "$BIN" clean >/dev/null 2>&1; echo "clean $?"
      ls /dev/shm | sort | tr '\\n' ' '
      """, in: s.url, timeout: 90)
    let out = r.stdout
    // No command hung (timeout's 124), each did its job.
    for expected in ["run 0", "list 0", "dumpfifo 1", "dumplink 1", "dry 0", "clean 0"] {
      #expect(out.contains(expected), "\(expected) in \(r)")
    }
    #expect(!out.contains(" 124"), "\(r)")
    #expect(out.contains("dump 0") || out.contains("dump 1"), "\(r)")
    let dumpErr = (try? String(contentsOf: s.file("dumpfifo.err"), encoding: .utf8)) ?? ""
    #expect(dumpErr.contains("not a regular file"), "\(dumpErr)")
    // The odd objects are listed with their problem, never followed, never removed.
    let list = (try? String(contentsOf: s.file("list.out"), encoding: .utf8)) ?? ""
    #expect(list.contains("hogwild-link") && list.contains("not opened"), "\(list)")
    #expect(out.contains("hogwild-link") && out.contains("x.fifo"), "\(r)")
    #expect(FileManager.default.fileExists(atPath: "/etc/passwd"))
  }

  @Test func aTakenDefaultSegmentNameIsNotTheUsersProblem() throws {
    let s = try Scratch()
    // The name this process will pick is taken before it starts (same pid:
    // the shell execs hogwild-rl); without --segment another one is chosen.
    let r = try Harness.shell("""
      : > /dev/shm/hogwild-rl.$$
      exec "$BIN" run --t-max 1k --procs 1 --out "$1"
      """, [s.path("a")], in: s.url, timeout: 60)
    defer { Harness.removeSegment(Harness.defaultSegment(pid: r.pid)) }
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stderr.contains("segment /hogwild-rl.\(r.pid).1"), "\(r)")
    #expect(!Harness.segmentExists("/hogwild-rl.\(r.pid).1"))
    // With --segment the name is the user's: taken is a usage error.
    let named = Harness.uniqueSegment("taken")
    let fd = open(Harness.shm + named, O_CREAT | O_EXCL | O_WRONLY, 0o600)
    close(fd)
    defer { Harness.removeSegment(named) }
    let refused = try Harness.run(["run", "--t-max", "1k", "--quiet", "--segment", named, "--out", s.path("b")], in: s.url)
    #expect(refused.exitCode == 64 && refused.stderrLines.count == 1, "\(refused)")
    #expect(!FileManager.default.fileExists(atPath: s.path("b")))
  }

  @Test func aSparseSegmentDeclaringAHugeThetaIsRefusedBeforeMapping() throws {
    guard privateMounts(#function) else { return }
    let s = try Scratch()
    let fields = SegmentFields.header()
    func offset(_ name: String) -> Int { fields.first { $0.name == name }!.offset }
    // A real kept segment, then: θ declared as 2^32 floats, the object grown
    // (sparse) to hold them, total_size to match.
    let r = try Harness.inPrivateShm("""
      cd "\(s.url.path)"
      "$BIN" run --t-max 1k --procs 1 --quiet --keep-segment --segment /sparse --out a >/dev/null || exit 9
      poke() { python3 -c "import struct,sys; f=open('/dev/shm/sparse','r+b'); f.seek(int(sys.argv[1])); f.write(struct.pack('<Q', int(sys.argv[2])))" "$1" "$2"; }
      size=$(( (1 << 34) + (1 << 20) ))
      truncate -s $size /dev/shm/sparse
      poke \(offset("params_count")) $(( 1 << 32 ))
      poke \(offset("total_size")) $size
      timeout 30 "$BIN" dump sparse >/dev/null 2>dump.err; echo "dump $?"
      timeout 30 "$BIN" dump --list >list.out 2>&1; echo "list $?"
      du -k /dev/shm/sparse | cut -f1
      """, in: s.url, timeout: 120)
    #expect(r.stdout.contains("dump 1") && r.stdout.contains("list 0"), "\(r)")
    let err = (try? String(contentsOf: s.file("dump.err"), encoding: .utf8)) ?? ""
    #expect(err.contains("sparse"), "\(err)")
    // Nothing was faulted in: the object still holds only the real segment's pages.
    let allocatedKiB = Int(r.stdout.split(separator: "\n").last ?? "") ?? Int.max
    #expect(allocatedKiB < 64 * 1024, "\(r)")
  }

  // MARK: 4–7 the supervisor survives

  @Test func absurdRewardsAreFormattedNotTrapped() throws {
    let s = try Scratch()
    let plugin = try PluginBuilder.fixture(["HUGE_REWARD"], in: s)
    let r = try Harness.run(["run", "--env", "plugin:" + plugin, "--procs", "1", "--t-max", "3000", "--out", s.path("a")],
                            in: s.url, timeout: 60)
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stderr.contains("e+30"), "\(r)")
    let summary = try Harness.json(at: s.file("a/summary.json"))
    #expect(summary["exit_reason"] as? String == "t_max")
    let py = try Harness.run(["run", "--env", "py:hogwild_fixture_envs:huge_reward", "--procs", "1", "--t-max", "2000",
                              "--out", s.path("b")],
                             in: s.url, timeout: 60, environment: ["PYTHONPATH": PythonBridgeCLITests.fixtures])
    #expect(py.exitCode == 0, "\(py)")
    #expect(py.stderr.contains("e+30"), "\(py)")
  }

  @Test func aReaderThatGoesAwayIsNoReasonToDie() throws {
    let s = try Scratch()
    let seg = Harness.uniqueSegment("pipe")
    defer { Harness.removeSegment(seg) }
    let r = try Harness.shell("""
      set -o pipefail
      "$BIN" run --t-max 400k --procs 2 --segment "$1" --out "$2" 2>&1 | head -n 1 >/dev/null
      echo "rc $?"
      """, [seg, s.path("a")], in: s.url, timeout: 120)
    #expect(r.stdout.contains("rc 0"), "\(r)")
    let summary = try Harness.json(at: s.file("a/summary.json"))
    #expect(summary["exit_reason"] as? String == "t_max")
    #expect(!Harness.segmentExists(seg))
  }

  @Test func aSignalDuringStartupLeaksNothing() throws {
    let s = try Scratch()
    // A 2048 × 2048 hidden layer: a 17 MB θ to fill, a wide startup window.
    for i in 0..<10 {
      let seg = Harness.uniqueSegment("startup\(i)")
      defer { Harness.removeSegment(seg) }
      let out = s.path("r\(i)")
      let p = try Harness.start(["run", "--procs", "1", "--t-max", "500M", "--hidden", "2048,2048", "--quiet",
                                 "--segment", seg, "--out", out], in: s.url)
      usleep(UInt32(i * 4_000))
      p.send(SIGTERM)
      let r = p.wait(timeout: 60)
      #expect(!r.timedOut, "\(r)")
      // Killed before it made anything, or stopped cleanly with every output.
      #expect(!Harness.segmentExists(seg), "run \(i) left its segment: \(r)")
      let files = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
      #expect(!files.contains { $0.hasSuffix(".tmp") }, "run \(i): \(files)")
      if !files.isEmpty { #expect(files.contains("summary.json"), "run \(i): \(files) \(r)") }
    }
  }

  @Test func cleanRemovesOurDeadUnreadableSegments() throws {
    guard privateMounts(#function) else { return }
    let s = try Scratch()
    // As a run killed while it started leaves them: empty, or with no magic.
    let r = try Harness.inPrivateShm("""
      cd "\(s.url.path)"
      sleep 0 & dead=$!; wait $dead
      : > /dev/shm/hogwild-rl.$dead
      head -c 8192 /dev/zero > /dev/shm/hogwild-rl.$dead.1
      : > /dev/shm/hogwild-custom
      : > /dev/shm/hogwild-rl.$$
      "$BIN" clean > clean.out 2>&1; echo "clean $?"
      "$BIN" clean hogwild-custom >> clean.out 2>&1; echo "named $?"
      ls /dev/shm | tr '\\n' ' '
      """, in: s.url, timeout: 60)
    let listing = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(r.stdout.contains("clean 0") && r.stdout.contains("named 0"), "\(r)")
    // The dead creator's two are gone, the named one too; the live shell's stays.
    #expect(listing.trimmingCharacters(in: .whitespaces).split(separator: " ").count == 1, "\(r)")
  }

  @Test func aSegmentTruncatedUnderTheRunEndsItInOneLine() throws {
    let s = try Scratch()
    let seg = Harness.uniqueSegment("trunc")
    defer { Harness.removeSegment(seg) }
    let p = try Harness.start(["run", "--procs", "2", "--t-max", "500M", "--quiet", "--checkpoint-every", "200ms",
                               "--segment", seg, "--out", s.path("a")], in: s.url)
    defer { p.killIfRunning() }
    _ = try waitForLiveSegment(seg, procs: 2, in: s)
    usleep(500_000)
    #expect(truncate(Harness.shm + seg, 100) == 0)
    let r = p.wait(timeout: 30)
    #expect(!r.timedOut && r.exitCode == 1, "\(r)")
    #expect(errorLines(r).count == 1 && r.stderr.contains("truncated"), "\(r)")
    #expect(!r.stderr.contains("Backtrac") && !r.stderr.contains("Fatal"), "\(r)")
    #expect(!Harness.segmentExists(seg))
    let summary = try Harness.json(at: s.file("a/summary.json"))
    #expect(summary["exit_reason"] as? String == "error")
    #expect((Harness.int(summary["steps"]) ?? 0) > 0, "the last totals read from the segment: \(summary)")
    #expect(FileManager.default.fileExists(atPath: s.path("a/checkpoint.bin")))
    #expect(Harness.leftovers(supervisor: r.pid).isEmpty)
  }

  // MARK: 8, 10 crafted checkpoints and numbers

  static func poke(_ bytes: inout [UInt8], _ offset: Int, _ width: Int, _ value: UInt64) {
    for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
  }

  static func reseal(_ bytes: inout [UInt8]) {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes[0..<(bytes.count - 8)] { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    poke(&bytes, bytes.count - 8, 8, h)
  }

  @Test func craftedCheckpointsWithValidChecksumsAreRefusedInOneLine() throws {
    let s = try Scratch()
    let made = try Harness.run(["run", "--procs", "1", "--t-max", "3000", "--quiet", "--out", s.path("run")], in: s.url)
    try #require(made.exitCode == 0, "\(made)")
    let good = [UInt8](try Data(contentsOf: s.file("run/checkpoint.bin")))
    // (field offset, width, value, the word the refusal names)
    let crafted: [(Int, Int, UInt64, String)] = [
      (176 + 48, 8, UInt64(Int64.max), "outside"),  // layer 0's offset
      (120, 8, UInt64.max, "episodes"),
      (128, 8, (1e300).bitPattern, "wall"),
    ]
    for (offset, width, value, word) in crafted {
      var bytes = good
      Self.poke(&bytes, offset, width, value)
      Self.reseal(&bytes)
      let dir = s.path("crafted-\(offset)")
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: s.path("run/config.json"), toPath: dir + "/config.json")
      try Data(bytes).write(to: URL(fileURLWithPath: dir + "/checkpoint.bin"))
      for args in [["eval", "--checkpoint", dir + "/checkpoint.bin", "--episodes", "1"],
                   ["export", "--checkpoint", dir + "/checkpoint.bin", "--format", "safetensors", "--out", dir + "/policy.safetensors"],
                   ["run", "--resume", dir, "--t-max", "10000", "--quiet"]] {
        let r = try Harness.run(args, in: s.url, timeout: 60)
        #expect(r.exitCode == 1 && r.stderrLines.count == 1 && r.stderr.contains(word), "\(args[0]) \(word): \(r)")
      }
    }
  }

  @Test func seedsBeyondTheIntegersAreUsageErrors() throws {
    let s = try Scratch()
    for seed in ["9.223372036854775807e18", "9223372036854775807.5", "1e19", "-1"] {
      for args in [["run", "--t-max", "1k", "--out", s.path("never")],
                   ["eval", "--checkpoint", s.path("none.bin"), "--episodes", "1"],
                   ["replay", "--env", "CartPole-v1", "--actions", "0"]] {
        let r = try Harness.run(args + ["--seed", seed], in: s.url)
        #expect(r.exitCode == 64 && r.stderrLines.count == 1 && r.stderr.contains("--seed"), "\(seed) \(args[0]): \(r)")
      }
    }
    #expect(!FileManager.default.fileExists(atPath: s.path("never")))
  }

  // MARK: 11–14 processes left behind, silent failures

  /// Waits up to `seconds` for every pid listed in `file` to be gone.
  func allGone(_ file: String, within seconds: Double) -> (gone: Bool, pids: [Int32]) {
    let pids = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    let deadline = Date().addingTimeInterval(seconds)
    func running(_ pid: Int32) -> Bool { Harness.processTable().contains { $0.pid == pid && $0.state != "Z" } }
    while pids.contains(where: running) {
      if Date() > deadline { return (false, pids) }
      usleep(20_000)
    }
    return (true, pids)
  }

  @Test func whatAProbeOrAnEnvironmentStartsDoesNotOutliveTheRun() throws {
    let s = try Scratch()
    let plugin = try PluginBuilder.fixture(["FORK_IN_CREATE"], in: s)
    let pluginPids = s.path("plugin.pids")
    let a = try Harness.run(["run", "--env", "plugin:" + plugin, "--procs", "2", "--t-max", "3000", "--quiet", "--out", s.path("a")],
                            in: s.url, timeout: 60, environment: ["HOGWILD_FIXTURE_PID_FILE": pluginPids])
    #expect(a.exitCode == 0, "\(a)")
    let plugins = allGone(pluginPids, within: 2)
    #expect(plugins.gone && plugins.pids.count >= 3, "probe + 2 workers forked: \(plugins.pids)")
    for factory in ["detached", "double_fork"] {
      let pids = s.path("\(factory).pids")
      let started = Date()
      let r = try Harness.run(["run", "--env", "py:hogwild_fixture_envs:\(factory)", "--procs", "2", "--t-max", "3000",
                               "--quiet", "--out", s.path(factory)],
                              in: s.url, timeout: 100,
                              environment: ["PYTHONPATH": PythonBridgeCLITests.fixtures, "HOGWILD_FIXTURE_PID_FILE": pids])
      #expect(r.exitCode == 0, "\(factory): \(r)")
      // The detached sleeper inherits the probe's stdout: no 120 s wait on it.
      #expect(Date().timeIntervalSince(started) < 60, "\(factory): \(r)")
      let left = allGone(pids, within: 2)
      #expect(left.gone && left.pids.count >= 3, "\(factory): \(left.pids)")
    }
  }

  @Test func aWorkerThatExitsZeroIsAFailure() throws {
    let s = try Scratch()
    let once = try PluginBuilder.fixture(["EXIT_ZERO_ONCE"], in: s, as: "libonce.so")
    let r = try Harness.run(["run", "--env", "plugin:" + once, "--procs", "2", "--t-max", "20000", "--quiet", "--out", s.path("a")],
                            in: s.url, timeout: 60, environment: ["HOGWILD_FIXTURE_CRASH_FILE": s.path("marker")])
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stderr.contains("exited with status 0 before its work was done"), "\(r)")
    #expect(Harness.int(try Harness.json(at: s.file("a/summary.json"))["worker_restarts"]) == 1)
    let always = try PluginBuilder.fixture(["EXIT_ZERO_ALWAYS"], in: s, as: "libalways.so")
    let all = try Harness.run(["run", "--env", "plugin:" + always, "--procs", "2", "--t-max", "20000", "--quiet",
                               "--max-restarts", "2", "--out", s.path("b")], in: s.url, timeout: 60)
    #expect(all.exitCode == 1 && !errorLines(all).isEmpty, "\(all)")
  }

  @Test func aSweepKilledOutrightTakesItsRunWithIt() throws {
    let s = try Scratch()
    let sweep = try Harness.start(["sweep", "--out", s.path("sw"), "--procs", "1", "--seeds", "1", "--t-max", "500M",
                                   "--target-return", "none"], in: s.url)
    defer { sweep.killIfRunning() }
    // Its run starts as its child.
    var run: Int32?
    let deadline = Date().addingTimeInterval(20)
    while run == nil, Date() < deadline {
      run = Harness.children(of: sweep.pid).first
      usleep(50_000)
    }
    let child = try #require(run, "the sweep started no run")
    usleep(1_500_000)
    sweep.send(SIGKILL)
    _ = sweep.wait(timeout: 10)
    let killed = Date()
    while Harness.processTable().contains(where: { $0.pid == child && $0.state != "Z" }), Date().timeIntervalSince(killed) < 15 {
      usleep(50_000)
    }
    #expect(!Harness.processTable().contains { $0.pid == child && $0.state != "Z" }, "the run outlived its sweep")
  }

  @Test func aDiscreteObservationOutsideItsSpaceIsTheEnvironmentsError() throws {
    let s = try Scratch()
    for value in ["-48", "-1", "4", "99999999999999999999"] {
      let started = Date()
      let r = try Harness.run(["run", "--env", "py:hogwild_fixture_envs:bad_discrete", "--procs", "1", "--t-max", "2000",
                               "--max-restarts", "0", "--quiet", "--out", s.path("a\(value)")],
                              in: s.url, timeout: 60,
                              environment: ["PYTHONPATH": PythonBridgeCLITests.fixtures, "HOGWILD_FIXTURE_OBSERVATION": value])
      #expect(r.exitCode == 1, "\(value): \(r)")
      #expect(r.stderr.contains("outside its Discrete(4)"), "\(value): \(r)")
      // Named at once, not found by the watchdog 30 s later.
      #expect(Date().timeIntervalSince(started) < 20, "\(value): \(r)")
    }
  }

  // MARK: 15–18 what is written

  @Test func twoRunsCannotShareAnOutputDirectory() throws {
    let s = try Scratch()
    let seg = Harness.uniqueSegment("first")
    defer { Harness.removeSegment(seg) }
    let first = try Harness.start(["run", "--procs", "1", "--t-max", "500M", "--quiet", "--segment", seg, "--out", s.path("a")],
                                  in: s.url)
    defer { first.killIfRunning() }
    _ = try waitForLiveSegment(seg, procs: 1, in: s)
    let config = try Data(contentsOf: s.file("a/config.json"))
    let second = try Harness.run(["run", "--procs", "1", "--t-max", "1k", "--seed", "9", "--out", s.path("a")], in: s.url)
    #expect(second.exitCode == 64 && second.stderrLines.count == 1 && second.stderr.contains("another run"), "\(second)")
    #expect(!Harness.segmentExists(Harness.defaultSegment(pid: second.pid)))
    #expect(try Data(contentsOf: s.file("a/config.json")) == config)
    let resume = try Harness.run(["run", "--resume", s.path("a"), "--t-max", "600M"], in: s.url)
    #expect(resume.exitCode != 0, "\(resume)")
    first.send(SIGINT)
    let r = first.wait(timeout: 30)
    #expect(r.exitCode == 130, "\(r)")
    #expect(FileManager.default.fileExists(atPath: s.path("a/summary.json")))
  }

  // A file size limit (RLIMIT_FSIZE) cannot stand in for a full disk here: the
  // segment in /dev/shm is a file too, always larger than any output, so the
  // run fails at once creating it ("File too large", exit 1). A small tmpfs
  // of our own is the full disk.
  @Test func aFullDiskIsNamedNotAHalfRow() throws {
    guard privateMounts(#function) else { return }
    let s = try Scratch()
    let dir = s.path("full")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let r = try Harness.inPrivateShm("""
      mount -t tmpfs -o size=48k tmpfs "\(dir)" || exit 9
      "$BIN" run --procs 1 --t-max 100k --lr 0.000001 --target-return none --quiet --out "\(dir)" 2>"\(s.path("err"))"
      echo "rc $?"
      cp "\(dir)/metrics.csv" "\(s.path("metrics.csv"))" 2>/dev/null
      for f in summary.json checkpoint.bin checkpoint.bin.tmp; do [ -e "\(dir)/$f" ] && echo "has $f"; done
      """, in: s.url, timeout: 120)
    let err = (try? String(contentsOf: s.file("err"), encoding: .utf8)) ?? ""
    #expect(r.stdout.contains("rc 1"), "\(r)\n\(err)")
    #expect(!r.stdout.contains("has checkpoint.bin.tmp"), "\(r)")
    let lines = err.split(separator: "\n").filter { $0.hasPrefix("error:") }
    #expect(lines.count == 1, "\(err)")
    let metrics = (try? String(contentsOf: s.file("metrics.csv"), encoding: .utf8)) ?? ""
    #expect(metrics.isEmpty || metrics.hasSuffix("\n"), "a partial row at the end")
    for file in ["summary.json", "checkpoint.bin"] where !r.stdout.contains("has \(file)") {
      #expect(err.contains(file), "\(file) neither written nor named: \(err)")
    }
  }

  @Test func dumpShowsTerminalEscapesFromASegmentEscaped() throws {
    let s = try Scratch()
    let name = Harness.uniqueSegment("escape")
    let layout = try SegmentLayout(parameterCount: 8, optimizerCount: 0, workerCount: 1, ringCapacity: 16)
    let seg = try SharedSegment.create(name: name, layout: layout)
    defer { try? SharedSegment.unlink(name: name) }
    seg.header.envID = "\u{1B}]0;owned\u{07}\u{1B}[2J"
    seg.header.algorithm = "a3c\u{1B}[H"
    seg.header.layers = [LayerEntry(name: "w\u{1B}[31m", rows: 2, cols: 4, offset: 0, count: 8)]
    seg.publish()
    for args in [["dump", name], ["dump", "--list"], ["dump", "--json", name]] {
      let r = try Harness.run(args, in: s.url)
      #expect(r.exitCode == 0, "\(r)")
      #expect(!r.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(args): raw escapes")
    }
    let text = try Harness.run(["dump", name], in: s.url)
    #expect(text.stdout.contains("\\u001b]0;owned\\u0007"), "\(text)")
  }

  @Test func aCheckpointNamingSomeoneElsesCodeIsNotRunWithoutConsent() throws {
    let s = try Scratch()
    let plugin = try PluginBuilder.fixture([], in: s)
    let made = try Harness.run(["run", "--env", "plugin:" + plugin, "--procs", "1", "--t-max", "2000", "--quiet", "--out", s.path("run")],
                               in: s.url, timeout: 60)
    try #require(made.exitCode == 0, "\(made)")
    let help = try Harness.run(["eval", "--help"], in: s.url)
    #expect(help.stdout.contains("--trust-checkpoint") && help.stdout.contains("someone else"), "\(help)")
    // Others may rewrite the plugin now: it is no longer the user's code alone.
    #expect(chmod(plugin, 0o666) == 0)
    let checkpoint = s.path("run/checkpoint.bin")
    let refused = try Harness.run(["eval", "--checkpoint", checkpoint, "--episodes", "1"], in: s.url)
    #expect(refused.exitCode == 64 && refused.stderrLines.count == 1 && refused.stderr.contains("--trust-checkpoint"), "\(refused)")
    let resumed = try Harness.run(["run", "--resume", s.path("run"), "--t-max", "4000", "--quiet"], in: s.url)
    #expect(resumed.exitCode == 64 && resumed.stderr.contains("--trust-checkpoint"), "\(resumed)")
    let trusted = try Harness.run(["eval", "--checkpoint", checkpoint, "--episodes", "1", "--trust-checkpoint"], in: s.url)
    #expect(trusted.exitCode == 0, "\(trusted)")
    let trustedResume = try Harness.run(["run", "--resume", s.path("run"), "--t-max", "4000", "--quiet", "--trust-checkpoint"],
                                        in: s.url, timeout: 60)
    #expect(trustedResume.exitCode == 0, "\(trustedResume)")
    // Owned by someone else (nobody): refused too.
    #expect(chmod(plugin, 0o755) == 0)
    if chown(plugin, 65534, 65534) == 0 {
      let foreign = try Harness.run(["eval", "--checkpoint", checkpoint, "--episodes", "1"], in: s.url)
      #expect(foreign.exitCode == 64 && foreign.stderr.contains("uid 65534"), "\(foreign)")
    } else {
      print("skipped: \(#function) (foreign owner): chown needs root")
    }
  }
}
