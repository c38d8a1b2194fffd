// MPILaunch.swift — whether this process was started by an MPI launcher,
// and as which rank of how many, read from the environment the launcher
// sets. The supervisor itself never calls MPI (it forks workers, which MPI
// forbids after MPI_Init); its communicator does, with the same variables.

import HogwildSys

/// One rank of an MPI job, as the launcher described it.
public struct MPILaunch: Equatable, Sendable {
  /// This process's rank, 0 ..< size.
  public var rank: Int
  /// Ranks in the job.
  public var size: Int
  /// Which variables said so: "Open MPI", "PMI" (MPICH's Hydra, Slurm's
  /// pmi2) or "PMIx" (Slurm's srun --mpi=pmix).
  public var launcher: String

  public init(rank: Int, size: Int, launcher: String) {
    self.rank = rank
    self.size = size
    self.launcher = launcher
  }

  /// The launch this process is part of: nil when no launcher variable is
  /// set; an error line when they are set but make no sense.
  public static func detect(environment: (String) -> String? = CurrentProcess.environment)
    -> Result<MPILaunch?, LaunchError>
  {
    func number(_ name: String) -> Result<Int?, LaunchError> {
      guard let text = environment(name) else { return .success(nil) }
      guard let v = Int(text), v >= 0, v < 1 << 30 else {
        return .failure(LaunchError("\(name)=\(text) is not a rank or size"))
      }
      return .success(v)
    }
    // (rank variable, size variables, name), most specific first.
    let launchers: [(String, [String], String)] = [
      ("OMPI_COMM_WORLD_RANK", ["OMPI_COMM_WORLD_SIZE"], "Open MPI"),
      ("PMI_RANK", ["PMI_SIZE"], "PMI"),
      ("PMIX_RANK", ["OMPI_COMM_WORLD_SIZE", "SLURM_NTASKS", "SLURM_NPROCS"], "PMIx"),
    ]
    for (rankName, sizeNames, name) in launchers {
      let rank: Int?
      switch number(rankName) {
      case .failure(let e): return .failure(e)
      case .success(let r): rank = r
      }
      guard let rank else { continue }
      var size: Int?
      for s in sizeNames {
        switch number(s) {
        case .failure(let e): return .failure(e)
        case .success(let v): size = size ?? v
        }
      }
      guard let size else {
        return .failure(LaunchError("\(rankName) is set but none of \(sizeNames.joined(separator: ", ")) says how many ranks there are"))
      }
      guard size >= 1, rank < size else {
        return .failure(LaunchError("\(rankName)=\(rank) is not below the job's size \(size)"))
      }
      return .success(MPILaunch(rank: rank, size: size, launcher: name))
    }
    return .success(nil)
  }
}

/// Launcher variables that contradict themselves.
public struct LaunchError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
