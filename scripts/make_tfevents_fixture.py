#!/usr/bin/env python3
"""Writes Tests/RuntimeTests/Fixtures/tfevents_scalars.{bin,txt} with the real
tensorboard package's writer (EventFileWriter, RecordWriter, the Event and
Summary protos): a fixed set of scalar events with fixed wall times and
steps. TensorBoardEventTests encodes the events listed in the .txt with our
own writer and compares the bytes with the .bin.

Usage: python make_tfevents_fixture.py   (in a venv with `pip install tensorboard`;
made with tensorboard 2.21.0, protobuf 7.36.2)
"""
import math
import os
import shutil
import struct
import tempfile
import types

import tensorboard
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer import event_file_writer

FIRST_WALL_TIME = 1700000000.5
# (wall_time, step, tag, value): zero step and value, varint lengths of one
# and more bytes, a step above 2^32, negative, tiny, infinite and NaN values.
EVENTS = [
    (1700000001.25, 0, "charts/episodic_return", 0.0),
    (1700000001.5, 1, "charts/episodic_length", 9.0),
    (1700000002.125, 127, "charts/SPS", 123456.789),
    (1700000002.75, 128, "losses/value_loss", -0.5),
    (1700000003.0, 300000, "losses/policy_loss", 1e-30),
    (1700000004.0, 2**40 + 3, "hogwild/staleness_p99", math.inf),
    (1700000005.0, 5000000, "losses/entropy", math.nan),
    (1700000006.123456, 16384, "charts/learning_rate", 0.003),
    (1700000007.0, 200000, "hogwild/" + "x" * 130, 0.25),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "Tests", "RuntimeTests", "Fixtures")
    # The writer stamps its first event (and the file name) with time.time().
    event_file_writer.time = types.SimpleNamespace(time=lambda: FIRST_WALL_TIME)
    with tempfile.TemporaryDirectory() as d:
        w = event_file_writer.EventFileWriter(d)
        for wall, step, tag, value in EVENTS:
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
            w.add_event(event_pb2.Event(wall_time=wall, step=step, summary=summary))
        w.close()
        (name,) = os.listdir(d)
        shutil.copyfile(os.path.join(d, name), os.path.join(out, "tfevents_scalars.bin"))
    with open(os.path.join(out, "tfevents_scalars.txt"), "w") as f:
        f.write(f"# made by scripts/make_tfevents_fixture.py with tensorboard {tensorboard.__version__}\n")
        f.write("# first: wall_time writer; then: wall_time step float32_bits_hex tag\n")
        f.write(f"first {FIRST_WALL_TIME!r} tensorboard.summary.writer.event_file_writer\n")
        for wall, step, tag, value in EVENTS:
            bits = struct.unpack("<I", struct.pack("<f", value))[0]
            f.write(f"scalar {wall!r} {step} {bits:08x} {tag}\n")


if __name__ == "__main__":
    main()
