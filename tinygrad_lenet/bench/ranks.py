"""One rank of ``tinygrad-lenet bench --procs N``: time data-parallel training steps, print the rates.

``python -m tinygrad_lenet.bench.ranks ours WORKLOAD ROUNDS STEPS`` runs under our launcher (MPI,
``tl.compile`` inside ``DistributedDataParallel``); ``... torch WORKLOAD ROUNDS STEPS RANK WORLD PORT``
is one of PyTorch's DDP ranks (gloo, ``init_method="tcp://127.0.0.1:PORT"``, one thread). Every rank
trains on ``batch / N`` random images of the workload; a round is ``STEPS`` steps between two barriers,
and its rate counts the global batch. Rank 0 prints ``RATES`` and the JSON list of the rounds' rates.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from .workloads import WORKLOADS


def step_of(T: Any, workload: str, world: int, compiled: bool) -> Callable[[], None]:
    """One training step of ``workload`` on this rank's ``batch / world`` images, in DDP."""
    chosen = {w.name: w for w in WORKLOADS}[workload]
    model_of, side, optimizer, loss, options = chosen.build.recipe  # type: ignore[attr-defined]
    batch = chosen.batch // world
    T.manual_seed(0)
    model = model_of(T)
    ddp = T.nn.parallel.DistributedDataParallel(T.compile(model) if compiled else model)
    opt = getattr(T.optim, optimizer)(model.parameters(), **options)
    x, y = T.randn(batch, 1, side, side), T.randint(0, 10, (batch,))
    loss_fn = getattr(T.nn.functional, loss)

    def step() -> None:
        opt.zero_grad()
        loss_fn(ddp(x), y).backward()
        opt.step()

    return step


def main(argv: list[str]) -> None:
    framework, workload, rounds, steps = argv[0], argv[1], int(argv[2]), int(argv[3])
    T: Any = importlib.import_module("tinygrad_lenet" if framework == "ours" else "torch")
    if framework == "ours":
        T.tune_allocator()
        T.distributed.init_process_group()
        compiled = True
    else:
        T.set_num_threads(1)
        rank, world, port = int(argv[4]), int(argv[5]), int(argv[6])
        T.distributed.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
        compiled = False
    dist = T.distributed
    size = dist.get_world_size()
    step = step_of(T, workload, size, compiled)
    for _ in range(3):
        step()  # warm-up: recording, first-call allocations
    global_batch = {w.name: w.batch for w in WORKLOADS}[workload]
    rates = []
    for _ in range(rounds):
        dist.barrier()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        dist.barrier()
        rates.append(global_batch * steps / (time.perf_counter() - start))
    if dist.get_rank() == 0:
        print("RATES " + json.dumps(rates), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
