"""The paper's Atari network in PyTorch, as one A3C worker runs it.

`make bench` section 10 runs this (with `--python PATH` naming a Python that
has torch) beside hogwild-rl's own network figures, so both are measured on
the same machine in the same run. One thread (a worker per core, as the
paper's A3C runs), batch-1 forward per agent step on a uint8 frame stack
scaled to [0, 1], then the backward over the n-step rollout (the n frames
forwarded again as one batch, as common A3C implementations do), the
gradient clipped, and an RMSProp step. No emulator: the network alone.
Prints one JSON line per n: {"n": n, "steps": S, "seconds": W,
"steps_per_second": S/W, "torch": version, "threads": 1}.
"""
import json
import sys
import time

import torch
from torch import nn


class AtariActorCritic(nn.Module):
    """Mnih et al. 2016: conv 16×8×8/4, conv 32×4×4/2, dense 256, ReLU; softmax policy, linear value."""

    def __init__(self, actions: int):
        super().__init__()
        self.torso = nn.Sequential(
            nn.Conv2d(4, 16, 8, stride=4), nn.ReLU(),
            nn.Conv2d(16, 32, 4, stride=2), nn.ReLU(),
            nn.Flatten(), nn.Linear(32 * 9 * 9, 256), nn.ReLU())
        self.policy = nn.Linear(256, actions)
        self.value = nn.Linear(256, 1)

    def forward(self, frames: torch.Tensor):
        h = self.torso(frames.float() / 255.0)
        return self.policy(h), self.value(h)


def rate(n: int, steps: int, actions: int = 6) -> dict:
    torch.manual_seed(1)
    net = AtariActorCritic(actions)
    opt = torch.optim.RMSprop(net.parameters(), lr=7e-4, alpha=0.99, eps=0.1)
    frames = torch.randint(0, 256, (n, 4, 84, 84), dtype=torch.uint8)

    def rollout_and_update():
        chosen = []
        with torch.no_grad():
            for t in range(n):
                logits, _ = net(frames[t:t + 1])
                chosen.append(torch.distributions.Categorical(logits=logits).sample())
        logits, values = net(frames)
        returns = torch.zeros(n)
        log_probs = torch.log_softmax(logits, dim=1)
        taken = log_probs.gather(1, torch.cat(chosen).view(-1, 1)).squeeze(1)
        advantages = returns - values.squeeze(1)
        entropy = -(log_probs.exp() * log_probs).sum(1)
        loss = -(taken * advantages.detach()).sum() - 0.01 * entropy.sum() + 0.5 * advantages.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 40.0)
        opt.step()

    for _ in range(3):  # warm-up
        rollout_and_update()
    updates = max(1, steps // n)
    start = time.perf_counter()
    for _ in range(updates):
        rollout_and_update()
    seconds = time.perf_counter() - start
    return {"n": n, "steps": updates * n, "seconds": round(seconds, 3),
            "steps_per_second": round(updates * n / seconds, 1), "torch": torch.__version__, "threads": 1}


def main() -> None:
    torch.set_num_threads(1)
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    for n in (5, 20):
        print(json.dumps(rate(n, steps)), flush=True)


if __name__ == "__main__":
    main()
