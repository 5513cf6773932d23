"""Data-parallel training over N ranks (``tinygrad-lenet train --procs N``) that equals one process.

Every rank runs the same program: the same seed, so the same initial parameters and the same shuffle
of every epoch, and it reads the same *global* batch of ``batch_size`` images (augmented, if asked,
with the same random numbers), of which it trains on its share: rank r takes rows ``r*n//N`` to
``(r+1)*n//N`` of a batch of n rows (``batch_size / N`` rows of every full batch; a last short batch
is split as evenly as it goes). The model is wrapped in ``DistributedDataParallel``, which averages
the gradients over the ranks after each backward pass.

Why this equals one process (to float round-off): the loss is a mean over the rows of a batch, so
the gradient of a batch of n rows is ``sum_r (n_r / n) * g_r``, where ``g_r`` is the gradient of
the mean loss over rank r's n_r rows. DDP computes ``(1/N) * sum_r g_r``, the same when every
``n_r = n / N``; for a share of another size the rank multiplies its loss by ``N * n_r / n``
(:meth:`DataParallel.share`), which makes DDP's average that weighted sum again (the factor is
exactly 1 for the full batches, which are therefore not scaled at all). A rank whose share of a
tiny last batch is empty trains on one row with weight 0: its gradient is zero and it still takes
part in the average. The optimizer then takes the same step on every rank, from the same
gradients, so the copies stay equal, and the checkpoint rank 0 writes holds what one process would
hold. Losses and accuracies are sums over the ranks (:meth:`DataParallel.sum`); evaluation is split
the same way.

Random draws inside the model (dropout) are the only thing a rank cannot draw as one process
would (it draws for its rows only): each training step draws them from a stream of the rank's own
(:meth:`DataParallel.own_stream`), and the shared stream (shuffle, augmentation) is left exactly as
it was, so the ranks stay in step. A model with dropout therefore trains as well, but not to the
same numbers as one process; a model without random draws in its forward pass is unaffected.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from .. import distributed
from ..base.errors import TinygradLenetError, one_line
from ..base.interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated
from ..base.random import get_rng_state, set_rng_state
from ..distributed import destroy_process_group, init_process_group, is_initialized
from ..distributed.collectives import all_reduce_array, wait
from ..distributed.process_group import ReduceOp, group
from ..nn.module import Module
from ..nn.parallel import DistributedDataParallel
from ..tensor.tensor import Tensor

RANK_OF = "rank_of"
"""The hidden ``train`` option (``--rank-of N``) the parent command gives the ranks it starts."""

LEAVE_WAIT = 10.0
"""Seconds an interrupted rank waits for the others (rank 0 removing its temporary files and lock)
before it exits."""


class DataParallel:
    """This process's place among the ranks of a data-parallel run, and what the loop asks of it."""

    def __init__(self) -> None:
        from mpi4py import MPI

        world = group()
        self.rank, self.size, self.group = world.rank, world.size, world
        self.control = MPI.COMM_WORLD.Dup()  # only for leaving together: never mixed with a pending collective
        LEAVING.world = self

    @property
    def writes(self) -> bool:
        """True on rank 0, the one rank that writes the run folder and prints."""
        return self.rank == 0

    def wrap(self, model: Module) -> DistributedDataParallel:
        """``model`` in ``DistributedDataParallel`` (rank 0's parameters everywhere; gradients averaged)."""
        return DistributedDataParallel(model)

    def bounds(self, n: int) -> tuple[int, int]:
        """The rows of a batch of ``n`` that this rank takes."""
        return self.rank * n // self.size, (self.rank + 1) * n // self.size

    def share(self, *tensors: Tensor) -> tuple[tuple[Tensor, ...], int, float]:
        """This rank's rows of a global batch, how many of them are real, and the factor its mean loss
        is multiplied by (``N * n_r / n``: 1 for a full batch; 0 for the single stand-in row of an empty
        share)."""
        n = len(tensors[0])
        start, stop = self.bounds(n)
        if stop == start:
            return tuple(t[:1] for t in tensors), 0, 0.0
        rows = stop - start
        return tuple(t[start:stop] for t in tensors), rows, self.size * rows / n

    def sum(self, *values: float) -> list[float]:
        """Each of ``values`` summed over the ranks (float64, exact for counts)."""
        totals = np.array(values, dtype=np.float64)
        wait(all_reduce_array(totals, ReduceOp.SUM, self.group))
        return [float(v) for v in totals]

    def barrier(self) -> None:
        """Wait (sleeping, not spinning) until every rank is here."""
        wait(self.group.comm.Ibarrier())

    @contextmanager
    def own_stream(self) -> Iterator[None]:
        """Within the block, random draws come from a stream of this rank's own, seeded by the shared
        stream's state and the rank; after it the shared stream is exactly as before."""
        shared = get_rng_state()
        inner = shared["state"]
        seed = np.random.SeedSequence([int(inner["state"]), int(inner["inc"]), self.rank])
        set_rng_state(dict(np.random.PCG64(seed).state))
        try:
            yield
        finally:
            set_rng_state(shared)

    def close(self) -> None:
        self.control.Free()
        LEAVING.world = None


class _Leaving:
    world: DataParallel | None = None


LEAVING = _Leaving()


def leave(code: int, together: bool) -> None:
    """Exit this rank at once with ``code`` (a rank that fails or is interrupted; MPI then stops every
    other rank). With ``together`` (Ctrl-C or SIGTERM, which every rank receives), first wait until the
    others get here too, at most ``LEAVE_WAIT`` seconds: an interrupted rank 0 removes its temporary
    files and its lock on the way out, which a rank exiting before it would cut short."""
    world = LEAVING.world
    if together and world is not None:
        request = world.control.Ibarrier()
        deadline = time.monotonic() + LEAVE_WAIT
        while not request.Test() and time.monotonic() < deadline:
            time.sleep(0.01)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@contextmanager
def failing_as_a_rank(command: str) -> Iterator[None]:
    """The block is one rank's work for ``tinygrad-lenet COMMAND --procs N``. Interrupted, every rank
    leaves together (rank 0 first removes its temporary files and lock); an error is one line, after
    which MPI stops every rank (an error every rank meets, such as a bad option, is reported by rank 0:
    the others wait a moment before saying theirs)."""
    try:
        yield
    except KeyboardInterrupt as stop:
        leave(EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED, together=True)
    except (TinygradLenetError, ValueError, OSError) as e:
        rank, size = os.environ.get("RANK", "?"), os.environ.get("WORLD_SIZE", "?")
        if rank != "0":
            time.sleep(1.0)
        where = "" if rank == "0" else f"rank {rank} of {size}: "
        print(f"tinygrad-lenet {command}: error: {where}{one_line(e)}", file=sys.stderr, flush=True)
        leave(1, together=False)


def require_mpi(procs: int) -> None:
    """``procs`` > 1 ranks need mpi4py and an MPI (``tinygrad_lenet.distributed.is_available``, looked up
    at each call): say how to install them if they are missing."""
    if procs > 1 and not distributed.is_available():
        raise ValueError(f"--procs {procs} needs mpi4py and an MPI: pip install mpi4py mpich")


@contextmanager
def data_parallel(procs: int) -> Iterator[DataParallel | None]:
    """The data-parallel world of ``procs`` ranks for the block (None for one process), joined at the
    start and left at the end. ``procs`` > 1 must run under the launcher (``train --procs N`` starts it)."""
    if procs == 1:
        yield None
        return
    require_mpi(procs)
    if os.environ.get("WORLD_SIZE") != str(procs) and not is_initialized():
        raise ValueError(
            f"procs={procs}: a run of {procs} ranks is started by the command, tinygrad-lenet train --procs {procs} "
            "(or under python -m tinygrad_lenet.distributed.run with as many ranks)"
        )
    joined = not is_initialized()
    if joined:
        init_process_group()
    world = DataParallel()
    if world.size != procs:
        raise ValueError(f"procs={procs}, but this process is one of {world.size} ranks")
    yield world  # on an exception the rank exits (``leave``): nothing is taken down
    world.close()
    if joined:
        destroy_process_group()
