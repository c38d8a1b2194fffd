// RunDistributed.swift — `run --distributed` (docs/DISTRIBUTED.md): the
// launch this process belongs to, the communicator program, the sync
// settings, and what cannot go with them. Everything is checked here, before
// anything exists; each failure is one line for exit 64.

import HogwildLink
import HogwildSegment
import HogwildSys
import Runtime

extension RunCommand {
  /// The environment variable naming another hogwild-comm (tests, installs).
  static let communicatorVariable = "HOGWILD_COMM"

  /// Fills `c.distributed` for `--distributed` (or a resumed distributed
  /// run); refuses the sync flags without it.
  static func settleDistributed(_ c: inout RunConfig, _ o: RunOptions, fresh: Bool,
                                launch assumed: MPILaunch? = nil) throws(UsageError) {
    let given: [(flag: String, set: Bool)] = [
      ("--sync-every", o.syncEvery != nil), ("--sync", o.syncMode != nil), ("--sync-rmsprop", o.syncRMSProp != nil),
    ]
    guard o.distributed || c.distributed != nil else {
      if let flag = given.first(where: \.set)?.flag { throw UsageError("\(flag): only with --distributed") }
      return
    }
    if !fresh && c.distributed == nil {
      throw UsageError("--distributed: the run being resumed ran on one machine; resume it without --distributed")
    }
    var d = c.distributed ?? DistributedSettings()
    if fresh {
      if let v = o.syncEvery { d.syncEveryNanoseconds = v }
      if let v = o.syncMode { d.sync = v }
      if let v = o.syncRMSProp { d.rmsprop = v }
    } else {
      // A resumed run keeps its sync settings, like its other learning settings.
      func same(_ flag: String, _ new: String?, _ old: String) throws(UsageError) {
        guard let new, new != old else { return }
        throw UsageError("--resume: \(flag) \(new) differs from the checkpoint's \(old); a resumed run keeps its sync settings")
      }
      try same("--sync-every", o.syncEvery.map(Delay.format), Delay.format(d.syncEveryNanoseconds))
      try same("--sync", o.syncMode?.rawValue, d.sync.rawValue)
      try same("--sync-rmsprop", o.syncRMSProp?.rawValue, d.rmsprop.rawValue)
    }

    let launch: MPILaunch
    switch assumed.map({ .success($0) }) ?? MPILaunch.detect() {
    case .failure(let e): throw UsageError("--distributed: \(e.message)")
    case .success(nil):
      throw UsageError("--distributed: not started by an MPI launcher (no OMPI_COMM_WORLD_RANK, PMI_RANK or "
        + "PMIX_RANK in the environment); start every node with mpirun -np P hogwild-rl run --distributed …")
    case .success(let found?): launch = found
    }
    if !fresh, launch.size != d.nodes {
      throw UsageError("--resume: the run ran on \(d.nodes) nodes and must resume on as many "
        + "(mpirun -np \(d.nodes)); this job has \(launch.size)")
    }
    guard launch.size <= SegmentLayout.maxNodes else {
      throw UsageError("--distributed: \(launch.size) ranks; at most \(SegmentLayout.maxNodes)")
    }
    d.node = launch.rank
    d.nodes = launch.size
    d.launcher = launch.launcher
    d.communicatorPath = try communicatorPath()

    if c.audit {
      throw UsageError("--audit: with --distributed the communicator also changes θ, which the workers' sums cannot account for; audit a run on one machine")
    }
    if c.staleUpdates > 0 {
      throw UsageError("--stale-updates: its snapshots of θ assume only this node's workers change θ, which --distributed breaks")
    }
    if c.independent {
      throw UsageError("--independent: workers with private θ have nothing to sync across nodes; leave out --distributed")
    }
    // Only rank 0 reports progress (mpirun interleaves every rank's lines).
    if d.node > 0 { c.progress = false }
    c.distributed = d
  }

  /// hogwild-comm: $HOGWILD_COMM, else beside this executable (where `make mpi` puts it).
  static func communicatorPath() throws(UsageError) -> String {
    if let path = CurrentProcess.environment(communicatorVariable), !path.isEmpty {
      guard FileSystem.isExecutableFile(path) else {
        throw UsageError("--distributed: $\(communicatorVariable) \(path) is not an executable file")
      }
      return path
    }
    let exe = CurrentProcess.executablePath ?? "hogwild-rl"
    let dir = exe.contains("/") ? String(exe[..<exe.lastIndex(of: "/")!]) : "."
    let path = dir + "/hogwild-comm"
    guard FileSystem.isExecutableFile(path) else {
      throw UsageError("--distributed: the MPI part is not built (no \(path)); run 'make mpi' "
        + "(it needs openmpi-bin libopenmpi-dev, or mpich libmpich-dev)")
    }
    return path
  }
}
