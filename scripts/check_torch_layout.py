#!/usr/bin/env python3
"""make interop: an exported policy loads into plain PyTorch modules with load_state_dict(strict=True)
(nn.Conv2d, nn.Flatten, nn.Linear, nn.LSTM: the layouts docs/EXPORT.md promises), and those modules
give examples/policy.py's outputs on random observations (for --net lstm: one sequence of them from
the zero state, stepped by both); and examples/torch_policy.py's module, built from the metadata alone
and loaded strictly, computes them too. Usage: check_torch_layout.py FILE.safetensors"""
import sys

import numpy as np
import torch
from safetensors.torch import load_file

sys.path.insert(0, "examples")
from policy import load_policy  # noqa: E402
from torch_policy import load_torch_policy  # noqa: E402


def sequential(t, front, front_state, layers, act, head=None):
    """nn.Sequential(*front, (nn.Linear, act) per name in layers, nn.Linear for head) holding t's
    tensors, loaded strictly."""
    mods, state = list(front), dict(front_state)
    for name in layers + ([head] if head else []):
        w = t[name + ".weight"]
        state[f"{len(mods)}.weight"], state[f"{len(mods)}.bias"] = w, t[name + ".bias"]
        mods.append(torch.nn.Linear(w.shape[1], w.shape[0]))
        if name != head:
            mods.append(act())
    net = torch.nn.Sequential(*mods)
    net.load_state_dict(state, strict=True)
    return net


def main(path):
    pi = load_policy(path)
    m, t = pi.meta, load_file(path)
    act = torch.nn.Tanh if m["activation"] == "tanh" else torch.nn.ReLU
    front, state = [], {}
    if "conv_layers" in m:
        # The Atari network: nn.Conv2d(C, F, k, stride) + ReLU per layer, then nn.Flatten(0); the
        # frames are scaled by input_scale (1/255) before the first.
        for layer in m["conv_layers"]:
            w = t[layer["name"] + ".weight"]
            state[f"{len(front)}.weight"], state[f"{len(front)}.bias"] = w, t[layer["name"] + ".bias"]
            front += [torch.nn.Conv2d(w.shape[1], w.shape[0], layer["kernel_size"], stride=layer["stride"]),
                      torch.nn.ReLU()]
        front.append(torch.nn.Flatten(0))
    elif "conv" in m:
        w = t["conv.weight"]
        front = [torch.nn.Conv2d(w.shape[1], w.shape[0], m["conv"]["kernel_size"]), torch.nn.ReLU(), torch.nn.Flatten(0)]
        state = {"0.weight": w, "0.bias": t["conv.bias"]}
    if m["network"] == "lstm":
        # torso (every layer activated) → nn.LSTM (one layer; PyTorch's gate order i, f, g, o; the
        # export's single bias is bias_ih + bias_hh) → linear heads reading h_t.
        torso = sequential(t, front, state, m["torso"], act)
        w = t["lstm.weight_ih"]
        lstm = torch.nn.LSTM(w.shape[1], w.shape[0] // 4)
        lstm.load_state_dict({"weight_ih_l0": w, "weight_hh_l0": t["lstm.weight_hh"], "bias_ih_l0": t["lstm.bias"],
                              "bias_hh_l0": torch.zeros_like(t["lstm.bias"])}, strict=True)
        heads = {head: sequential(t, [], {}, [], act, head) for head in m["heads"]}

        def step(x, s):
            y, s = lstm(torso(x).reshape(1, 1, -1), s)  # [sequence 1, batch 1, features]
            return {head: net(y.reshape(-1)) for head, net in heads.items()}, s
    else:
        torsos = {"gaussian": {"policy.mean": "policy_torso", "policy.rho": "policy_torso", "value": "value_torso"}}
        heads = {head: sequential(t, front, state, m[torsos.get(m["policy"], {}).get(head, "torso")], act, head)
                 for head in m["heads"]}

        def step(x, s):
            return {head: net(x) for head, net in heads.items()}, s
    module = load_torch_policy(path)  # strict load_state_dict of the export's own names
    rng = np.random.default_rng(0)
    worst, worst_module, s = 0.0, 0.0, None
    pi.reset()
    for _ in range(50):
        if "conv_layers" in m:
            obs = rng.integers(0, 256, m["observation_shape"]).astype(np.uint8)
            x = torch.from_numpy(obs.astype(np.float32) * np.float32(m["input_scale"]))
        elif "conv" in m:
            obs = (rng.random(m["observation_shape"]) < 0.2).astype(np.float32)
            x = torch.from_numpy(obs.transpose(2, 0, 1).copy())
        else:
            obs = rng.uniform(-1, 1, m["observation_shape"]).astype(np.float32)
            x = torch.from_numpy(obs.reshape(-1))
        ref = pi.outputs(obs)
        with torch.no_grad():
            got, s = step(x, s)
            by_module = module(torch.from_numpy(obs))
        for head, y in got.items():
            y = y.double().numpy()
            worst = max(worst, float((np.abs(y - ref[head]) / (1 + np.abs(ref[head]))).max()))
            y = by_module[head].double().numpy()
            worst_module = max(worst_module, float((np.abs(y - ref[head]) / (1 + np.abs(ref[head]))).max()))
    ok = worst < 1e-4 and worst_module < 1e-4  # float32 in torch, float64 in policy.py
    what = "nn.LSTM, 50 steps" if m["network"] == "lstm" else "50 observations"
    print(f"       torch modules (strict load_state_dict) vs policy.py, heads {', '.join(heads)} ({what}): "
          f"max |diff|/(1+|y|) {worst:.2e}")
    print(f"       examples/torch_policy.py module (strict, keys {', '.join(list(module.state_dict())[:3])}, …) "
          f"vs policy.py: max |diff|/(1+|y|) {worst_module:.2e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
