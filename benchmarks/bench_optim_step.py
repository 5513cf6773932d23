"""Microseconds per ``optimizer.step()`` on LeNet-5's parameters: the per-parameter loop against the flat step.

    python benchmarks/bench_optim_step.py [--steps 2000] [--rounds 3] [--optimizers Adam Adadelta]

The gradients are random arrays set once (no forward or backward is timed); each round times ``steps``
steps of each optimizer with ``foreach=False`` (the loop) and with the default (the flat step), in turn,
and the best round is printed with the speed-up.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import tinygrad_lenet as tl
from models.lenet5 import LeNet5
from tinygrad_lenet import optim


def time_steps(name: str, foreach: bool | None, steps: int) -> float:
    """Microseconds per step of the optimizer ``name`` over a fresh LeNet-5's parameters."""
    params = list(LeNet5().parameters())
    rng = np.random.default_rng(0)
    for p in params:
        p.grad = tl.tensor(rng.standard_normal(p.shape).astype(p.dtype) * 1e-3)
    opt = getattr(optim, name)(params, foreach=foreach)
    for _ in range(20):  # warm up: the first step builds the state (and the arena)
        opt.step()
    start = time.perf_counter()
    for _ in range(steps):
        opt.step()
    return (time.perf_counter() - start) / steps * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--optimizers", nargs="+", default=["Adam", "Adadelta"])
    args = parser.parse_args()
    params = list(LeNet5().parameters())
    print(f"LeNet-5: {len(params)} parameters, {sum(p.numel() for p in params)} floats; {args.steps} steps a round")
    for name in args.optimizers:
        best = {"loop": float("inf"), "flat": float("inf")}
        for _ in range(args.rounds):
            best["loop"] = min(best["loop"], time_steps(name, False, args.steps))
            best["flat"] = min(best["flat"], time_steps(name, None, args.steps))
        print(
            f"{name:<10} loop {best['loop']:7.1f} us/step   flat {best['flat']:7.1f} us/step   "
            f"x{best['loop'] / best['flat']:.2f}"
        )


if __name__ == "__main__":
    main()
