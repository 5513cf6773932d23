"""``tinygrad-lenet speedrun --procs N``: our run of a seed as N data-parallel ranks on one machine.

The parent (:func:`launch`) starts ``python -m tinygrad_lenet.distributed.run --nproc-per-node N -m
tinygrad_lenet.speedrun.ranks JOB`` (JOB: the recipe and the run's settings as JSON) and waits. Every
rank (:func:`.ranks.main`) reads the data, builds the same model from the seed and makes the same batches,
of which it makes and trains its share (``race.train`` with a ``world``: one BLAS thread each, the
gradients averaged by ``DistributedDataParallel``, as ``train --procs N``); the evaluations are
split over the ranks too. The steps are those of one process on the whole batch, to float round-off
(:mod:`tinygrad_lenet.train.data_parallel` says why). Rank 0 prints one line ``OUTCOME {json}``.

The time is counted as a single process counts it: from reading the data, which every rank starts
together (after a barrier), to the evaluation that reaches the target. Starting the ranks (Python,
imports, MPI) comes before that; the parent measures it too and gives it beside the time.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from ..base.errors import TinygradLenetError
from ..distributed.run import rank_environment, ranks_command
from ..train.data_parallel import require_mpi
from .race import Outcome
from .recipes import Recipe


class RanksFailed(TinygradLenetError, RuntimeError):
    """The ranks of a run stopped without an outcome (each says why on its own)."""


MARK = "OUTCOME "
"""How rank 0's line with the outcome begins."""


def check_procs(procs: int, recipe: Recipe) -> None:
    """``procs`` ranks can run and share every batch of ``recipe`` equally, or the reason they cannot."""
    if procs < 1:
        raise ValueError(f"--procs must be at least 1, got {procs}")
    require_mpi(procs)
    if recipe.batch_size % procs:
        raise ValueError(
            f"--procs {procs}: recipe {recipe.name}'s batches of {recipe.batch_size} cannot be shared equally by "
            f"{procs} ranks; give a number of ranks that divides {recipe.batch_size}"
        )


def launch(
    procs: int,
    recipe: Recipe,
    seed: int,
    target: float | None,
    data: str,
    data_dir: str | None,
    validation: bool,
    compiled: bool,
    threads: int | None = None,
    save_to: str | None = None,
    log: Callable[[str], None] = print,
) -> tuple[Outcome, str | None]:
    """Our run of ``seed`` as ``procs`` ranks (``threads`` BLAS threads each, default 1): its outcome as
    rank 0 measured it, with ``launched``, the parent's wall time from starting the ranks to their exit,
    and the checkpoint rank 0 wrote into ``save_to`` (None: not asked). The caller has checked ``procs``
    (:func:`check_procs`, before any run starts)."""
    job = {
        "recipe": asdict(recipe),
        "seed": seed,
        "target": target,
        "data": data,
        "data_dir": data_dir,
        "validation": validation,
        "compiled": compiled,
        "save_to": save_to,
    }
    line = ranks_command(procs, "tinygrad_lenet.speedrun.ranks", json.dumps(job))
    start = time.perf_counter()
    process = subprocess.Popen(line, env=rank_environment(threads or 1), stdout=subprocess.PIPE, text=True)
    found: dict[str, Any] | None = None
    assert process.stdout is not None
    with process:
        try:
            for text in process.stdout:
                if text.startswith(MARK):
                    found = json.loads(text[len(MARK) :])
                else:
                    log(text.rstrip("\n"))
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM here: the ranks stop too (through the launcher)
            process.send_signal(signal.SIGTERM)
            process.wait()
            raise
    launched = time.perf_counter() - start
    if process.returncode != 0 or found is None:
        raise RanksFailed(
            f"--procs {procs}: the ranks of seed {seed} stopped (exit {process.returncode}), as said above"
        )
    saved = found.pop("saved")
    evaluations = [(float(e), float(a), float(t)) for e, a, t in found.pop("evaluations")]
    return Outcome(**found, evaluations=evaluations, launched=launched), saved
