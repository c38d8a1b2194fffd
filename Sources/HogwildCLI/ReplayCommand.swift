// ReplayCommand.swift — `hogwild-rl replay`: start an environment from a
// given internal state (or a reset seed) and apply given actions, printing
// every step exactly (JSON lines), to compare against a reference
// implementation or debug one.

import EnvSources
import BuiltInEnvs
import Formats
import HogwildSys
import Runtime

struct ReplayOptions {
  var env: EnvSource?
  var python: String?
  var state: String?
  var seed: UInt64?
  var actions: String?
  var elapsed: Int?
  var atari = AtariFlags()
}

enum ReplayCommand {
  static var table: OptionTable<ReplayOptions> {
    OptionTable<ReplayOptions>(
    command: "replay",
    abstract: "Step an environment from a given internal state with given actions; print each step as JSON.",
    usage: "hogwild-rl replay --env SOURCE (--state JSON|@FILE [--elapsed K] | --seed S) --actions LIST [--python PATH]",
    options: [
      .init("--env", "source", "Environment: a built-in id (" + EnvRegistry.ids.joined(separator: ", ") + "), ALE/<Game>-v5, plugin:PATH[:NAME], gym:ID or py:MODULE:FACTORY (see run --help).") { o, v throws(UsageError) in
        let source = try RunCommand.parseEnvSource(v)
        if case .builtin(let id) = source, EnvRegistry.spec(id) == nil {
          throw ValueParsers.fail("--env", "one of " + EnvRegistry.ids.joined(separator: ", ") + ", or plugin:PATH, gym:ID, py:MODULE:FACTORY", v)
        }
        o.env = source
      },
      .init("--state", "json|@file", "The internal state to start from, as JSON text or @ followed by a file holding it (forms below; built-in environments only).") { o, v in
        o.state = v
      },
      .init("--seed", "s", "Instead of --state: start a new episode with reset(seed=S) and print it as the line t = 0 (any environment; the only way in for plugins and Python environments).") { o, v throws(UsageError) in
        o.seed = try ValueParsers.unsigned("--seed", v)
      },
      .init("--python", "path", "The Python interpreter for gym: and py: environments (default: $HOGWILD_PYTHON, else python3 on PATH).") { o, v in
        o.python = v
      },
      .init("--actions", "list", "Comma-separated actions, one per step: integers for a discrete action space; numbers for a box (decimal or hex, d per action for d dimensions; outside the bounds they are clipped by the env).") { o, v in
        o.actions = v
      },
      .init("--elapsed", "k", "With --state: steps of the episode already taken, for the time limit: 0 to the limit − 1.", default: "0") { o, v throws(UsageError) in
        o.elapsed = try ValueParsers.integer("--elapsed", v, 0...Int(Int32.max))
      },
    ] + AtariFlags.options(\ReplayOptions.atari),
    positional: nil,
    discussion: """
      Restores --env to the internal state --state after --elapsed steps of an episode, applies
      --actions one step at a time, and prints one JSON object per step, one per line:
        {"t", "action", "obs", "state", "reward", "terminated", "truncated"}
      t is the episode's step count after the step, --elapsed included (the first line has
      t = K + 1; the step with t = the time limit is truncated). action is the action applied (a
      box action as the float32 values given, before the environment clips them). obs is the
      observation after the step: for the classic-control tasks a flat array of float32 values;
      for MinAtar its 10×10×C planes as nested arrays [row][column][channel] of the integers 0
      and 1. state is the internal state after the step, in the form --state takes. Reals print
      in their shortest form that parses back to the same bits (an obs value: read as a float64,
      then rounded to float32); NaN and ±infinity, which JSON lacks, print as the strings "NaN",
      "Infinity" and "-Infinity".

      With --seed S instead of --state, the environment starts a new episode with reset(seed=S)
      (a plugin's hw_env_reset(env, S, obs); a Python environment's reset(seed=S); a built-in one
      draws its initial state from Xoshiro256(seed: S), as run's workers do) and the first line
      is that reset: {"t": 0, "obs", "state"}. Plugins and Python environments keep their state
      to themselves: their "state" is null, and --state is refused for them.

      Byte observations (ALE/<Game>-v5's [4, 84, 84] frames, 28,224 bytes) print as a summary,
      not as arrays: {"dtype": "uint8", "shape": [4, 84, 84], "sum": the bytes' sum, "fnv1a64":
      their FNV-1a 64-bit hash in hex, "newest_frame_fnv1a64": that of the last frame}, so that
      two replays compare by eye and by diff. Such environments also print "learning_reward"
      (the reward the learner gets: clipped to [-1, 1]) and "life_lost" each step; "reward" is
      the game score. A lost life does not end the replay (the game goes on). The Atari flags
      (--sticky-actions, --full-action-space, --no-life-loss-terminal, --noop-max, --rom-dir)
      build the game as run does; --noop-max 0 starts it without no-ops (the environment's
      create seed is 0, so --sticky-actions P draws the same repeats every time).

      Once a step ends the episode (terminated or truncated), the remaining actions are not
      applied: the output then has fewer lines than there are actions. MinAtar runs with sticky
      actions off: every action is applied as given. The MinAtar games that draw random numbers
      while stepping (Freeway at a crossing, Asterix and Seaquest when something spawns) draw
      them from a generator seeded with the step's t, so the output depends only on the input,
      and a replay continued from a printed state with --elapsed set to its t goes on exactly as
      the unbroken one. The classic-control tasks draw nothing.

      State forms (float64 reals; integers are accepted):
        CartPole-v1     [x, x_dot, theta, theta_dot]
        Acrobot-v1      [theta1, theta2, dtheta1, dtheta2]
        MountainCar-v0  [position, velocity]
        Pendulum-v1     [theta, theta_dot]
      MinAtar (-v0 and -v1 alike): an object with MinAtar's own attribute names, every key
      required; integers within 32 bits; flags true/false (0/1 accepted); maps 10 rows of 10
      cells 0/1; positions 0 to 9; entities as MinAtar's lists, in its order:
        Breakout       {ball_x, ball_y, ball_dir, pos, brick_map, strike, last_x, last_y, terminal}
        Freeway        {cars: 8 cars [x, y, timer, speed], pos, move_timer, terminate_timer,
                       terminal}
        Asterix        {player_x, player_y, entities: 8 lane slots [x, y, lr, is_gold] or null,
                       shot_timer, spawn_speed, spawn_timer, move_speed, move_timer, ramp_timer,
                       ramp_index, terminal}
        SpaceInvaders  {pos, f_bullet_map, e_bullet_map, alien_map, alien_dir, enemy_move_interval,
                       alien_move_timer, alien_shot_timer, ramp_index, shot_timer, terminal}
        Seaquest       {oxygen, diver_count, sub_x, sub_y, sub_or, f_bullets: [[x, y, sub_or], ...],
                       e_bullets: [[x, y, lr], ...], e_fish: [[x, y, lr, move_timer], ...],
                       e_subs: [[x, y, lr, move_timer, shot_timer], ...],
                       divers: [[x, y, lr, move_timer], ...], e_spawn_speed, e_spawn_timer,
                       d_spawn_timer, move_speed, ramp_index, shot_timer, surface, terminal}

      Bad input (unknown env, a plugin or Python environment that fails its probe, neither or
      both of --state and --seed, malformed JSON, a state of the wrong form — a missing or unknown
      key, a value of the wrong type, a position off the grid, a map of the wrong size —, an
      action outside the action space or of the wrong kind, --elapsed at or past the time
      limit): one line on stderr and exit status 64, before any step.
      """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = ReplayOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
      var (env, actions) = try prepare(o)
      if let seed = o.seed { printReset(&env, seed: seed) }
      printSteps(&env, actions)
      return 0
    } catch {
      return CLI.usageFailure(error.message)
    }
  }

  /// Checks every input and restores the environment (or, with --seed,
  /// only builds it); nothing is stepped yet.
  static func prepare(_ o: ReplayOptions) throws(UsageError) -> (any Environment, ReplayActions) {
    guard let source = o.env else { throw UsageError("replay: --env is required") }
    switch (o.state, o.seed) {
    case (nil, nil): throw UsageError("replay: --state or --seed is required")
    case (.some, .some): throw UsageError("replay: --state and --seed exclude each other (one says where the episode starts)")
    case (nil, .some) where o.elapsed != nil: throw UsageError("--elapsed: goes with --state (--seed starts an episode at step 0)")
    default: break
    }
    guard let actionsText = o.actions else { throw UsageError("replay: --actions is required") }
    let resolved = try RunCommand.resolveEnvironment(source, pythonFlag: o.python, atari: o.atari)
    if o.atari.stickyActions != nil, !resolved.source.isPlugin {
      throw UsageError("--sticky-actions: replay applies exactly the actions given; only an Atari game's emulator repeats them")
    }
    if o.state != nil, !resolved.source.isBuiltin {
      throw UsageError("--state: \(source.text) keeps its state to itself; start it with --seed instead")
    }
    // Parse what can be refused before a plugin or Python process is started.
    let actions = try ReplayActions(actionsText, for: resolved.spec)
    let elapsed = o.elapsed ?? 0
    if o.state != nil, let limit = resolved.spec.timeLimit, elapsed >= limit {
      throw UsageError("--elapsed: expected an integer from 0 to \(limit - 1) (\(resolved.spec.id) truncates at \(limit) steps), got '\(elapsed)'")
    }
    let state = try o.state.map { (text) throws(UsageError) in try parseState(text) }
    // Sticky actions off: replay applies exactly the actions given.
    var env: any Environment
    do { env = try resolved.make(options: EnvOptions(stickyActionProbability: 0)) } catch {
      throw UsageError("--env: \(error.message)")
    }
    if let state {
      do {
        try env.restore(state, elapsedSteps: elapsed)
      } catch {
        throw UsageError("--state: \(error.message)")
      }
    }
    return (env, actions)
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

  /// `--seed`: the reset, as the line t = 0.
  static func printReset(_ env: inout any Environment, seed: UInt64) {
    var observation = Observation(env.spec)
    if env.spec.observationIsBytes {
      env.reset(seed: seed, bytes: &observation.bytes)
    } else {
      env.reset(seed: seed, observation: &observation.floats)
    }
    let line = JSON.object([
      ("t", .int(0)),
      ("obs", observation.json(env.spec)),
      ("state", env.internalState.json),
    ])
    print(line.serialized())
  }

  /// An observation as an environment writes it: floats, or bytes.
  struct Observation {
    var floats: [Float]
    var bytes: [UInt8]

    init(_ spec: EnvSpec) {
      floats = [Float](repeating: 0, count: spec.observationIsBytes ? 0 : spec.observationSize)
      bytes = [UInt8](repeating: 0, count: spec.observationIsBytes ? spec.observationSize : 0)
    }

    /// The float observation as arrays; bytes as a summary (see the help).
    func json(_ spec: EnvSpec) -> JSON {
      guard spec.observationIsBytes else { return spec.observationJSON(floats) }
      let frame = spec.observationShape.count == 3 ? spec.observationShape[1] * spec.observationShape[2] : bytes.count
      return .object([
        ("dtype", .string("uint8")),
        ("shape", .array(spec.observationShape.map { .int(Int64($0)) })),
        ("sum", .int(Int64(bytes.reduce(0) { $0 + Int($1) }))),
        ("fnv1a64", .string(hex(fnv1a64(bytes)))),
        ("newest_frame_fnv1a64", .string(hex(fnv1a64(bytes.suffix(frame))))),
      ])
    }

    func hex(_ v: UInt64) -> String {
      let digits = String(v, radix: 16)
      return String(repeating: "0", count: 16 - digits.count) + digits
    }
  }

  /// Applies the actions until they run out or the episode ends, printing a
  /// line per step.
  static func printSteps(_ env: inout any Environment, _ actions: ReplayActions) {
    let spec = env.spec
    var observation = Observation(spec)
    for i in 0..<actions.count {
      // What a step draws depends on its number alone (see the help).
      env.reseedStepDraws(UInt64(env.elapsedSteps + 1))
      let outcome = spec.observationIsBytes
        ? actions.step(i, &env, bytes: &observation.bytes)
        : actions.step(i, &env, observation: &observation.floats)
      var fields: [(String, JSON)] = [
        ("t", .int(Int64(env.elapsedSteps))),
        ("action", actions.json(i)),
        ("obs", observation.json(spec)),
        ("state", env.internalState.json),
        ("reward", ExactNumber.real(outcome.reward)),
        ("terminated", .bool(outcome.terminated)),
        ("truncated", .bool(outcome.truncated)),
      ]
      if spec.shapesReward { fields.append(("learning_reward", ExactNumber.real(outcome.learningReward))) }
      if spec.reportsLifeLoss { fields.append(("life_lost", .bool(outcome.lifeLost))) }
      print(JSON.object(fields).serialized())
      if outcome.done { break }
    }
  }
}
