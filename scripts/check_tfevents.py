#!/usr/bin/env python3
"""Reads a run directory's events.out.tfevents.* files with TensorBoard's own
reader (EventAccumulator) and checks them against metrics.csv and train.csv:
every tag the run should have, as many points as the CSV rows it comes from,
the same values (as float32; train.csv's rounded columns within 1e-5), steps strictly increasing per tag.

Usage: check_tfevents.py RUN_DIR [RUN_DIR ...]   (needs the tensorboard package)
Exit status 0 when every check passes, 1 otherwise. Used by `make interop`.
"""
import csv
import json
import math
import os
import struct
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def f32(x):
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


# tag -> train.csv column (a point per row whose cell is not empty).
ROW_TAGS = {
    "charts/SPS": "steps_per_second",
    "losses/value_loss": "value_loss",
    "losses/policy_loss": "policy_loss",
    "losses/entropy": "entropy",
    "losses/td_error": "td_error",
    "losses/grad_norm": "grad_norm",
    "losses/clipped_fraction": "clipped_fraction",
    "charts/learning_rate": "learning_rate",
    "charts/epsilon": "epsilon",
    "hogwild/staleness_mean": "staleness_mean",
    "hogwild/staleness_p99": "staleness_p99",
}
ACTOR_CRITIC_ONLY = {"losses/value_loss", "losses/policy_loss", "losses/entropy"}


def check(run):
    failures = []
    with open(os.path.join(run, "metrics.csv")) as f:
        episodes = list(csv.DictReader(f))
    with open(os.path.join(run, "train.csv")) as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(run, "config.json")) as f:
        config = json.load(f)
    acc = EventAccumulator(run, size_guidance={"scalars": 0})
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    value_based = config["algo"] in ("qn", "q1", "sarsa1")

    expected = {}
    for kind, prefix in (("train", "charts/"), ("test", "charts/test_")):
        chosen = [e for e in episodes if e.get("kind", "train") == kind]
        if chosen or kind == "train":
            expected[prefix + "episodic_return"] = [f32(e["return"]) for e in chosen]
            expected[prefix + "episodic_length"] = [f32(e["length"]) for e in chosen]
    for tag, column in ROW_TAGS.items():
        if value_based and tag in ACTOR_CRITIC_ONLY:
            continue
        cells = [r[column] for r in rows if r[column] != ""]
        if cells or tag not in ("charts/epsilon",):
            expected[tag] = [f32(c) for c in cells]
    if config.get("audit"):
        expected["hogwild/lost_fraction"] = None  # one point per row; values only in the event file

    report = []
    for tag, values in expected.items():
        if tag not in tags:
            if values:
                failures.append(f"{tag}: missing")
            report.append((tag, 0, 0 if values is None else len(values)))
            continue
        points = acc.Scalars(tag)
        want = len(rows) if values is None else len(values)
        report.append((tag, len(points), want))
        if len(points) != want:
            failures.append(f"{tag}: {len(points)} points, CSV has {want} rows")
        if values is not None and len(points) == want:
            # Episodes exactly; train.csv rounds a few columns to 0.001.
            tol = 0 if "episodic" in tag else 1e-5
            bad = [i for i, (p, v) in enumerate(zip(points, values))
                   if not abs(p.value - v) <= tol * max(1.0, abs(v))]
            if bad:
                i = bad[0]
                failures.append(f"{tag}: point {i} is {points[i].value}, CSV has {values[i]}")
        steps = [p.step for p in points]
        if any(b <= a for a, b in zip(steps, steps[1:])):
            failures.append(f"{tag}: steps not strictly increasing")
    for tag in sorted(tags - set(expected)):
        failures.append(f"{tag}: unexpected tag")
    print(f"{run}: {len(episodes)} metrics.csv rows, {len(rows)} train.csv rows")
    for tag, got, want in report:
        print(f"  {tag:32} {got:7} points  (CSV rows {want})")
    return failures


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    failed = False
    for run in sys.argv[1:]:
        for line in check(run):
            print(f"FAIL {run}: {line}")
            failed = True
    print("check_tfevents: " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
