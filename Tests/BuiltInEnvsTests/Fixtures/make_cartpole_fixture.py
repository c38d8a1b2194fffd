"""Generate cartpole_v1_trajectories.txt, the reference trajectories for CartPoleTests.

Made with: Python 3.11.7, gymnasium 1.4.0, numpy 2.4.6 (x86_64 Linux, glibc libm).
The project never runs Python; this script only documents how the fixture was made.
Regenerate (outside the repo's build) with:

    python3 -m venv /tmp/gymvenv && /tmp/gymvenv/bin/pip install gymnasium numpy
    /tmp/gymvenv/bin/python make_cartpole_fixture.py > cartpole_v1_trajectories.txt

Each episode comes from gym.make("CartPole-v1") (TimeLimit(500) included), reset
with a fixed seed, and is driven by a fixed policy until terminated or truncated.

Format (text, whitespace separated, '#' lines are comments):

    episode <index> <policy-name> <seed> <number-of-steps>
    init <x> <x_dot> <theta> <theta_dot>
    step <t> <action> <x> <x_dot> <theta> <theta_dot> <obs0> <obs1> <obs2> <obs3> <reward> <terminated> <truncated>
    ... (one 'step' line per step, t = 1, 2, ...)

All reals are printed with Python's float.hex(), which parses back to the exact
same bits (C strtod / Swift Double(String)). 'init' and the 4 state columns are
env.unwrapped.state (float64) before the first step / after each step. The obs
columns are the float32 observation returned by step(), widened exactly to
float64 before printing (so Float(Double(hex)) restores the float32 bits).
terminated and truncated are 0 or 1.

Episode "balance-then-left" balances and then pushes left from a step chosen
so that the pole falls exactly on step 500: Gymnasium then reports
terminated=True AND truncated=True (TimeLimit sets truncated whenever
elapsed_steps >= max_episode_steps, whatever terminated is).
"""

import sys

import gymnasium as gym
import numpy as np


def balance(state):
    _, _, theta, theta_dot = state
    return 1 if theta + 0.5 * theta_dot > 0 else 0


def run_episode(seed, policy):
    """Returns (initial state, list of step records)."""
    env = gym.make("CartPole-v1")
    env.reset(seed=seed)
    init = [float(v) for v in env.unwrapped.state]
    steps = []
    t = 0
    while True:
        state = np.array(env.unwrapped.state, dtype=np.float64)
        action = int(policy(t, state))
        obs, reward, terminated, truncated, _ = env.step(action)
        assert obs.dtype == np.float32
        t += 1
        steps.append((t, action, [float(v) for v in env.unwrapped.state],
                      [float(v) for v in obs], float(reward), bool(terminated), bool(truncated)))
        if terminated or truncated:
            env.close()
            return init, steps


def balance_then(k, push):
    return lambda t, s: balance(s) if t < k else push


def find_coincident():
    """(seed, k, push): a balance-then-push episode that terminates exactly on step 500."""
    for seed in range(4, 40):
        for k in range(499, 400, -1):
            for push in (0, 1):
                _, steps = run_episode(seed, balance_then(k, push))
                last = steps[-1]
                if last[0] == 500 and last[5]:
                    return seed, k, push
    raise RuntimeError("no coincident termination/truncation found")


def main():
    rng = np.random.default_rng(12345)
    random_actions = [int(a) for a in rng.integers(0, 2, size=500)]
    cseed, k, push = find_coincident()
    episodes = [
        ("always-left", 0, lambda t, s: 0),
        ("always-right", 1, lambda t, s: 1),
        ("alternating", 2, lambda t, s: t % 2),
        ("random-np12345", 3, lambda t, s: random_actions[t]),
        ("balance", 5, lambda t, s: balance(s)),
        (f"balance-then-{'left' if push == 0 else 'right'}-from-{k}", cseed, balance_then(k, push)),
    ]
    out = sys.stdout
    out.write("# CartPole-v1 reference trajectories (see make_cartpole_fixture.py)\n")
    out.write(f"# gymnasium {gym.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}\n")
    out.write("# episode <index> <policy> <seed> <steps>\n")
    out.write("# init <x> <x_dot> <theta> <theta_dot>\n")
    out.write("# step <t> <action> <x> <x_dot> <theta> <theta_dot> <obs0> <obs1> <obs2> <obs3> "
              "<reward> <terminated> <truncated>\n")
    for index, (name, seed, policy) in enumerate(episodes):
        init, steps = run_episode(seed, policy)
        last = steps[-1]
        if name == "balance":
            assert len(steps) == 500 and not last[5] and last[6], "balance must truncate"
        if name.startswith("balance-then"):
            assert len(steps) == 500 and last[5] and last[6], "must terminate and truncate"
        sys.stderr.write(f"{name}: {len(steps)} steps, terminated={last[5]} truncated={last[6]}\n")
        out.write(f"episode {index} {name} {seed} {len(steps)}\n")
        out.write("init " + " ".join(v.hex() for v in init) + "\n")
        for t, action, state, obs, reward, term, trunc in steps:
            out.write(f"step {t} {action} " + " ".join(v.hex() for v in state) + " "
                      + " ".join(v.hex() for v in obs)
                      + f" {reward.hex()} {int(term)} {int(trunc)}\n")


if __name__ == "__main__":
    main()
