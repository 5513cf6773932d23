"""Where a step's time goes, op by op: milliseconds per step in each op's forward and backward.

    python benchmarks/profile_ops.py [--workload lenet5-train-64] [--steps 50] [--threads 2]

Every op class's ``forward`` and ``backward`` are wrapped with a timer for the run of this
script only; what is left of the step (building the graph, the engine's walk, the optimizer,
Python) is printed as the rest. The workloads are those of ``tinygrad-lenet bench``.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import tinygrad_lenet as tl
from tinygrad_lenet import Function
from tinygrad_lenet.bench import WORKLOADS


def op_classes(base: type = Function) -> Iterator[type]:
    for sub in base.__subclasses__():
        yield sub
        yield from op_classes(sub)


def timed(method: Callable[..., Any], key: str, totals: dict[str, float]) -> Callable[..., Any]:
    def run(self: Function, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            totals[key] += time.perf_counter() - start

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workload", default="lenet5-train-64", choices=[w.name for w in WORKLOADS])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--threads", default="2", help="numpy's BLAS threads (an int, or auto)")
    args = parser.parse_args()
    tl.tune_allocator()
    tl.set_num_threads(args.threads if args.threads == "auto" else int(args.threads))
    totals: dict[str, float] = defaultdict(float)
    for cls in set(op_classes()):
        for name in ("forward", "backward"):
            if name in vars(cls):
                setattr(cls, name, timed(vars(cls)[name], f"{cls.__name__}.{name}", totals))
    step = next(w for w in WORKLOADS if w.name == args.workload).build(tl)
    for _ in range(5):
        step()
    totals.clear()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    per_step = (time.perf_counter() - start) / args.steps * 1e3
    print(f"{args.workload}: {per_step:.2f} ms per step (BLAS threads {tl.get_num_threads()})")
    for key, seconds in sorted(totals.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {key:<24} {seconds / args.steps * 1e3:6.2f} ms")
    print(f"  {'rest (graph, optimizer)':<24} {per_step - sum(totals.values()) / args.steps * 1e3:6.2f} ms")


if __name__ == "__main__":
    main()
