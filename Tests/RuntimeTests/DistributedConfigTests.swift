import Formats
import HogwildSegment
import Runtime
import Testing

/// The launch a rank detects, and the settings config.json keeps.
@Suite struct DistributedConfigTests {
  func detect(_ env: [String: String]) -> Result<MPILaunch?, LaunchError> {
    MPILaunch.detect { env[$0] }
  }

  @Test func eachLauncherIsRecognisedByItsVariables() {
    #expect(detect([:]) == .success(nil))
    #expect(detect(["OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_SIZE": "3"])
      == .success(MPILaunch(rank: 2, size: 3, launcher: "Open MPI")))
    #expect(detect(["PMI_RANK": "0", "PMI_SIZE": "4"]) == .success(MPILaunch(rank: 0, size: 4, launcher: "PMI")))
    #expect(detect(["PMIX_RANK": "5", "SLURM_NTASKS": "8"]) == .success(MPILaunch(rank: 5, size: 8, launcher: "PMIx")))
    // Open MPI under Slurm sets both; its own variables win.
    #expect(detect(["OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2", "PMIX_RANK": "1", "SLURM_NTASKS": "2"])
      == .success(MPILaunch(rank: 1, size: 2, launcher: "Open MPI")))
  }

  @Test func contradictoryLauncherVariablesAreErrors() {
    for env in [
      ["OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "3"],
      ["OMPI_COMM_WORLD_RANK": "x", "OMPI_COMM_WORLD_SIZE": "3"],
      ["PMI_RANK": "0"],
      ["PMIX_RANK": "0"],
      ["PMI_RANK": "-1", "PMI_SIZE": "2"],
      ["PMI_RANK": "0", "PMI_SIZE": "0"],
    ] {
      guard case .failure = detect(env) else {
        Issue.record("\(env) was accepted")
        continue
      }
    }
  }

  @Test func theSyncSettingsRoundTripThroughConfigJSON() throws {
    var c = RunConfig()
    var d = DistributedSettings()
    d.nodes = 3
    d.node = 2
    d.syncEveryNanoseconds = 10_000_000
    d.sync = .mean
    d.rmsprop = .local
    c.distributed = d
    let back = try RunConfig(configText: c.json.serialized(indent: true))
    let b = try #require(back.distributed)
    #expect(b.nodes == 3 && b.syncEveryNanoseconds == 10_000_000 && b.sync == .mean && b.rmsprop == .local)
    // The rank is the launcher's, not the file's.
    #expect(b.node == 0)
    // A run on one machine has no such key.
    #expect(!RunConfig().json.serialized(indent: true).contains("\"distributed\""))
    #expect(try RunConfig(configText: RunConfig().json.serialized(indent: true)).distributed == nil)
  }

  @Test func aMalformedDistributedEntryIsRefused() throws {
    var c = RunConfig()
    var d = DistributedSettings()
    d.sync = .sum  // (a value found once in the file: the RMSProp setting is "mean")
    c.distributed = d
    let text = c.json.serialized(indent: true).replacingOccurrences(of: "\"sum\"", with: "\"median\"")
    #expect(throws: ConfigError.self) { try RunConfig(configText: text) }
  }

  @Test func everyNodeDrawsStreamsOfItsOwnAndRankZeroKeepsTheSeeds() {
    var c = RunConfig()
    c.seed = 7
    #expect(c.workerSeed == 7)
    var d = DistributedSettings()
    d.nodes = 3
    c.distributed = d
    #expect(c.workerSeed == 7)
    var seeds: Set<UInt64> = [7]
    for node in 1..<3 {
      c.distributed!.node = node
      seeds.insert(c.workerSeed)
    }
    #expect(seeds.count == 3)
  }

  @Test func onlyRankZeroWritesAndEachNodeNamesItsSegment() {
    var c = RunConfig()
    #expect(c.writesOutputs && c.segmentName(forRequested: "/run") == "/run")
    var d = DistributedSettings()
    d.nodes = 2
    d.node = 1
    c.distributed = d
    #expect(!c.writesOutputs && c.segmentName(forRequested: "/run") == "/run.1")
  }
}
