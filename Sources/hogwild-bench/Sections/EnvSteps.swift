// 1. Env step rate: random actions, reset on done, one core.

import BuiltInEnvs

func benchEnvSteps(_ bench: Bench) {
  bench.report.section("1. environment steps (random actions, reset on done, 1 core)")
  let repeats = bench.repeats(7, quick: 3)
  for id in EnvRegistry.ids {
    var samples: [Double] = []
    for r in 0..<repeats {
      bench.stopIfInterrupted()
      samples.append(randomStepRate(EnvRegistry.make(id)!, seed: UInt64(r), duration: bench.options.quick ? 0.1 : 0.25))
    }
    bench.report.add("env_steps.\(id)", "env steps/s, \(id)", unit: "steps/s", samples: samples)
  }
}

/// Steps per second of `env` (opened from `any Environment`, as a worker's
/// loop is) with uniformly random actions (a box action: each component
/// uniform in [-2, 2), out-of-bounds values clipped by the env).
func randomStepRate<E: Environment>(_ env: E, seed: UInt64, duration: Double) -> Double {
  var env = env
  var rng = Xoshiro256(seed: seed)
  var observation = [Float](repeating: 0, count: env.spec.observationSize)
  let actions = UInt64(max(1, env.spec.discreteActionCount))
  let continuous = env.spec.continuousActionSize > 0
  var box = [Float](repeating: 0, count: env.spec.continuousActionSize)
  env.reset(rng: &rng, observation: &observation)
  var episodes = 0
  let chunk = 4096
  let r = rate(for: duration, unitsPerCall: chunk) {
    for _ in 0..<chunk {
      let outcome: StepOutcome
      if continuous {
        for i in box.indices { box[i] = 4 * rng.nextUnitFloat() - 2 }
        outcome = env.step(continuous: box, observation: &observation)
      } else {
        outcome = env.step(action: Int(rng.next() % actions), observation: &observation)
      }
      if outcome.done {
        episodes += 1
        env.reset(rng: &rng, observation: &observation)
      }
    }
  }
  blackHole(episodes)
  blackHole(observation)
  return r
}
