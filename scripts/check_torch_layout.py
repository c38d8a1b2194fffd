#!/usr/bin/env python3
"""make interop: an exported policy loads into plain PyTorch modules with load_state_dict(strict=True)
(nn.Conv2d, nn.Flatten, nn.Linear: the layouts docs/EXPORT.md promises), and those modules give
examples/policy.py's outputs on random observations. Usage: check_torch_layout.py FILE.safetensors"""
import sys

import numpy as np
import torch
from safetensors.torch import load_file

sys.path.insert(0, "examples")
from policy import load_policy  # noqa: E402


def mlp(tensors, layers, act):
    mods, state = [], {}
    for name in layers:
        w = tensors[name + ".weight"]
        mods += [torch.nn.Linear(w.shape[1], w.shape[0]), act()]
        state[f"{len(mods) - 2}.weight"], state[f"{len(mods) - 2}.bias"] = w, tensors[name + ".bias"]
    return mods, state


def main(path):
    pi = load_policy(path)
    m, t = pi.meta, load_file(path)
    act = torch.nn.Tanh if m["activation"] == "tanh" else torch.nn.ReLU
    front, state = [], {}
    if "conv" in m:
        w = t["conv.weight"]
        front = [torch.nn.Conv2d(w.shape[1], w.shape[0], m["conv"]["kernel_size"]), torch.nn.ReLU(), torch.nn.Flatten(0)]
        state = {"0.weight": w, "0.bias": t["conv.bias"]}
    torsos = {"gaussian": {"policy.mean": "policy_torso", "policy.rho": "policy_torso", "value": "value_torso"}}
    heads = {}
    for head in m["heads"]:
        torso = m[torsos.get(m["policy"], {}).get(head, "torso")]
        mods, st = mlp(t, torso, act)
        n = len(front)
        full = dict(state, **{f"{int(k.split('.')[0]) + n}.{k.split('.')[1]}": v for k, v in st.items()})
        w = t[head + ".weight"]
        net = torch.nn.Sequential(*front, *mods, torch.nn.Linear(w.shape[1], w.shape[0]))
        full[f"{n + len(mods)}.weight"], full[f"{n + len(mods)}.bias"] = w, t[head + ".bias"]
        net.load_state_dict(full, strict=True)
        heads[head] = net
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(50):
        if "conv" in m:
            obs = (rng.random(m["observation_shape"]) < 0.2).astype(np.float32)
            x = torch.from_numpy(obs.transpose(2, 0, 1).copy())
        else:
            obs = rng.uniform(-1, 1, m["observation_shape"]).astype(np.float32)
            x = torch.from_numpy(obs.reshape(-1))
        ref = pi.outputs(obs)
        with torch.no_grad():
            for head, net in heads.items():
                got = net(x).double().numpy()
                worst = max(worst, float((np.abs(got - ref[head]) / (1 + np.abs(ref[head]))).max()))
    ok = worst < 1e-4  # float32 in torch, float64 in policy.py
    print(f"       torch modules (strict load_state_dict) vs policy.py, heads {', '.join(heads)}: "
          f"max |diff|/(1+|y|) {worst:.2e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
