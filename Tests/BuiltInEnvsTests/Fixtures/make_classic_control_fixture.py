"""Generate the reference trajectories for Acrobot-v1, MountainCar-v0 and Pendulum-v1.

Made with: Python 3.11.7, gymnasium 1.4.0, numpy 2.4.6 (x86_64 Linux, glibc libm).
The project never runs Python; this script only documents how the fixtures were made.
Regenerate (outside the repo's build) with:

    python3 -m venv /tmp/gymvenv && /tmp/gymvenv/bin/pip install gymnasium==1.4.0 numpy
    for env in Acrobot-v1 MountainCar-v0 Pendulum-v1; do
      /tmp/gymvenv/bin/python make_classic_control_fixture.py $env > \\
        $(echo $env | tr 'A-Z-' 'a-z_')_trajectories.txt
    done

Each episode comes from gym.make(id) (TimeLimit included), reset with a fixed
seed. Some episodes then replace the initial state (env.unwrapped.state) to
reach what a random start rarely does (angle wrapping, velocity clamps, the
walls), and some start the TimeLimit's step counter at a given value
(`_elapsed_steps`) to keep the file small while still ending by truncation.
Each is driven by a fixed policy until terminated or truncated.

Format (text, whitespace separated, '#' lines are comments):

    sizes <state-size> <observation-size> <discrete|box>
    episode <index> <policy-name> <seed> <elapsed-at-start> <number-of-steps>
    init <state...>
    step <t> <action> <state...> <obs...> <reward> <terminated> <truncated>
    ... (one 'step' line per step)

t is the TimeLimit's step count after the step (elapsed-at-start + 1, + 2, ...).
All reals are float.hex() with the trailing zeros of the fraction removed, which
parses back to the same bits (C strtod / Swift Double(String)). 'init' and the
state columns are env.unwrapped.state (float64) before the first step / after
each step. The obs columns and a box action are float32 values widened exactly
to float64 (so Float(Double(hex)) restores the float32 bits). A box action is the
float32 value given to step(), before the environment clips it.
terminated and truncated are 0 or 1.
"""

import sys

import gymnasium as gym
import numpy as np


def compact_hex(value):
    """float.hex() without the fraction's trailing zeros: '0x1.8000000000000p+1' -> '0x1.8p+1'."""
    text = float(value).hex()
    mantissa, exponent = text.split("p")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa + "p" + exponent


def run_episode(env_id, seed, policy, init=None, elapsed=0):
    """Returns (initial state, list of step records)."""
    env = gym.make(env_id)
    env.reset(seed=seed)
    if init is not None:
        env.unwrapped.state = np.array(init, dtype=np.float64)
    env._elapsed_steps = elapsed  # the TimeLimit wrapper's counter
    start = [float(v) for v in env.unwrapped.state]
    steps = []
    t = elapsed
    while True:
        state = np.array(env.unwrapped.state, dtype=np.float64)
        action = policy(t - elapsed, state)
        obs, reward, terminated, truncated, _ = env.step(action)
        assert obs.dtype == np.float32
        t += 1
        steps.append((t, action, [float(v) for v in env.unwrapped.state],
                      [float(v) for v in obs], float(reward), bool(terminated), bool(truncated)))
        if terminated or truncated:
            env.close()
            return start, steps


def search(env_id, seeds, ks, policy_for_k, limit):
    """(seed, k): an episode of policy_for_k(k) that terminates exactly on step `limit`."""
    for seed in seeds:
        for k in ks:
            _, steps = run_episode(env_id, seed, policy_for_k(k))
            last = steps[-1]
            if last[0] == limit and last[5]:
                return seed, k
    raise RuntimeError(f"{env_id}: no coincident termination/truncation found")


def acrobot_episodes():
    pump = lambda s: 2 if s[3] > 0 else 0  # torque along link 2's spin: terminates in ~100 steps
    random_actions = [int(a) for a in np.random.default_rng(12345).integers(0, 3, size=500)]
    idle_then_pump = lambda k: (lambda t, s: 1 if t < k else pump(s))
    seed, k = search("Acrobot-v1", range(10, 20), range(440, 300, -1), idle_then_pump, 500)
    return [
        ("pump-link2", 0, lambda t, s: pump(s), None, 0),
        ("pump-link2", 1, lambda t, s: pump(s), None, 0),
        ("random-np12345", 3, lambda t, s: random_actions[t], None, 0),
        (f"idle-then-pump-from-{k}", seed, idle_then_pump(k), None, 0),
        # Link 2 spinning near its velocity bound: wrapping and clamping.
        ("custom-spin-torque+1", 5, lambda t, s: 2, [0.1, 3.0, 12.0, 27.0], 440),
        # Angles beyond one turn: wrap() subtracts/adds 2*pi more than once.
        ("custom-wrap-torque0", 6, lambda t, s: 1, [10.0, -10.0, 0.5, -0.5], 480),
        ("custom-fast-link1-alternating", 7, lambda t, s: t % 3, [-0.2, 0.3, -12.5, 20.0], 450),
    ]


def mountain_car_episodes():
    energy = lambda s: 2 if s[1] >= 0 else 0
    random_actions = [int(a) for a in np.random.default_rng(12345).integers(0, 3, size=200)]
    idle_then_energy = lambda k: (lambda t, s: 1 if t < k else energy(s))
    seed, k = search("MountainCar-v0", range(10, 30), range(150, 40, -1), idle_then_energy, 200)
    return [
        ("energy", 0, lambda t, s: energy(s), None, 0),
        ("always-left", 0, lambda t, s: 0, None, 0),
        ("random-np12345", 4, lambda t, s: random_actions[t], None, 0),
        (f"idle-then-energy-from-{k}", seed, idle_then_energy(k), None, 0),
        # Enough energy to reach the left wall (position clamped, velocity zeroed).
        ("energy-then-left-from-60", 7, lambda t, s: energy(s) if t < 60 else (0 if s[1] < 0 else 1), None, 0),
        ("custom-at-left-wall", 8, lambda t, s: 0, [-1.2, -0.05], 190),
        # The position clamp at 0.6 on the terminating step.
        ("custom-right-edge", 9, lambda t, s: 2, [0.55, 0.07], 0),
    ]


def pendulum_episodes():
    f32 = lambda u: np.array([u], dtype=np.float32)
    # Arbitrary float32 torques (not multiples of 2^-10): the float32 arithmetic matters.
    random_torques = np.random.default_rng(12345).uniform(-3.0, 3.0, size=200).astype(np.float32)
    edge = [2.0, -2.0, 0.0, -0.0, 1e-45, -1e-45, float(np.nextafter(np.float32(2), np.float32(3))),
            float(np.nextafter(np.float32(2), np.float32(0))), 1e30, -1e30, 0.001, -0.3333333]
    return [
        ("zero-torque", 0, lambda t, s: f32(0.0), None, 0),
        ("constant-3.5-clipped", 1, lambda t, s: f32(3.5), None, 0),
        ("random-float32-np12345", 2, lambda t, s: random_torques[t:t + 1].copy(), None, 0),
        # Swings up and spins: theta grows past many turns, the velocity clamp acts.
        ("pump-2.75-clipped", 3, lambda t, s: f32(2.75 if s[1] >= 0 else -2.75), None, 0),
        ("edge-values", 4, lambda t, s: f32(edge[t % len(edge)]), None, 150),
        ("custom-negative-turns", 5, lambda t, s: f32(-2.5 + 0.125 * t), [-1000.25, -7.9], 180),
    ]


ENVS = {
    "Acrobot-v1": ("discrete", acrobot_episodes),
    "MountainCar-v0": ("discrete", mountain_car_episodes),
    "Pendulum-v1": ("box", pendulum_episodes),
}


def action_text(kind, action):
    if kind == "discrete":
        return str(int(action))
    assert action.dtype == np.float32 and action.shape == (1,)
    return compact_hex(action[0])


def main():
    env_id = sys.argv[1]
    kind, make_episodes = ENVS[env_id]
    episodes = make_episodes()
    out = sys.stdout
    out.write(f"# {env_id} reference trajectories (see make_classic_control_fixture.py)\n")
    out.write(f"# gymnasium {gym.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}\n")
    out.write("# episode <index> <policy> <seed> <elapsed-at-start> <steps>\n")
    out.write("# init <state...>\n")
    out.write("# step <t> <action> <state...> <obs...> <reward> <terminated> <truncated>\n")
    sizes_written = False
    for index, (name, seed, policy, init, elapsed) in enumerate(episodes):
        start, steps = run_episode(env_id, seed, policy, init, elapsed)
        if not sizes_written:
            out.write(f"sizes {len(start)} {len(steps[0][3])} {kind}\n")
            sizes_written = True
        last = steps[-1]
        sys.stderr.write(f"{env_id} {name}: {len(steps)} steps to t={last[0]}, "
                         f"terminated={last[5]} truncated={last[6]}\n")
        out.write(f"episode {index} {name} {seed} {elapsed} {len(steps)}\n")
        out.write("init " + " ".join(compact_hex(v) for v in start) + "\n")
        for t, action, state, obs, reward, term, trunc in steps:
            out.write(f"step {t} {action_text(kind, action)} " + " ".join(compact_hex(v) for v in state) + " "
                      + " ".join(compact_hex(v) for v in obs)
                      + f" {compact_hex(reward)} {int(term)} {int(trunc)}\n")


if __name__ == "__main__":
    main()
