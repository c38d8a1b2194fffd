#!/usr/bin/env python3
"""read_segment.py — attach to a hogwild-rl segment with the Python standard
library only (mmap + struct) and print its counters, workers, the first
parameters and the layer table.

    python3 examples/read_segment.py /hogwild-rl.12345 [N]

NAME is the POSIX shared-memory name (leading slash optional; the object is
/dev/shm/NAME on Linux); N is how many leading parameters θ[0..N) to print
(default 8). The mapping is read-only: the run is not disturbed.

Every struct format below mirrors include/hogwild.h field by field
(little-endian, no implicit padding: the header pads explicitly), and the
regions are found through the offsets stored in the header, never
recomputed. The reader knows layout version HW_LAYOUT_VERSION (below) and refuses any other.

The output is the same, byte for byte, as examples/read_segment.c's, and its
numbers match `hogwild-rl dump --json NAME` (Tests/CLITests checks both).
Counters are read with plain loads while workers update them: each 8-byte
field is naturally aligned, which x86-64 and AArch64 read in one access.

Exit status: 0; 1 if the segment is missing or is not a hogwild-rl
segment; 64 for bad arguments.
"""

import mmap
import os
import struct
import sys

HW_MAGIC = 0x21444C4957474F48  # "HOGWILD!" as a little-endian uint64
# The layout the formats below describe. When include/hogwild.h changes
# HW_LAYOUT_VERSION, check every format against it before raising this.
HW_LAYOUT_VERSION = 5
HEADER_SIZE = 4096             # sizeof(hw_header)
SLOT_SIZE = 512                # sizeof(hw_worker_slot)

# hw_header, from `magic` to `reserved[1]` (bytes 0..320), in declaration order.
HEADER_FIELDS = [
    ("magic", "Q"), ("layout_version", "I"), ("header_size", "I"),
    ("total_size", "Q"), ("creator_pid", "i"), ("state", "I"),
    ("nonce", "Q"), ("created_unix_ns", "Q"), ("created_mono_ns", "Q"),
    ("seed", "Q"),
    ("env_id", "48s"), ("algo", "16s"), ("optimizer", "16s"),
    ("update_mode", "16s"), ("activation", "16s"),
    ("procs", "I"), ("n_layers", "I"), ("n_hparams", "I"),
    ("worker_slot_size", "I"), ("obs_size", "I"), ("n_actions", "I"),
    ("t_max", "Q"),
    ("params_offset", "Q"), ("params_count", "Q"),
    ("opt_offset", "Q"), ("opt_count", "Q"),
    ("ring_offset", "Q"), ("ring_capacity", "Q"),
    ("slots_offset", "Q"), ("lock_offset", "Q"),
    ("target_offset", "Q"), ("target_count", "Q"), ("target_version", "Q"),
    ("exchange_offset", "Q"), ("exchange_stride", "Q"),
    ("dist_offset", "Q"),
]
HEADER = struct.Struct("<" + "".join(f for _, f in HEADER_FIELDS))
assert HEADER.size == 320

# The counters: hw_counter_line T, U, ring_head (one uint64 each at the start
# of a 64-byte line), then hw_sync_line (wake, pad0, round), then the tables.
OFFSET_T, OFFSET_U, OFFSET_RING_HEAD = 320, 384, 448
OFFSET_LAYERS = 576            # hw_layer[HW_MAX_LAYERS = 32]
LAYER = struct.Struct("<40sIIQQ")  # name, rows, cols, offset (floats), count
assert LAYER.size == 64
MAX_LAYERS = 32

# hw_worker_slot lines 0-1 (bytes 0..128); the staleness histogram
# (32 × uint64) follows at 128, then line 6 at 384.
SLOT_FIELDS = [
    ("pid", "i"), ("status", "I"), ("t", "Q"), ("updates", "Q"),
    ("heartbeat_ns", "Q"), ("staleness_sum", "Q"), ("staleness_max", "Q"),
    ("episodes", "Q"), ("last_return", "d"),
    ("last_length", "Q"), ("restarts", "I"), ("rank", "I"),
    ("dropped_grads", "Q"), ("delay_ns_total", "Q"), ("rng_state", "4Q"),
]
SLOT = struct.Struct("<" + "".join(f for _, f in SLOT_FIELDS))
assert SLOT.size == 128
SLOT_LINE6 = struct.Struct("<dQQQQ")  # epsilon, sync_grad_round,
OFFSET_SLOT_LINE6 = 384                # sync_reduce_round, test_episodes, test_steps
SLOT_LINE7 = struct.Struct("<QddddQdd")  # train_grads, policy/value loss, entropy,
OFFSET_SLOT_LINE7 = 448                  # grad norm sums, clipped_grads, |TD| sum, learning_rate

STATES = ["initializing", "running", "stopping", "done"]
STATUSES = ["empty", "starting", "running", "delayed", "exited", "failed"]


class ReadError(Exception):
    """The segment is missing or not one this reader understands."""


def cstring(raw):
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def named(fields, values):
    out, i = {}, 0
    for name, fmt in fields:
        if fmt == "4Q":
            out[name] = values[i:i + 4]
            i += 4
        else:
            out[name] = values[i]
            i += 1
    return out


def attach(name):
    """Maps /dev/shm/NAME read-only and checks it; returns (name, mmap, header)."""
    body = name[1:] if name.startswith("/") else name
    if not body or "/" in body:
        raise ReadError(f"'{name}' is not a segment name (expected e.g. /hogwild-rl.12345)")
    path = "/dev/shm/" + body
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise ReadError(f"no segment /{body} ({path} does not exist)")
    except OSError as e:
        raise ReadError(f"cannot open {path}: {e.strerror}")
    try:
        size = os.fstat(fd).st_size
        if size < HEADER_SIZE:
            raise ReadError(f"/{body} is {size} bytes, smaller than a hogwild-rl header ({HEADER_SIZE})")
        mem = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ)
    finally:
        os.close(fd)
    h = named(HEADER_FIELDS, HEADER.unpack_from(mem, 0))
    if h["magic"] != HW_MAGIC:
        raise ReadError(f"/{body} is not a hogwild-rl segment (magic {h['magic']:#x}, expected {HW_MAGIC:#x}; "
                        "or it is still being initialised)")
    if h["layout_version"] != HW_LAYOUT_VERSION:
        raise ReadError(f"/{body} has layout version {h['layout_version']}; this reader knows version "
                        f"{HW_LAYOUT_VERSION} only (update it from include/hogwild.h)")
    if h["header_size"] != HEADER_SIZE or h["worker_slot_size"] != SLOT_SIZE or h["total_size"] > size:
        raise ReadError(f"/{body} has an inconsistent header (header_size {h['header_size']}, "
                        f"worker_slot_size {h['worker_slot_size']}, total_size {h['total_size']} of {size} bytes)")
    return "/" + body, mem, h


def u64(mem, offset):
    return struct.unpack_from("<Q", mem, offset)[0]


def report(name, mem, h, n_params):
    """The lines both example readers print."""
    out = [f"segment {name}"]
    out.append(f"layout_version {h['layout_version']}")
    out.append(f"env {cstring(h['env_id'])}")
    out.append(f"algo {cstring(h['algo'])}")
    state = h["state"]
    out.append(f"state {STATES[state] if state < len(STATES) else state}")
    out.append(f"procs {h['procs']}")
    out.append(f"T {u64(mem, OFFSET_T)}")
    out.append(f"U {u64(mem, OFFSET_U)}")
    out.append(f"T_max {h['t_max']}")
    out.append(f"episodes_published {u64(mem, OFFSET_RING_HEAD)}")
    for rank in range(h["procs"]):
        base = h["slots_offset"] + rank * SLOT_SIZE
        s = named(SLOT_FIELDS, SLOT.unpack_from(mem, base))
        status = STATUSES[s["status"]] if s["status"] < len(STATUSES) else str(s["status"])
        epsilon, _, _, tests, _ = SLOT_LINE6.unpack_from(mem, base + OFFSET_SLOT_LINE6)
        grads, _, _, _, _, _, _, lr = SLOT_LINE7.unpack_from(mem, base + OFFSET_SLOT_LINE7)
        out.append(f"worker {rank} pid {s['pid']} status {status} t {s['t']} episodes {s['episodes']} "
                   f"updates {s['updates']} restarts {s['restarts']} last_return {s['last_return']:.9g} "
                   f"epsilon {epsilon:.9g} test_episodes {tests} train_grads {grads} learning_rate {lr:.9g}")
    out.append(f"params_count {h['params_count']}")
    count = min(n_params, h["params_count"])
    for i, v in enumerate(struct.unpack_from(f"<{count}f", mem, h["params_offset"])):
        out.append(f"theta[{i}] {v:.9g}")
    for i in range(min(h["n_layers"], MAX_LAYERS)):
        lname, rows, cols, offset, cnt = LAYER.unpack_from(mem, OFFSET_LAYERS + i * LAYER.size)
        out.append(f"layer {cstring(lname)} {rows}x{cols} offset {offset} count {cnt}")
    return out


def main(argv):
    if len(argv) >= 2 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) not in (2, 3):
        print("error: usage: read_segment.py NAME [N]", file=sys.stderr)
        return 64
    n = 8
    if len(argv) == 3:
        if not argv[2].isdigit():
            print(f"error: N: expected a non-negative integer, got '{argv[2]}'", file=sys.stderr)
            return 64
        n = int(argv[2])
    try:
        name, mem, h = attach(argv[1])
    except ReadError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    try:
        print("\n".join(report(name, mem, h, n)))
    finally:
        mem.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
