"""Stable-Baselines3 A2C's training throughput on Gymnasium's CartPole-v1.

`make interop` runs this beside hogwild-rl's own figures so both are measured
on the same machine in the same run. Prints one JSON line per configuration:
{"n_envs": N, "steps": S, "seconds": W, "steps_per_second": S/W}.
"""
import json
import sys
import time

import torch
from stable_baselines3 import A2C
from stable_baselines3.common.env_util import make_vec_env


def rate(n_envs: int, steps: int, seed: int) -> dict:
    env = make_vec_env("CartPole-v1", n_envs=n_envs, seed=seed)
    model = A2C("MlpPolicy", env, device="cpu", seed=seed, verbose=0)
    model.learn(total_timesteps=2_000)  # warm-up: imports, first graph build
    start = time.perf_counter()
    model.learn(total_timesteps=steps, reset_num_timesteps=False)
    seconds = time.perf_counter() - start
    return {"n_envs": n_envs, "steps": steps, "seconds": round(seconds, 3),
            "steps_per_second": round(steps / seconds, 1), "torch_threads": torch.get_num_threads()}


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    # n_envs 1 is A2C as SB3's docs show it; 8 is the RL Zoo's CartPole-v1 setting.
    for n_envs in (1, 8):
        print(json.dumps(rate(n_envs, steps, seed=1)), flush=True)


if __name__ == "__main__":
    main()
