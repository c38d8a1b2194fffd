// Hyperparameters.swift — every learning setting of a run, with the defaults
// `hogwild-rl run` uses. Defaults were chosen so that `run --procs 16` solves
// CartPole-v1 reliably on a 2-core machine (see README, "Defaults").

import HogwildSegment
import TinyNN

/// How the learning rate changes over the run.
public enum LearningRateSchedule: String, CaseIterable, Sendable {
  /// Anneals linearly from `lr` to 0 at T_max (the paper).
  case linear
  case constant

  /// The rate at global step `t` of `tMax`.
  @inlinable public func rate(base: Float, step t: UInt64, of tMax: UInt64) -> Float {
    switch self {
    case .constant: return base
    case .linear:
      guard tMax > 0 else { return base }
      let frac = 1 - Double(min(t, tMax)) / Double(tMax)
      return base * Float(frac)
    }
  }
}

/// Learning settings shared by the algorithms.
public struct Hyperparameters: Equatable, Sendable {
  /// n: steps per rollout before an update (the paper's t_max = 5).
  ///
  /// The paper used 5 on Atari; 20 (as pytorch-a3c does) is the default here
  /// because each update writes all of θ and the RMSProp statistics, and
  /// with a 4.7k-parameter network that shared-memory traffic, not the
  /// arithmetic, limits throughput at 5: measured at --procs 2, 1.0 M steps/s
  /// with n = 5 (0.71 of independent workers) against 1.8 M with n = 20
  /// (0.97), and CartPole is solved in fewer seconds (see BENCHMARKS.md).
  public var nSteps = 20
  public var gamma = 0.99
  /// λ of generalized advantage estimation; 1 gives plain n-step returns.
  public var gaeLambda = 1.0
  /// β, the entropy bonus weight.
  public var entropyCoefficient = 0.001
  /// Weight of the value loss (R − V)².
  public var valueCoefficient = 0.5
  public var learningRate = 0.003
  public var learningRateSchedule = LearningRateSchedule.constant
  /// Global gradient-norm clip (≤ 0: none).
  public var maxGradientNorm = 5.0
  public var optimizer = OptimizerKind.sharedRMSProp
  /// RMSProp decay α.
  public var rmsAlpha = 0.99
  /// RMSProp ε, inside the square root as in the paper.
  public var rmsEpsilon = 0.1
  /// How the RMSProp step lr·d/√(g+ε) is computed (`--rmsprop-sqrt`): a
  /// numerical detail, so a resumed run may change it.
  public var rmsSqrt = RMSPropSqrt.exact
  /// Hidden layer widths.
  public var hidden = [64, 64]
  /// The network family (`--net`); the CLI picks `conv` for MinAtar.
  public var network = NetworkKind.mlp
  /// LSTM cells of `--net lstm` (`--lstm-cells`).
  public var lstmCells = 64
  public var activation = Activation.tanh
  public var updateMode = UpdateMode.hogwild

  // The Q-learning family (qn, q1, sarsa1).
  /// I_target: θ⁻ ← θ every this many global steps (q1's default is
  /// shorter: see `defaultTargetInterval(for:)`).
  public var targetInterval = 10_000
  /// Global steps over which ε anneals linearly from 1 to each worker's final ε.
  public var epsilonAnneal = 100_000
  /// Every worker's final ε; nil: each draws its own from {0.1, 0.01, 0.5}
  /// w.p. {0.4, 0.3, 0.3} (the paper).
  public var epsilonFinal: Double?
  /// The loss on the TD error R − Q(s, a).
  public var qLoss = QLoss.squared
  /// I_AsyncUpdate: local steps between updates of q1 and sarsa1.
  public var asyncUpdate = 5
  /// Each value-based worker plays one greedy test episode after every this
  /// many of its own training steps (at the end of the training episode in
  /// progress); these episodes score the run. 0: no tests, and the run is
  /// scored on training episodes as a3c's is.
  ///
  /// 2000: with 16 workers the last 100 tests then span about 200k global
  /// steps, the order of the 50k–100k steps a3c's last 100 training episodes
  /// span once solved; tests add about 20 % env steps (forward passes only).
  /// The greedy policy of online Q-learning on CartPole is not steady (it
  /// peaks soon after ε has annealed, then wanders, see docs/TUNING-Q.md),
  /// so a sparser schedule averages over phases: qn at lr 0.002 reached 475
  /// in 8 of 8 seeds with 1000 and 2000, 3 of 8 with 5000, 1 of 8 with 10000.
  public var testEvery = 2_000
  /// K: environments each worker steps in lockstep (`--envs-per-worker`);
  /// one K-row forward per step, one gradient over the K·n rows per update.
  /// 1 is the paper's algorithm.
  public var envsPerWorker = 1

  /// The largest K `--envs-per-worker` accepts.
  public static let maxEnvsPerWorker = 256

  public init() {}

  /// β for a Gaussian policy (continuous actions), as in the paper: its
  /// entropy is on a different scale from a categorical one's.
  public static let gaussianEntropyCoefficient = 1e-4

  /// The learning rate a run of `algorithm` with `workers` workers uses
  /// unless --lr is given. A2C averages N gradients into one update, a
  /// batch N times larger than one A3C worker's, so it takes a larger step
  /// (the linear scaling rule of Goyal et al. 2017), capped at 10x where
  /// CartPole stayed stable (measured: 0.03 diverged at N = 1, solved at
  /// N = 2–16).
  public static func defaultLearningRate(for algorithm: AlgorithmKind, workers: Int) -> Double {
    let base = Hyperparameters().learningRate
    switch algorithm {
    case .a2c: return base * Double(min(max(workers, 1), 10))
    case .a3c: return base
    case .qn, .q1, .sarsa1: return valueBasedLearningRate
    }
  }

  /// The value-based methods' learning rate. Measured with the paper's ε
  /// mix, --procs 16, greedy tests every 2000 steps, 3M steps, constant
  /// rate (docs/TUNING-Q.md): qn reached a test mean of 475 in 27 of 28
  /// runs at 0.002 (0.31M–0.63M steps), 11 of 12 at 0.003 and 11 of 12 at
  /// 0.001 (0.38M–1.02M); sarsa1 reached 400 in 8 of 8 at 0.002 (by 1.2M),
  /// 9 of 12 at 0.003 (runs that rise, then collapse).
  public static let valueBasedLearningRate = 0.002

  /// The learning-rate schedule a run of `algorithm` uses unless
  /// --lr-schedule is given: linear (to 0 at T_max, the paper's) for the
  /// value-based methods, constant for a3c and a2c. The greedy policy of
  /// online Q-learning peaks soon after ε has annealed and then wanders; a
  /// shrinking step brings it back. qn reached 475 within 3M steps in 58
  /// of 64 runs with a constant 0.002 (the misses ended at 189–334), in 59
  /// of 60 with the linear schedule (the miss ended at 427); q1 and sarsa1
  /// reached 400 in 20 of 20 each with it.
  public static func defaultLearningRateSchedule(for algorithm: AlgorithmKind) -> LearningRateSchedule {
    algorithm.isValueBased ? .linear : Hyperparameters().learningRateSchedule
  }

  /// I_target a run of `algorithm` uses unless --target-interval is given:
  /// 2000 for q1, `targetInterval` (10000) otherwise. A one-step target
  /// r + γ·max Q(s′, ·; θ⁻) carries value back one step per copy of θ⁻, and
  /// CartPole's values (≈ 1/(1 − γ) = 100) need hundreds of backups: q1
  /// reached 400 in 1.2M–1.9M steps with 10000 and 0.43M–1.08M with 2000
  /// (8 seeds each). qn's n-step targets carry 20 steps per copy, and
  /// sarsa1, whose targets follow each worker's ε-greedy policy, got worse
  /// with shorter intervals (at 1000 and at 2000 one of 4 seeds missed 400
  /// by 3M steps, the others took 0.9M–2.3M, against 1.0M–1.3M at 10000).
  public static func defaultTargetInterval(for algorithm: AlgorithmKind) -> Int {
    algorithm == .q1 ? 2_000 : Hyperparameters().targetInterval
  }

  /// The numeric settings as stored in the segment header.
  public var table: [(key: String, value: Double)] {
    [
      ("n_steps", Double(nSteps)), ("gamma", gamma), ("gae_lambda", gaeLambda), ("ent_coef", entropyCoefficient),
      ("vf_coef", valueCoefficient), ("lr", learningRate),
      ("lr_linear", learningRateSchedule == .linear ? 1 : 0),
      ("max_grad_norm", maxGradientNorm), ("rms_alpha", rmsAlpha), ("rms_eps", rmsEpsilon),
      ("target_interval", Double(targetInterval)), ("eps_anneal", Double(epsilonAnneal)),
      ("eps_final", epsilonFinal ?? -1),
      ("q_loss_huber", qLoss == .huber ? 1 : 0), ("async_update", Double(asyncUpdate)),
      ("test_every", Double(testEvery)),
    ] + hidden.enumerated().map { ("hidden_\($0.offset)", Double($0.element)) }
  }
}
