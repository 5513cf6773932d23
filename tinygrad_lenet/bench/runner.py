"""Timing the workloads side by side: interleaved rounds in one process, medians, ratios, load, memory.

Each round times every framework once, in alternating order, so a slow stretch of a noisy
machine hits both; the figure of a framework is the median of its rounds and the ratio is
ours / PyTorch's images per second. "Under load" starts one competing CPU-bound process for
the duration (the benchmark stops it). Peak memory is the peak RSS (Linux's VmHWM) of a fresh
process that imports the framework and trains a workload for a number of steps.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..base.threads import governor
from .workloads import WORKLOADS, Workload


def frameworks(with_torch: bool = True) -> dict[str, Any]:
    """tinygrad_lenet, and PyTorch when it is installed (and wanted)."""
    import tinygrad_lenet

    found = {"tinygrad_lenet": tinygrad_lenet}
    if with_torch:
        try:
            import torch
        except ImportError:
            return found
        found["torch"] = torch
    return found


SETTLE_SECONDS = 0.5
"""The pause before each timed round. The framework timed before leaves its idle worker threads (OpenBLAS's,
OpenMP's) spinning for a while after its last call, and a round started at once shares the cores with them:
PyTorch training LeNet-5 at batch 256 ran 12,900-13,400 img/s right after our rounds, 16,500-17,300 alone in
its process and 15,700-16,400 after a 0.5 s pause (the same for ours after PyTorch's rounds)."""


def rate(step: Callable[[], None], steps: int, batch: int) -> float:
    """Images per second over ``steps`` steps."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return batch * steps / (time.perf_counter() - start)


def compare(
    workload: Workload,
    found: dict[str, Any],
    rounds: int,
    steps: int,
    threads: int | str = "auto",
    compiled: bool = True,
    settle: float = SETTLE_SECONDS,
) -> dict[str, Any]:
    """Median images/s per framework over interleaved rounds, each after a pause of ``settle`` seconds
    (``SETTLE_SECONDS``: the threads of the framework timed before go idle), and the ratio ours / torch.

    Ours runs with ``set_num_threads(threads)`` set afresh, as a new training run starts; with
    "auto" the result also says which thread count the governor settled on. With ``compiled``,
    ours is ``tl.compile(model)`` and our eager mode is timed beside it (``eager``; PyTorch runs
    eagerly: its compiler needs a C++ toolchain)."""
    ours = found["tinygrad_lenet"]
    ours.set_num_threads(threads)
    steps_of = {
        name: workload.build(T, {} if compiled and name == "tinygrad_lenet" else None) for name, T in found.items()
    }
    if compiled:
        steps_of["eager"] = workload.build(ours, None)
    for step in steps_of.values():
        step()  # warm-up: first-call allocations, lazy imports
    rates: dict[str, list[float]] = {name: [] for name in steps_of}
    order = list(steps_of)
    for r in range(rounds):
        for name in order if r % 2 == 0 else order[::-1]:
            time.sleep(settle)
            steps_of[name]()  # untimed: wakes this framework's threads and the core after the pause
            rates[name].append(rate(steps_of[name], steps, workload.batch))
    result: dict[str, Any] = {
        "workload": workload.name,
        "description": workload.description,
        "target": workload.target,
        "images_per_s": {name: statistics.median(r) for name, r in rates.items()},
        "rounds": rates,
        "threads": threads,
    }
    chooser = governor()
    if chooser is not None and chooser.decisions:
        result["threads_chosen"] = chooser.current
    if "torch" in found:
        result["ratio"] = result["images_per_s"]["tinygrad_lenet"] / result["images_per_s"]["torch"]
        if compiled:
            result["eager_ratio"] = result["images_per_s"]["eager"] / result["images_per_s"]["torch"]
    return result


class Load:
    """One competing CPU-bound process while the ``with`` block runs."""

    def __enter__(self) -> Load:
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()


MEMORY_PROBE = """
import sys
sys.path[:0] = {path!r}
name, workload, steps, compiled = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
if name == "tinygrad_lenet":
    import tinygrad_lenet as T
    T.tune_allocator()
else:
    import torch as T
from tinygrad_lenet.bench.workloads import WORKLOADS
step = {{w.name: w for w in WORKLOADS}}[workload].build(T, {{}} if compiled and name == "tinygrad_lenet" else None)
for _ in range(steps):
    step()
# VmHWM, this process's own peak RSS (ru_maxrss would count the parent it was forked from)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def peak_memory(name: str, workload: str, steps: int, compiled: bool = False) -> float | None:
    """Peak RSS in MB of a fresh process training ``workload`` for ``steps`` steps (None if it failed)."""
    code = MEMORY_PROBE.format(path=[p for p in sys.path if p])
    argv = [sys.executable, "-c", code, name, workload, str(steps), "1" if compiled else "0"]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return int(done.stdout.split()[-1]) / 1024  # VmHWM is in kB


def blas(found: dict[str, Any]) -> dict[str, Any]:
    """The BLAS libraries and thread counts in use (threadpoolctl), and PyTorch's threads."""
    from threadpoolctl import threadpool_info

    info = {
        "numpy_blas": [
            {k: i.get(k) for k in ("internal_api", "version", "num_threads", "architecture")}
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        ],
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "cpus": os.cpu_count(),
    }
    if "torch" in found:
        info["torch_threads"] = found["torch"].get_num_threads()
        info["torch_version"] = found["torch"].__version__
    return info


def run(
    rounds: int = 5,
    steps: int = 20,
    only: list[str] | None = None,
    with_torch: bool = True,
    load: bool = True,
    memory_steps: int = 200,
    threads: int | str = "auto",
    log: Callable[[str], None] = print,
    compiled: bool = True,
) -> dict[str, Any]:
    """Every workload quiet, LeNet-5 training under load, and peak memory: the figures of ``bench``.

    ``threads`` is ours' BLAS thread count for every measurement (``tl.set_num_threads``);
    ``compiled`` times ours through ``tl.compile``, with our eager mode beside it."""
    import tinygrad_lenet

    tinygrad_lenet.tune_allocator()
    found = frameworks(with_torch)
    if with_torch and "torch" not in found:
        log("PyTorch is not installed: timing ours only, without ratios (pip install torch to compare)")
    chosen = [w for w in WORKLOADS if not only or w.name in only]
    report: dict[str, Any] = {"environment": blas(found), "quiet": [], "under_load": [], "memory": []}
    for workload in chosen:
        result = compare(workload, found, rounds, steps, threads, compiled)
        report["quiet"].append(result)
        log(_line(result))
    if load and chosen and chosen[0].name.startswith("lenet5-train"):
        with Load():
            result = compare(chosen[0], found, rounds, steps, threads, compiled)
        quiet = report["quiet"][0]["images_per_s"]["tinygrad_lenet"]
        result["vs_our_quiet"] = result["images_per_s"]["tinygrad_lenet"] / quiet
        result["target"] = 1.0  # under the same load PyTorch's speed, and at least half our quiet speed
        report["under_load"].append(result)
        log(_line(result, "under load: ") + f"   ours vs our quiet {result['vs_our_quiet']:.2f}x (target 0.5x)")
    if memory_steps and chosen:
        peak = {name: peak_memory(name, chosen[0].name, memory_steps, compiled) for name in found}
        report["memory"].append({"workload": chosen[0].name, "steps": memory_steps, "peak_rss_mb": peak})
        log(
            f"peak RSS training {chosen[0].name} for {memory_steps} steps: "
            + ", ".join(f"{n} {m:.0f} MB" if m else f"{n} -" for n, m in peak.items())
        )
    return report


def _line(result: dict[str, Any], prefix: str = "") -> str:
    rates = result["images_per_s"]
    text = f"{prefix}{result['workload']:<20} " + "  ".join(f"{n} {r:>9,.0f} img/s" for n, r in rates.items())
    if "ratio" in result:
        text += f"   ratio {result['ratio']:.2f}x (target {result['target']:.1f}x)"
    if "eager_ratio" in result:
        text += f", eager {result['eager_ratio']:.2f}x"
    if "threads_chosen" in result:
        text += f"   [auto: {result['threads_chosen']} BLAS thread{'s' if result['threads_chosen'] > 1 else ''}]"
    return text


def to_json(report: dict[str, Any]) -> str:
    """``report`` (what ``run`` returns) as indented JSON, numpy numbers as floats."""
    return json.dumps(report, indent=1, default=lambda v: float(v) if isinstance(v, np.floating) else str(v))
