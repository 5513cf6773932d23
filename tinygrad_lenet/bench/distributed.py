"""``tinygrad-lenet bench --procs N``: data-parallel training, ours on MPI beside PyTorch's DDP (gloo).

For each training workload it times, at the same global batch: our N ranks x 1 BLAS thread x batch/N
(``tl.compile`` in ``DistributedDataParallel``, as ``train --procs N`` runs), PyTorch's single process
(its default threads, one per core) and PyTorch's own DDP (gloo, N spawned ranks x 1 thread x
batch/N), and our single process beside them; then all of it once more under one competing CPU-bound
process, ours both with the default wait (MPI's) and with ``TINYGRAD_LENET_MPI_WAIT=sleep`` (checks
that sleep between them). The ratios are against PyTorch's single process. Each configuration runs its
rounds in its own processes, one configuration after another (not interleaved, as the one-process
bench is): the medians of ``rounds`` rounds are what is reported.

Measured on the 2-core development machine (``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE tinygrad-lenet
bench --procs 2``, 5 rounds of 20 steps; load average 0.67 before, 2.84 after the run under load; images/s,
in brackets ours / PyTorch's single process):

=================  ===============  ===============  ==============  ==================  ==============
workload           torch 1 process  torch DDP 2x1    ours 2x1        ours 2x1, sleeping  ours 1 process
=================  ===============  ===============  ==============  ==================  ==============
lenet5-train-64    13,389           7,927 (0.59)     17,032 (1.27)   -                   13,964 (1.04)
lenet5-train-256   17,340           14,251 (0.82)    24,158 (1.39)   -                   15,852 (0.91)
examples-train-64  1,501            1,071 (0.71)     1,106 (0.74)    -                   938 (0.62)
under load:
lenet5-train-64    1,405            5,255 (3.74)     8,320 (5.92)    6,545 (4.66)        5,565 (3.96)
lenet5-train-256   3,818            7,217 (1.89)     11,045 (2.89)   10,117 (2.65)       6,201 (1.62)
examples-train-64  376              625 (1.66)       582 (1.55)      597 (1.59)          407 (1.08)
=================  ===============  ===============  ==============  ==================  ==============

Two single-threaded ranks beat PyTorch's single process and its DDP at every batch here; with one
competing process they keep 0.49x (batch 64) and 0.46x (batch 256) of their quiet speed, and MPICH's own
wait does better than the sleeping one.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from ..distributed.run import rank_environment, ranks_command
from .runner import Load, frameworks, rate
from .workloads import WORKLOADS

DISTRIBUTED = ("lenet5-train-64", "lenet5-train-256", "examples-train-64")
"""The workloads ``bench --procs`` times (training steps: inference has nothing to average)."""


def _env(**extra: str) -> dict[str, str]:
    return {**rank_environment(), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), **extra}


def _rates(output: str, what: str) -> float:
    for line in output.splitlines():
        if line.startswith("RATES "):
            import json

            return float(statistics.median(json.loads(line[6:])))
    raise RuntimeError(f"bench --procs: {what} printed no rates:\n{output[-2000:]}")


def ours(workload: str, procs: int, rounds: int, steps: int, wait: str = "mpi") -> float:
    """Median images/s of our ``procs`` ranks (MPI, compiled, DDP) at the workload's global batch."""
    line = ranks_command(procs, "tinygrad_lenet.bench.ranks", "ours", workload, str(rounds), str(steps))
    done = subprocess.run(line, capture_output=True, text=True, env=_env(TINYGRAD_LENET_MPI_WAIT=wait))
    return _rates(done.stdout + done.stderr, f"our {procs} ranks of {workload}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def torch_ddp(workload: str, procs: int, rounds: int, steps: int) -> float:
    """Median images/s of PyTorch's DDP: ``procs`` spawned processes, gloo over tcp://127.0.0.1, 1 thread each."""
    port = str(_free_port())
    ranks = [
        subprocess.Popen(
            [sys.executable, "-m", "tinygrad_lenet.bench.ranks", "torch", workload, str(rounds), str(steps)]
            + [str(r), str(procs), port],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_env(),
        )
        for r in range(procs)
    ]
    outputs = [p.communicate()[0] for p in ranks]
    return _rates(outputs[0], f"PyTorch's DDP of {workload}")


def single(T: Any, workload: str, rounds: int, steps: int, compiled: bool) -> float:
    """Median images/s of one process of ``T`` (ours compiled, with its default threads)."""
    chosen = {w.name: w for w in WORKLOADS}[workload]
    step = chosen.build(T, {} if compiled else None)
    for _ in range(3):
        step()
    return statistics.median(rate(step, steps, chosen.batch) for _ in range(rounds))


def measure(
    workload: str, procs: int, rounds: int, steps: int, found: dict[str, Any], other_wait: bool
) -> dict[str, float]:
    """Images/s of every configuration of one workload."""
    figures = {f"ours {procs} ranks": ours(workload, procs, rounds, steps)}
    if other_wait:
        figures[f"ours {procs} ranks sleeping wait"] = ours(workload, procs, rounds, steps, "sleep")
    figures["ours 1 process"] = single(found["tinygrad_lenet"], workload, rounds, steps, True)
    if "torch" in found:
        figures["torch 1 process"] = single(found["torch"], workload, rounds, steps, False)
        figures[f"torch DDP {procs} ranks"] = torch_ddp(workload, procs, rounds, steps)
    return figures


def run_distributed(
    procs: int,
    rounds: int = 5,
    steps: int = 20,
    only: list[str] | None = None,
    with_torch: bool = True,
    load: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Every distributed workload quiet, then under one competing process: the figures of ``bench --procs``."""
    import tinygrad_lenet

    tinygrad_lenet.tune_allocator()
    found = frameworks(with_torch)
    chosen = [name for name in DISTRIBUTED if not only or name in only]
    report: dict[str, Any] = {"procs": procs, "quiet": {}, "under_load": {}}
    for name in chosen:
        report["quiet"][name] = figures = measure(name, procs, rounds, steps, found, other_wait=False)
        log(_line(name, figures))
    if load:
        with Load():
            for name in chosen:
                report["under_load"][name] = figures = measure(name, procs, rounds, steps, found, other_wait=True)
                log(_line(name, figures, "under load: "))
    return report


def _line(workload: str, figures: dict[str, float], prefix: str = "") -> str:
    base = figures.get("torch 1 process")
    parts = [
        f"{name} {value:,.0f} img/s" + (f" ({value / base:.2f}x)" if base and name != "torch 1 process" else "")
        for name, value in figures.items()
    ]
    return f"{prefix}{workload:<18} " + "; ".join(parts)
