import Algorithms
import Runtime
import Testing

/// config.json keys of the Q-learning family.
@Suite struct QConfigTests {
  @Test func qSettingsRoundTripThroughConfigJSON() throws {
    var c = RunConfig()
    c.algorithm = .sarsa1
    c.hyperparameters.targetInterval = 1234
    c.hyperparameters.epsilonAnneal = 5678
    c.hyperparameters.epsilonFinal = 0.05
    c.hyperparameters.qLoss = .huber
    c.hyperparameters.asyncUpdate = 7
    c.hyperparameters.testEvery = 333
    let back = try RunConfig(configText: c.json.serialized(indent: true))
    #expect(back.algorithm == .sarsa1)
    #expect(back.hyperparameters == c.hyperparameters)
  }

  @Test func configsWithoutQKeysGetTheDefaults() throws {
    let text = RunConfig().json.serialized(indent: true)
    var stripped = text
    for key in ["target_interval", "eps_anneal", "eps_final", "q_loss", "async_update"] {
      let lines = stripped.split(separator: "\n", omittingEmptySubsequences: false)
      stripped = lines.filter { !$0.contains("\"\(key)\"") }.joined(separator: "\n")
    }
    #expect(!stripped.contains("target_interval"))
    let back = try RunConfig(configText: stripped)
    #expect(back.hyperparameters == Hyperparameters())
    #expect(back.hyperparameters.epsilonFinal == nil)
  }

  @Test func runsFromBeforeTestEpisodesResumeWithoutThem() throws {
    // Such a run was scored on training episodes; it stays so when resumed.
    var c = RunConfig()
    c.algorithm = .qn
    let lines = c.json.serialized(indent: true).split(separator: "\n", omittingEmptySubsequences: false)
    let old = lines.filter { !$0.contains("\"test_every\"") }.joined(separator: "\n")
    let back = try RunConfig(configText: old)
    #expect(back.hyperparameters.testEvery == 0 && !back.scoresTestEpisodes)
    #expect(try RunConfig(configText: c.json.serialized(indent: true)).scoresTestEpisodes)
  }
}
