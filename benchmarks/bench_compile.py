"""What each step of ``tl.compile`` gains on a training step, side by side in one process.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_compile.py [--workload lenet5-train-64]

Times the bench workload (``tinygrad_lenet/bench/workloads.py``) eagerly, compiled with no rewrite
(every op replayed with its own forward and backward), with the Linear rewrite, with both rewrites
(the default), and under PyTorch when it is installed: interleaved rounds, medians in images/s, and
each figure's ratio to eager mode and to PyTorch. The load average is printed before and after:
figures taken on a busy machine are not results.
"""

from __future__ import annotations

import argparse
import statistics
import time

import tinygrad_lenet as tl
from tinygrad_lenet.bench.workloads import WORKLOADS

VARIANTS: dict[str, list[str] | None] = {
    "eager": None,
    "replay only": [],
    "+ Linear kernels": ["linear"],
    "+ conv-ReLU-pool kernels (default)": ["linear", "conv_pool"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="lenet5-train-64", choices=[w.name for w in WORKLOADS])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    workload = next(w for w in WORKLOADS if w.name == args.workload)
    tl.tune_allocator()
    steps = {
        name: workload.build(tl, None if rewrites is None else {"rewrites": rewrites})
        for name, rewrites in VARIANTS.items()
    }
    try:
        import torch

        steps["PyTorch"] = workload.build(torch, None)
    except ImportError:
        print("PyTorch is not installed: no ratios to it")
    print("load average before:", open("/proc/loadavg").read().split()[:3])
    rates: dict[str, list[float]] = {name: [] for name in steps}
    for step in steps.values():
        for _ in range(3):
            step()
    for r in range(args.rounds):
        for name in list(steps) if r % 2 == 0 else list(steps)[::-1]:
            start = time.perf_counter()
            for _ in range(args.steps):
                steps[name]()
            rates[name].append(workload.batch * args.steps / (time.perf_counter() - start))
    print("load average after: ", open("/proc/loadavg").read().split()[:3])
    eager = statistics.median(rates["eager"])
    torch_rate = statistics.median(rates["PyTorch"]) if "PyTorch" in rates else None
    print(f"{workload.description}")
    for name, r in rates.items():
        rate = statistics.median(r)
        line = f"  {name:<36} {rate:>9,.0f} img/s   {rate / eager:5.2f}x eager"
        if torch_rate:
            line += f"   {rate / torch_rate:5.2f}x PyTorch"
        print(line)


if __name__ == "__main__":
    main()
