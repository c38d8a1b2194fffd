#!/usr/bin/env python3
"""Run a policy exported by `hogwild-rl export` (safetensors or npz) with numpy alone.

The forward pass is the one docs/EXPORT.md states; the file's metadata says which:

    from policy import load_policy
    pi = load_policy("policy.safetensors")       # or "policy.npz"
    pi.act(obs)                                  # greedy: argmax of the logits / Q, or the Gaussian mean
    pi.act(obs, sample=True, rng=np.random.default_rng(0))   # a draw from pi(.|obs)
    pi.outputs(obs)                              # {"policy": logits, "value": [V]} (or "q", or
                                                 #  "policy.mean", "policy.rho", "value")
    pi.reset()                                   # --net lstm: zero the state (h, c) at each episode's
                                                 #  start; act/outputs advance it one step per call

Command line:

    python3 examples/policy.py FILE --describe           # names, shapes, metadata (standard library only)
    python3 examples/policy.py FILE --obs=0.1,0,-0.2,0   # one action (and the heads' outputs) as JSON
    python3 examples/policy.py FILE --obs=0.1,0 --obs=0.2,0.1   # a sequence from the zero LSTM state,
                                                         # one JSON line per step
    python3 examples/policy.py FILE --eval CartPole-v1 --episodes 100 [--seed 1] [--greedy]
                                                         # returns in the real gymnasium environment
                                                         # (CartPoleNoVel-v1, PendulumNoVel-v1: the
                                                         # gymnasium env with the velocities removed;
                                                         # ALE/<Game>-v5: wrapped as docs/ATARI.md says)

Atari policies (network "atari", or "lstm" with its "conv_layers") read uint8 frames [4, 84, 84]
(`obs` may be uint8 or the same values as floats; `input_scale` = 1/255 is applied here).

On the command line, as with `hogwild-rl eval`, actions are drawn from pi unless --greedy (a
Q-network always acts greedily); in Python, act() is greedy unless sample=True.

Reading the files needs only the standard library (`read_file`); running them needs numpy; the
safetensors and gymnasium packages are never required except for --eval (gymnasium).
"""

import argparse
import ast
import json
import math
import struct
import sys
import zipfile
from array import array

# ---------------------------------------------------------------------------------------------
# Reading (standard library only)


def _floats(raw):
    """Little-endian float32 bytes as an array('f')."""
    a = array("f")
    a.frombytes(raw)
    if sys.byteorder != "little":
        a.byteswap()
    return a


def read_safetensors(path):
    """(metadata dict, [(name, shape, array('f'))] in data order) of a .safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
    (n,) = struct.unpack_from("<Q", data, 0)
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} exceeds the file")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    if "architecture" not in meta:
        raise ValueError(f"{path}: no __metadata__.architecture (not written by hogwild-rl export)")
    base = 8 + n
    tensors = []
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if e["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {e['dtype']}, expected F32")
        begin, end = e["data_offsets"]
        if end - begin != 4 * math.prod(e["shape"]):
            raise ValueError(f"{path}: {name}: offsets do not match its shape")
        tensors.append((name, list(e["shape"]), _floats(data[base + begin : base + end])))
    return json.loads(meta["architecture"]), tensors


def parse_npy(raw, what="array"):
    """(descr, shape, payload bytes) of a .npy 1.0/2.0 file's bytes."""
    if raw[:6] != b"\x93NUMPY":
        raise ValueError(f"{what}: not a .npy file")
    major = raw[6]
    if major == 1:
        (hlen,) = struct.unpack_from("<H", raw, 8)
        start = 10
    else:
        (hlen,) = struct.unpack_from("<I", raw, 8)
        start = 12
    d = ast.literal_eval(raw[start : start + hlen].decode("latin1"))
    if d["fortran_order"]:
        raise ValueError(f"{what}: Fortran order is not supported")
    return d["descr"], list(d["shape"]), raw[start + hlen :]


def read_npz(path):
    """(metadata dict, [(name, shape, array('f'))] in archive order) of a .npz file."""
    meta = None
    tensors = []
    with zipfile.ZipFile(path) as z:  # zipfile checks every member's CRC-32
        for info in z.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            descr, shape, payload = parse_npy(z.read(info), f"{path}:{info.filename}")
            if name == "__metadata__":
                if descr != "|u1":
                    raise ValueError(f"{path}: __metadata__ is {descr}, expected |u1")
                meta = json.loads(payload.decode("utf-8"))
            else:
                if descr != "<f4":
                    raise ValueError(f"{path}: {name} is {descr}, expected <f4")
                tensors.append((name, shape, _floats(payload[: 4 * math.prod(shape)])))
    if meta is None:
        raise ValueError(f"{path}: no __metadata__ member (not written by hogwild-rl export)")
    return meta, tensors


def read_file(path):
    """(metadata, tensors) of either format, told apart by the zip signature."""
    with open(path, "rb") as f:
        head = f.read(4)
    return read_npz(path) if head == b"PK\x03\x04" else read_safetensors(path)


# ---------------------------------------------------------------------------------------------
# Running (numpy)


class Policy:
    """The exported network's forward pass (docs/EXPORT.md) and the action rule. A recurrent
    network (`network: lstm`) keeps its state (h, c) here: `reset()` zeros it (at each episode's
    start), and each `outputs`/`act` call is one step that advances it."""

    def __init__(self, meta, tensors):
        import numpy as np

        if meta.get("network") not in ("mlp", "conv", "atari", "lstm"):
            raise ValueError(f"network '{meta.get('network')}' is not supported by this policy.py "
                             "(mlp, conv, atari and lstm are)")
        self.np = np
        self.meta = meta
        self.t = {name: np.asarray(values, dtype=np.float32).reshape(shape) for name, shape, values in tensors}
        self.kind = meta["policy"]  # "categorical", "gaussian" or "q"
        self.activation = np.tanh if meta["activation"] == "tanh" else (lambda z: np.maximum(z, 0))
        self.shape = tuple(meta["observation_shape"])
        space = meta["env_spec"]["action_space"]
        if self.kind == "gaussian":
            self.low = np.array([float(v) for v in space["low"]], dtype=np.float64)
            self.high = np.array([float(v) for v in space["high"]], dtype=np.float64)
            self.min_variance = float(meta["min_variance"])
        self.recurrent = meta["network"] == "lstm"
        if self.recurrent:
            self.cells = self.t["lstm.weight_hh"].shape[1]
        self.reset()

    def reset(self):
        """Start an episode: the LSTM state (h, c) back to zero (nothing for a feed-forward network)."""
        if self.recurrent:
            self.h = self.np.zeros(self.cells)
            self.c = self.np.zeros(self.cells)

    def _linear(self, name, h):
        return self.t[name + ".weight"].astype(self.np.float64) @ h + self.t[name + ".bias"]

    def _torso(self, layers, h):
        for name in layers:
            h = self.activation(self._linear(name, h))
        return h

    def _lstm(self, x):
        """One LSTM step (PyTorch's nn.LSTM, gates i, f, g, o; `lstm.bias` = bias_ih + bias_hh): h_t."""
        np = self.np
        z = (self.t["lstm.weight_ih"].astype(np.float64) @ x + self.t["lstm.weight_hh"].astype(np.float64) @ self.h
             + self.t["lstm.bias"])
        i, f, g, o = np.split(z, 4)
        sigmoid = lambda v: 0.5 * (1 + np.tanh(0.5 * v))  # noqa: E731 (1/(1+e^-v), without overflow)
        self.c = sigmoid(f) * self.c + sigmoid(i) * np.tanh(g)
        self.h = sigmoid(o) * np.tanh(self.c)
        return self.h

    def _features(self, obs):
        np = self.np
        x = np.asarray(obs, dtype=np.float64).reshape(self.shape)
        layers = self.meta.get("conv_layers")
        if layers is not None:
            # The Atari network: frames [C, H, W] (bytes, scaled by input_scale = 1/255), then each
            # convolution k x k with its stride, no padding, ReLU; flattened [filter][row][column].
            x = x * float(self.meta.get("input_scale", 1.0))
            for layer in layers:
                k, s = layer["kernel_size"], layer["stride"]
                windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))[:, ::s, ::s]
                y = np.einsum("fcij,cyxij->fyx", self.t[layer["name"] + ".weight"].astype(np.float64), windows)
                x = np.maximum(y + self.t[layer["name"] + ".bias"][:, None, None], 0)
            return x.reshape(-1)
        conv = self.meta.get("conv")
        if conv is None:
            return x.reshape(-1)
        # [row][column][channel] → [channel][row][column]; 'valid' k×k convolution, stride 1; ReLU;
        # flattened [filter][row][column] (PyTorch's nn.Conv2d then nn.Flatten).
        x = x.transpose(2, 0, 1)
        k = conv["kernel_size"]
        windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))  # C, oh, ow, k, k
        y = np.einsum("fcij,cyxij->fyx", self.t["conv.weight"].astype(np.float64), windows)
        y += self.t["conv.bias"][:, None, None]
        return np.maximum(y, 0).reshape(-1)

    def outputs(self, obs):
        """Every head's outputs for one observation, by head name (for an LSTM: the next step)."""
        x = self._features(obs)
        if self.kind == "gaussian" and not self.recurrent:  # two networks
            p = self._torso(self.meta["policy_torso"], x)
            v = self._torso(self.meta["value_torso"], x)
            return {"policy.mean": self._linear("policy.mean", p), "policy.rho": self._linear("policy.rho", p),
                    "value": self._linear("value", v)}
        h = self._torso(self.meta["torso"], x)  # its last layer activated too (the LSTM's input)
        if self.recurrent:
            h = self._lstm(h)  # every head reads h_t, linearly
        return {head: self._linear(head, h) for head in self.meta["heads"]}

    def act(self, obs, sample=False, rng=None):
        """An action: greedy by default (argmax logits or Q, lowest index on ties; the Gaussian mean),
        or drawn from pi(.|obs) with `sample` (a Q-network always acts greedily). Box actions are
        clipped to the action space's bounds."""
        return self.choose(self.outputs(obs), sample, rng)

    def choose(self, out, sample=False, rng=None):
        """The action `act` takes given the heads' outputs `out` (one `outputs` call)."""
        np = self.np
        if self.kind == "q":
            return int(np.argmax(out["q"]))
        if self.kind == "categorical":
            logits = out["policy"]
            if not sample:
                return int(np.argmax(logits))
            p = np.exp(logits - logits.max())
            p /= p.sum()
            return int((rng or np.random.default_rng()).choice(len(p), p=p))
        mean = out["policy.mean"]
        if sample:
            rho = out["policy.rho"]
            variance = np.logaddexp(0.0, rho) + self.min_variance  # softplus(ρ) + floor
            mean = mean + np.sqrt(variance) * (rng or np.random.default_rng()).standard_normal(mean.shape)
        return np.clip(mean, self.low, self.high).astype(np.float32)


def load_policy(path):
    """A `Policy` from a .safetensors or .npz file written by `hogwild-rl export`."""
    return Policy(*read_file(path))


# hogwild-rl's partially observed variants (docs/RECURRENT.md): gymnasium's env, showing only
# these observation entries (CartPole: x and θ, not their velocities; Pendulum: cos θ, sin θ).
PARTIAL = {"CartPoleNoVel-v1": ("CartPole-v1", [0, 2]), "PendulumNoVel-v1": ("Pendulum-v1", [0, 1])}


def make_env(env_id, meta=None):
    """gymnasium.make(env_id), first registering the namespace's environments where the package
    does not do it on import: MinAtar 1.0.15's ids exist only after minatar.gym.register_envs(),
    and ale_py's ALE/* ids after gymnasium.register_envs(ale_py). An ALE/* id for an Atari policy
    gets hogwild-rl's protocol (docs/ATARI.md): frameskip 1 and sticky actions as the run had them,
    AtariPreprocessing(frame_skip=4, noop_max=30, screen_size=84, grayscale) and
    FrameStackObservation(4); returns are game score (no clipping, whole games)."""
    import gymnasium as gym

    namespace = env_id.split("/", 1)[0] if "/" in env_id else None
    if namespace == "MinAtar":
        import minatar.gym

        if "MinAtar/Breakout-v1" not in gym.registry:
            minatar.gym.register_envs()
    elif namespace == "ALE":
        import ale_py

        gym.register_envs(ale_py)
        if meta is not None and "conv_layers" in meta:
            from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

            protocol = meta.get("env_spec", {}).get("protocol", "")
            sticky = 0.0
            if "sticky actions " in protocol:
                sticky = float(protocol.split("sticky actions ", 1)[1].split()[0].rstrip(";"))
            full = "full action set" in protocol
            env = gym.make(env_id, frameskip=1, repeat_action_probability=sticky, full_action_space=full)
            env = AtariPreprocessing(env, frame_skip=4, noop_max=30, screen_size=84, terminal_on_life_loss=False,
                                     grayscale_obs=True)
            return FrameStackObservation(env, 4)
    return gym.make(env_id)


def evaluate(policy, env_id, episodes, seed, sample):
    """Undiscounted returns of `episodes` episodes of gymnasium's `env_id` (reset seeds seed, seed+1, …);
    the policy's state is reset at each episode's start."""
    import numpy as np

    base, kept = PARTIAL.get(env_id, (env_id, None))
    env = make_env(base, policy.meta)
    view = (lambda o: o) if kept is None else (lambda o: np.asarray(o)[kept])  # noqa: E731
    rng = np.random.default_rng(seed)
    returns = []
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        policy.reset()
        total, done = 0.0, False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(policy.act(view(obs), sample=sample, rng=rng))
            total += float(reward)
            done = terminated or truncated
        returns.append(total)
    env.close()
    return returns


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run a policy exported by hogwild-rl export (numpy only).")
    ap.add_argument("file", help="a .safetensors or .npz file")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--describe", action="store_true", help="print names, shapes and metadata (no numpy needed)")
    mode.add_argument("--obs", action="append",
                      help="one observation, comma-separated (flattened); print the action and outputs; "
                           "repeated: a sequence of steps from the zero LSTM state, one line each")
    mode.add_argument("--eval", metavar="ENV_ID", help="run episodes in gymnasium's ENV_ID (or CartPoleNoVel-v1, "
                                                       "PendulumNoVel-v1) and print the returns")
    ap.add_argument("--episodes", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    how = ap.add_mutually_exclusive_group()
    # As `hogwild-rl eval`: actions are drawn from pi unless --greedy.
    how.add_argument("--greedy", action="store_true", help="take the most probable action (or the mean, "
                                                          "for a Box action) instead of sampling from pi")
    how.add_argument("--sample", action="store_true", help="sample from pi (the default)")
    args = ap.parse_args(argv)
    args.sample = not args.greedy
    try:
        meta, tensors = read_file(args.file)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        print(f"error: {args.file}: {e}", file=sys.stderr)
        return 1
    if args.describe:
        print(json.dumps({"metadata": meta, "tensors": [{"name": n, "shape": s, "sum": math.fsum(v)}
                                                         for n, s, v in tensors]}, indent=1))
        return 0
    try:
        policy = Policy(meta, tensors)
    except (ValueError, KeyError) as e:
        print(f"error: {args.file}: {e}", file=sys.stderr)
        return 1
    if args.obs is not None:
        steps = [[float(v) for v in text.split(",")] for text in args.obs]
        for obs in steps:
            if len(obs) != math.prod(policy.shape):
                print(f"error: --obs has {len(obs)} values; the policy reads {math.prod(policy.shape)}",
                      file=sys.stderr)
                return 64
        import numpy as np

        rng = np.random.default_rng(args.seed)
        for obs in steps:  # one step each, from the zero state
            out = policy.outputs(obs)
            action = policy.choose(out, sample=args.sample, rng=rng)
            print(json.dumps({"action": action.tolist() if hasattr(action, "tolist") else action,
                              "outputs": {k: v.tolist() for k, v in out.items()}}))
        return 0
    returns = evaluate(policy, args.eval, args.episodes, args.seed, args.sample)
    n = len(returns)
    mean = sum(returns) / n
    std = math.sqrt(sum((r - mean) ** 2 for r in returns) / n)
    print(json.dumps({"env": args.eval, "episodes": n, "sample": args.sample, "greedy": args.greedy, "seed": args.seed,
                      "mean_return": mean, "std_return": std, "min": min(returns), "max": max(returns),
                      "returns": returns}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
