// ReplayCommand.swift — `hogwild-rl replay`: start an environment from a
// given internal state and apply given actions, printing every step exactly
// (JSON lines), to compare against a reference implementation or debug one.

import Envs
import Runtime

struct ReplayOptions {
  var envID: String?
  var state: String?
  var actions: String?
  var elapsed = 0
}

enum ReplayCommand {
  static var table: OptionTable<ReplayOptions> {
    OptionTable<ReplayOptions>(
    command: "replay",
    abstract: "Step an environment from a given internal state with given actions; print each step as JSON.",
    usage: "hogwild-rl replay --env ID --state JSON|@FILE --actions LIST [--elapsed K]",
    options: [
      .init("--env", "id", "Environment: " + EnvRegistry.ids.joined(separator: ", ") + ".") { o, v throws(UsageError) in
        guard EnvRegistry.spec(v) != nil else {
          throw ValueParsers.fail("--env", "one of " + EnvRegistry.ids.joined(separator: ", "), v)
        }
        o.envID = v
      },
      .init("--state", "json|@file", "The internal state to start from, as JSON text or @ followed by a file holding it (forms below).") { o, v in
        o.state = v
      },
      .init("--actions", "list", "Comma-separated actions, one per step: integers for a discrete action space; numbers for a box (decimal or hex, d per action for d dimensions; outside the bounds they are clipped by the env).") { o, v in
        o.actions = v
      },
      .init("--elapsed", "k", "Steps of the episode already taken, for the time limit: 0 to the limit − 1.", default: "0") { o, v throws(UsageError) in
        o.elapsed = try ValueParsers.integer("--elapsed", v, 0...Int(Int32.max))
      },
    ],
    positional: nil,
    discussion: """
      Restores --env to the internal state --state after --elapsed steps of an episode, applies
      --actions one step at a time, and prints one JSON object per step, one per line:
        {"t", "action", "obs", "state", "reward", "terminated", "truncated"}
      t is the episode's step count after the step, --elapsed included (the first line has
      t = K + 1; the step with t = the time limit is truncated). action is the action applied (a
      box action as the float32 values given, before the environment clips them). obs is the
      float32 observation after the step, state the internal state after it, in the form --state
      takes. Reals print in their shortest form that parses back to the same bits (an obs value:
      read as a float64, then rounded to float32); NaN and ±infinity, which JSON lacks, print as
      the strings "NaN", "Infinity" and "-Infinity".

      Once a step ends the episode (terminated or truncated), the remaining actions are not
      applied: the output then has fewer lines than there are actions. Nothing random is drawn
      (no sticky actions).

      State forms (float64 reals; integers are accepted):
        CartPole-v1     [x, x_dot, theta, theta_dot]
        Acrobot-v1      [theta1, theta2, dtheta1, dtheta2]
        MountainCar-v0  [position, velocity]
        Pendulum-v1     [theta, theta_dot]

      Bad input (unknown env, malformed JSON, a state of the wrong form, an action outside the
      action space or of the wrong kind, --elapsed at or past the time limit): one line on
      stderr and exit status 64, before any step.
      """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = ReplayOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
      var (env, actions) = try prepare(o)
      printSteps(&env, actions)
      return 0
    } catch {
      return CLI.usageFailure(error.message)
    }
  }

  /// Checks every input and restores the environment; nothing is stepped yet.
  static func prepare(_ o: ReplayOptions) throws(UsageError) -> (any Environment, ReplayActions) {
    guard let id = o.envID else { throw UsageError("replay: --env is required") }
    guard let stateText = o.state else { throw UsageError("replay: --state is required") }
    guard let actionsText = o.actions else { throw UsageError("replay: --actions is required") }
    guard var env = EnvRegistry.make(id) else { throw UsageError("replay: unknown environment '\(id)'") }
    if let limit = env.spec.timeLimit, o.elapsed >= limit {
      throw UsageError("--elapsed: expected an integer from 0 to \(limit - 1) (\(id) truncates at \(limit) steps), got '\(o.elapsed)'")
    }
    let state = try parseState(stateText)
    do {
      try env.restore(state, elapsedSteps: o.elapsed)
    } catch {
      throw UsageError("--state: \(error.message)")
    }
    return (env, try ReplayActions(actionsText, for: env.spec))
  }

  /// `--state`'s value: JSON text, or `@path` of a file holding it.
  static func parseState(_ text: String) throws(UsageError) -> EnvState {
    var json = text
    if text.hasPrefix("@") {
      let path = String(text.dropFirst())
      do {
        json = String(decoding: try readWholeFile(path), as: UTF8.self)
      } catch {
        throw UsageError("--state: cannot read '\(path)': \(error)")
      }
    }
    let value: JSON
    do { value = try JSON.parse(json) } catch {
      throw UsageError("--state: not valid JSON (\(error))")
    }
    do { return try EnvState(json: value) } catch {
      throw UsageError("--state: \(error.message)")
    }
  }

  /// Applies the actions until they run out or the episode ends, printing a
  /// line per step.
  static func printSteps(_ env: inout any Environment, _ actions: ReplayActions) {
    var observation = [Float](repeating: 0, count: env.spec.observationSize)
    for i in 0..<actions.count {
      let outcome = actions.step(i, &env, observation: &observation)
      let line = JSON.object([
        ("t", .int(Int64(env.elapsedSteps))),
        ("action", actions.json(i)),
        ("obs", .array(observation.map(ExactNumber.float32))),
        ("state", env.internalState.json),
        ("reward", ExactNumber.real(outcome.reward)),
        ("terminated", .bool(outcome.terminated)),
        ("truncated", .bool(outcome.truncated)),
      ])
      print(line.serialized())
      if outcome.done { break }
    }
  }
}
