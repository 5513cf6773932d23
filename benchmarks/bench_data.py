"""How fast MNIST loads and how fast one epoch of batches is drawn, with and without augmentation.

    python benchmarks/bench_data.py [--data-dir ../shared/datasets/mnist] [--batch-size 64]

Prints seconds and images per second; each figure is the best of --repeats runs (this machine
is noisy, and the best run is the one least disturbed by others).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import tinygrad_lenet as tl
from tinygrad_lenet.data import MNIST, DataLoader, input_transform


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def one_epoch(loader: DataLoader) -> int:
    """Draw every batch of ``loader`` once; the number of images drawn."""
    return sum(len(x) for x, _ in loader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="folder with the MNIST files (default: the usual search)"
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tl.tune_allocator()  # as the command line and fit() do, so the figures are those a training run sees

    load = best_of(args.repeats, lambda: (MNIST(args.data_dir, train=True), MNIST(args.data_dir, train=False)))
    train = MNIST(args.data_dir, train=True)
    print(f"load MNIST train + test from IDX .gz: {load:.2f} s ({len(train)} + 10000 images, uint8 in memory)")

    plain, augmented = input_transform(32), input_transform(32, augment=True)  # what training uses
    for name, transform in (("no transform", None), ("ToFloat+Pad+Normalize", plain), ("+ RandomAffine", augmented)):
        loader = DataLoader(train, args.batch_size, shuffle=True, seed=0, transform=transform)
        seconds = best_of(args.repeats, partial(one_epoch, loader))
        print(
            f"one epoch, batch {args.batch_size}, {name:<22}: {seconds:6.2f} s  {len(train) / seconds:>10,.0f} images/s"
        )


if __name__ == "__main__":
    main()
