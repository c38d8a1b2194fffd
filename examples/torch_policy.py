#!/usr/bin/env python3
"""A policy exported by `hogwild-rl export` as a PyTorch module, loaded with strict=True.

A plain `nn.Sequential` cannot load an export strictly: its keys are `0.weight`, `2.weight`, …
while the export names its tensors `torso.0.weight`, `policy.weight`, `lstm.weight_ih`, ….
`build_module(meta)` builds the module whose state_dict keys are exactly the export's names, from
the export's metadata (docs/EXPORT.md), and `load_torch_policy(path)` fills it strictly:

    from torch_policy import load_torch_policy
    net = load_torch_policy("policy.safetensors")       # or .npz; an nn.Module in eval mode
    out = net(torch.as_tensor(obs))                      # {"policy": logits, "value": V} (or "q",
                                                         #  or "policy.mean", "policy.rho", "value")
    net.reset()                                          # --net lstm: zero (h, c) at an episode's start;
                                                         #  each call is one step that advances it

Observations are one observation in the environment's shape (`meta["observation_shape"]`), or a
batch of them with a leading batch dimension. Byte observations (Atari frames) may be given as
uint8: the module scales them as the exported network does. Supported: mlp, conv (MinAtar),
atari (the paper's two convolutions), lstm on any of those torsos, and the Gaussian policy's two
networks.

Command line (prints the state_dict's keys and one forward pass on a zero observation):

    python3 examples/torch_policy.py FILE

Needs torch and numpy; reading the file uses examples/policy.py (standard library).
"""

import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from policy import read_file  # noqa: E402


class LSTMStep(nn.Module):
    """One LSTM layer stepped once per call, with the export's parameter names: `weight_ih`
    [4N, in], `weight_hh` [4N, N] and one `bias` [4N] (nn.LSTM's bias_ih + bias_hh), gates in
    nn.LSTM's order i, f, g, o."""

    def __init__(self, inputs, cells):
        super().__init__()
        self.cells = cells
        self.weight_ih = nn.Parameter(torch.zeros(4 * cells, inputs))
        self.weight_hh = nn.Parameter(torch.zeros(4 * cells, cells))
        self.bias = nn.Parameter(torch.zeros(4 * cells))

    def forward(self, x, state):
        h, c = state
        i, f, g, o = (x @ self.weight_ih.T + h @ self.weight_hh.T + self.bias).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, (h, c)


def _linears(shapes):
    """nn.ModuleList of nn.Linear for [out, in] weight shapes: keys `<list name>.<i>.weight`."""
    return nn.ModuleList(nn.Linear(s[1], s[0]) for s in shapes)


class ExportedPolicy(nn.Module):
    """The network an export describes; its state_dict keys are the export's tensor names."""

    def __init__(self, meta, shapes):
        super().__init__()
        self.meta = meta
        network = meta["network"]
        if network not in ("mlp", "conv", "atari", "lstm"):
            raise ValueError(f"network '{network}' is not supported (mlp, conv, atari, lstm are)")
        self.kind = meta["policy"]  # categorical, gaussian or q
        self.activation = torch.tanh if meta["activation"] == "tanh" else torch.relu
        self.observation_shape = tuple(meta["observation_shape"])
        # The convolutional front: MinAtar's single `conv` (HWC input) or a list `conv.<i>`.
        self.conv_layers = meta.get("conv_layers")
        if self.conv_layers is not None:
            self.conv = nn.ModuleList(
                nn.Conv2d(shapes[layer["name"] + ".weight"][1], layer["filters"], layer["kernel_size"],
                          stride=layer["stride"])
                for layer in self.conv_layers)
        elif "conv" in meta:
            w = shapes["conv.weight"]
            self.conv = nn.Conv2d(w[1], w[0], meta["conv"]["kernel_size"], stride=meta["conv"].get("stride", 1))
        if self.kind == "gaussian" and network != "lstm":  # two networks, as in the paper
            self.policy_torso = _linears(shapes[n + ".weight"] for n in meta["policy_torso"])
            self.value_torso = _linears(shapes[n + ".weight"] for n in meta["value_torso"])
        else:
            self.torso = _linears(shapes[n + ".weight"] for n in meta["torso"])
        if network == "lstm":
            w = shapes["lstm.weight_ih"]
            self.lstm = LSTMStep(w[1], w[0] // 4)
        heads = {}
        for head in meta["heads"]:
            w = shapes[head + ".weight"]
            heads[head] = nn.Linear(w[1], w[0])
        # "policy.mean"/"policy.rho" → self.policy["mean"]: keys policy.mean.weight, …
        nested = {}
        for head, module in heads.items():
            first, _, rest = head.partition(".")
            if rest:
                nested.setdefault(first, {})[rest] = module
            else:
                setattr(self, first, module)
        for first, modules in nested.items():
            setattr(self, first, nn.ModuleDict(modules))
        self.state = None

    def reset(self):
        """Start an episode: (h, c) back to zero (nothing for a feed-forward network)."""
        self.state = None

    def _head(self, name):
        first, _, rest = name.partition(".")
        module = getattr(self, first)
        return module[rest] if rest else module

    def _features(self, x):
        """The flat features the first dense layer reads, for a batch x [B, *observation_shape]."""
        if self.conv_layers is not None:
            x = x.to(torch.float32) * float(self.meta.get("input_scale", 1.0))
            for conv in self.conv:
                x = torch.relu(conv(x))  # input [B, C, H, W] (input_layout CHW)
            return x.flatten(1)
        if "conv" in self.meta:
            x = x.to(torch.float32).permute(0, 3, 1, 2)  # HWC → CHW
            return torch.relu(self.conv(x)).flatten(1)
        return x.to(torch.float32).flatten(1)

    def forward(self, obs):
        """Every head's outputs (by head name) for one observation or a batch of them."""
        obs = torch.as_tensor(obs)
        single = obs.dim() == len(self.observation_shape)
        x = self._features(obs.unsqueeze(0) if single else obs)
        if hasattr(self, "policy_torso"):
            p, v = x, x
            for layer in self.policy_torso:
                p = self.activation(layer(p))
            for layer in self.value_torso:
                v = self.activation(layer(v))
            out = {"policy.mean": self.policy["mean"](p), "policy.rho": self.policy["rho"](p), "value": self.value(v)}
        else:
            h = x
            for layer in self.torso:
                h = self.activation(layer(h))
            if hasattr(self, "lstm"):
                if self.state is None or self.state[0].shape[0] != h.shape[0]:
                    zero = h.new_zeros(h.shape[0], self.lstm.cells)
                    self.state = (zero, zero)
                h, self.state = self.lstm(h, self.state)
            out = {head: self._head(head)(h) for head in self.meta["heads"]}
        return {k: v[0] for k, v in out.items()} if single else out


def build_module(meta, shapes):
    """An uninitialised ExportedPolicy for `meta`, with the tensor shapes {name: shape}."""
    return ExportedPolicy(meta, shapes)


def load_torch_policy(path):
    """An ExportedPolicy holding the export's tensors, loaded with load_state_dict(strict=True)."""
    meta, tensors = read_file(path)
    shapes = {name: shape for name, shape, _ in tensors}
    net = build_module(meta, shapes)
    state = {name: torch.tensor(list(values), dtype=torch.float32).reshape(shape) for name, shape, values in tensors}
    net.load_state_dict(state, strict=True)
    return net.eval()


def main(argv):
    if len(argv) != 1:
        print("usage: torch_policy.py FILE", file=sys.stderr)
        return 64
    try:
        net = load_torch_policy(argv[0])
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print(f"error: {argv[0]}: {e}", file=sys.stderr)
        return 1
    print("state_dict keys:", ", ".join(net.state_dict().keys()))
    with torch.no_grad():
        out = net(torch.zeros(net.observation_shape))
    print({k: [round(float(x), 6) for x in v.reshape(-1)] for k, v in out.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
