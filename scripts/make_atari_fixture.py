"""Records the parity fixtures of the ALE plugin from the real Gymnasium stack.

    python make_atari_fixture.py OUT_DIR        (run by scripts/make_atari_fixture.sh)

For each fixture it runs gym.make("ALE/<Game>-v5", frameskip=1,
repeat_action_probability=0.0 or 0.25) wrapped in AtariPreprocessing(frame_skip=4,
noop_max=0, screen_size=84, terminal_on_life_loss=False, grayscale_obs=True)
and FrameStackObservation(4), for a fixed sequence of actions (drawn from a
seeded numpy generator, the same every time), resetting after a game ends,
and writes OUT_DIR/atari_<game>[_sticky].txt:

    hogwild-rl atari fixture 1
    # <how it was made: versions, wrappers, seed>
    env ALE/Pong-v5
    actions <the number of actions, Discrete(n)>
    options <key=value ...>       (only if the fixture needs plugin options)
    seed <gymnasium reset seed> <the ALE random_seed it set>
    reset <lives> <frame>
    step <action> <reward> <terminated> <truncated> <lives> <frame>
    ...

one line per reset and per agent step, in order (a reset follows every step
that terminated or truncated). <frame> is the newest 84x84 frame of the stack
(row-major) as its difference from the previous line's frame (all zeros
before the first line), byte by byte modulo 256, run-length encoded as
"count value" pairs of decimal integers whose counts add up to 7056: a
reader keeps the previous frame and adds. The full observation is the last four frames,
oldest first; a reset's stack is four copies of its frame (Gymnasium 1.x's
FrameStackObservation pads with the reset observation): the script checks
that this reconstruction equals every observation before writing it.
"""
import sys

import ale_py
import cv2
import gymnasium as gym
import numpy as np
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

gym.register_envs(ale_py)

# (file, game, agent steps, action seed, reset seed, sticky-action
# probability). Breakout's random actions lose all five lives in a few hundred
# steps: its fixtures run through several games, resets included. The sticky
# one checks that the plugin seeds the ALE's generator as Gymnasium does (its
# reset seed is one whose derived ALE seed is non-negative: the plugin keeps
# 31 bits of its seed).
GAMES = [("atari_pong", "Pong", 1000, 1, 7, 0.0), ("atari_breakout", "Breakout", 1500, 2, 11, 0.0),
         ("atari_breakout_sticky", "Breakout", 600, 3, 11, 0.25)]


def rle(frame, previous):
    flat = (frame.reshape(-1).astype(np.int16) - previous.reshape(-1)).astype(np.uint8)
    out, i = [], 0
    while i < flat.size:
        j = i
        while j < flat.size and flat[j] == flat[i]:
            j += 1
        out += [str(j - i), str(int(flat[i]))]
        i = j
    return " ".join(out)


def record(game, steps, action_seed, reset_seed, sticky, path):
    env = gym.make(f"ALE/{game}-v5", frameskip=1, repeat_action_probability=sticky)
    env = AtariPreprocessing(env, frame_skip=4, noop_max=0, screen_size=84,
                             terminal_on_life_loss=False, grayscale_obs=True)
    env = FrameStackObservation(env, 4)
    ale = env.unwrapped.ale
    actions = np.random.default_rng(action_seed).integers(0, env.action_space.n, steps)
    lines = [
        "hogwild-rl atari fixture 1",
        f"# scripts/make_atari_fixture.py: gymnasium {gym.__version__}, ale-py {ale_py.__version__}, "
        f"opencv {cv2.__version__}, numpy {np.__version__}; gym.make(\"ALE/{game}-v5\", frameskip=1, "
        f"repeat_action_probability={sticky}), AtariPreprocessing(frame_skip=4, noop_max=0, screen_size=84, "
        "terminal_on_life_loss=False, grayscale_obs=True), FrameStackObservation(4); "
        f"actions numpy default_rng({action_seed}).integers(0, {env.action_space.n}, {steps})",
        f"env ALE/{game}-v5",
        f"actions {env.action_space.n}",
    ]
    if sticky:
        lines.append(f"options repeat_action_probability={sticky}")
    obs, info = env.reset(seed=reset_seed)
    assert not sticky or ale.getInt("random_seed") >= 0, "pick a reset seed whose ALE seed is non-negative"
    lines.append(f"seed {reset_seed} {ale.getInt('random_seed')}")
    stack = [obs[-1]] * 4

    def check(obs):
        assert obs.shape == (4, 84, 84) and obs.dtype == np.uint8
        assert all(np.array_equal(obs[i], stack[i]) for i in range(4)), "stack reconstruction differs"

    check(obs)
    previous = np.zeros((84, 84), np.uint8)
    lines.append(f"reset {info['lives']} {rle(obs[-1], previous)}")
    previous = obs[-1].copy()
    ends, resets, life_losses, lives = [], 0, 0, info["lives"]
    for a in actions:
        frame_before = ale.getEpisodeFrameNumber()
        obs, reward, terminated, truncated, info = env.step(int(a))
        stack = stack[1:] + [obs[-1]]
        check(obs)
        life_losses += info["lives"] < lives
        lives = info["lives"]
        lines.append(f"step {int(a)} {reward:g} {int(terminated)} {int(truncated)} {info['lives']} "
                     f"{rle(obs[-1], previous)}")
        previous = obs[-1].copy()
        if terminated or truncated:
            # How many of the 4 frames ran before the game ended: the corner
            # cases of AtariPreprocessing's two-frame buffer differ by it.
            ends.append(ale.getEpisodeFrameNumber() - frame_before)
            obs, info = env.reset()
            stack = [obs[-1]] * 4
            check(obs)
            resets += 1
            lives = info["lives"]
            lines.append(f"reset {info['lives']} {rle(obs[-1], previous)}")
            previous = obs[-1].copy()
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{path}: {steps} steps, {resets} resets (games ended after {ends} of the 4 frames), "
          f"{life_losses} lives lost")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    for name, game, steps, action_seed, reset_seed, sticky in GAMES:
        record(game, steps, action_seed, reset_seed, sticky, f"{out}/{name}.txt")


if __name__ == "__main__":
    main()
