"""Training and inference speed of the modern LeNet-5 (images per second), float32 and float64.

    python benchmarks/bench_lenet.py [--batch-size 64] [--steps 30] [--repeats 3] [--allocator]

A training step is forward, cross-entropy, backward and an Adam update, on random 32x32 inputs
(speed does not depend on the values). Each figure is the best of --repeats timings of --steps
steps; a per-op profile of one configuration follows with --profile. With --allocator the
figures are measured twice, in two fresh processes run one after the other: with the malloc
tuning of ``tl.tune_allocator()`` (which this script calls, as the CLI and ``fit`` do) and
without it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time

import numpy as np

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim


class LeNet5(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.pool = nn.MaxPool2d(2)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        x = self.pool(self.conv1(x).relu())
        x = self.pool(self.conv2(x).relu()).flatten(1)
        return self.fc3(self.fc2(self.fc1(x).relu()).relu())


def measure(dtype: np.dtype, batch_size: int, steps: int, repeats: int) -> tuple[float, float]:
    tl.manual_seed(0)
    model = LeNet5().to(dtype)
    opt = optim.Adam(model.parameters(), lr=1e-3)
    x = tl.randn(batch_size, 1, 32, 32, dtype=dtype)
    y = tl.Tensor(np.random.default_rng(0).integers(0, 10, batch_size))

    def train_step() -> None:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    def infer_step() -> None:
        with tl.no_grad():
            model(x)

    rates = []
    for step in (train_step, infer_step):
        step()
        best = min(_timed(step, steps) for _ in range(repeats))
        rates.append(batch_size * steps / best)
    return rates[0], rates[1]


def _timed(step, steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the ops that take the time (float32)")
    parser.add_argument("--allocator", action="store_true", help="compare with and without the malloc tuning")
    args = parser.parse_args()
    if args.allocator:
        for setting, label in (("1", "with malloc tuning (default)"), ("0", "without malloc tuning")):
            print(f"-- {label}", flush=True)
            argv = [
                sys.executable,
                __file__,
                "--batch-size",
                str(args.batch_size),
                "--steps",
                str(args.steps),
                "--repeats",
                str(args.repeats),
            ]
            subprocess.run(argv, env={**os.environ, "TINYGRAD_LENET_MALLOC_TUNING": setting}, check=True)
        return
    print(f"malloc tuning: {'on' if tl.tune_allocator() else 'off'}")
    for dtype in (np.float32, np.float64):
        train, infer = measure(np.dtype(dtype), args.batch_size, args.steps, args.repeats)
        print(
            f"LeNet-5 {np.dtype(dtype).name}, batch {args.batch_size}: train {train:8,.0f} images/s   "
            f"inference {infer:8,.0f} images/s"
        )
    if args.profile:
        cProfile.runctx(
            "measure(np.dtype(np.float32), args.batch_size, args.steps, 1)", globals(), locals(), "/tmp/lenet.prof"
        )
        pstats.Stats("/tmp/lenet.prof").sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
