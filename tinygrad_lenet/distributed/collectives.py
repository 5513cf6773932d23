"""Collective operations on tensors (``torch.distributed``'s names), run by MPI.

Every call is a nonblocking MPI operation waited for by :func:`wait`: MPI's own wait by default,
or, with ``TINYGRAD_LENET_MPI_WAIT=sleep``, checks that sleep between them after a short spin (for
an MPI whose wait takes a whole core from a busy machine; measured in ``wait``'s docstring).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from .process_group import ProcessGroup, ReduceOp, _group_of

SPIN, SLEEP_FIRST, SLEEP_MOST = 5e-4, 1e-5, 2e-4
"""With ``TINYGRAD_LENET_MPI_WAIT=sleep``: how long a waiting rank checks for completion without pause,
then the first and the longest sleep between two checks, in seconds."""


def wait(request: Any) -> None:
    """Wait for an MPI request: MPI's own ``Wait`` (the default), or with ``TINYGRAD_LENET_MPI_WAIT=sleep``
    checks without pause for ``SPIN`` seconds, then with growing sleeps between them.

    Measured (LeNet-5, 2 ranks x 32 images, MPICH 5.0, 2 cores; docs/distributed.md): MPI's wait 19,580
    img/s quiet and 8,474 with one competing process; the sleeping wait 16,918 and 6,026 (without the
    spin, 12,999 and 6,480). MPICH's wait yields the core well enough; the sleeping one is kept for MPIs
    whose wait spins harder (Open MPI's took 69-86% of a loaded step in an earlier measurement)."""
    if os.environ.get("TINYGRAD_LENET_MPI_WAIT", "mpi") != "sleep":
        request.Wait()
        return
    deadline = time.perf_counter() + SPIN
    while not request.Test():
        if time.perf_counter() > deadline:
            break
    else:
        return
    delay = SLEEP_FIRST
    while not request.Test():
        time.sleep(delay)
        delay = min(2 * delay, SLEEP_MOST)


class Work:
    """What an ``async_op=True`` collective returns (PyTorch's ``Work``): ``wait()`` finishes it."""

    def __init__(self, request: Any, finish: Callable[[], None]) -> None:
        self.request, self.finish, self.done = request, finish, False

    def wait(self, timeout: Any = None) -> bool:
        """Block until the collective is complete and its result written; returns True."""
        if not self.done:
            wait(self.request)
            self.finish()
            self.done = True
        return True

    def is_completed(self) -> bool:
        """True once the collective has finished (finishing it if it just did)."""
        if not self.done and self.request.Test():
            self.finish()
            self.done = True
        return self.done


def _run(request: Any, finish: Callable[[], None], async_op: bool) -> Work | None:
    work = Work(request, finish)
    if async_op:
        return work
    work.wait()
    return None


def _buffer(tensor: Tensor, name: str) -> np.ndarray:
    """The tensor's array if MPI can write into it directly (C-contiguous), else a contiguous copy."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(tensor).__name__}")
    array = tensor._array
    return array if array.flags.c_contiguous and array.flags.writeable else np.ascontiguousarray(array)


def _written(tensor: Tensor, buffer: np.ndarray) -> None:
    """Put ``buffer`` (the result) into the tensor, in place, as an in-place op does."""
    if buffer is not tensor._array:
        tensor._array[...] = buffer
    tensor._version += 1


def _mpi_op(op: ReduceOp) -> Any:
    from mpi4py import MPI

    return {
        ReduceOp.SUM: MPI.SUM,
        ReduceOp.AVG: MPI.SUM,
        ReduceOp.PRODUCT: MPI.PROD,
        ReduceOp.MIN: MPI.MIN,
        ReduceOp.MAX: MPI.MAX,
    }[op]


def all_reduce_array(array: np.ndarray, op: ReduceOp, group: ProcessGroup) -> Any:
    """Start reducing a C-contiguous array in place across the ranks; returns the MPI request
    (``AVG`` is the sum here: the caller divides by the world size)."""
    from mpi4py import MPI

    return group.comm.Iallreduce(MPI.IN_PLACE, array, _mpi_op(op))


def all_reduce(tensor: Tensor, op: ReduceOp = ReduceOp.SUM, group: Any = None, async_op: bool = False) -> Work | None:
    """Combine ``tensor`` across all ranks with ``op``, in place on every rank (SUM, AVG, PRODUCT, MIN, MAX)."""
    if not isinstance(op, ReduceOp):
        raise TypeError(f"all_reduce: op must be a ReduceOp (SUM, AVG, PRODUCT, MIN, MAX), got {op!r}")
    g = _group_of(group)
    buffer = _buffer(tensor, "all_reduce")
    request = all_reduce_array(buffer, op, g)

    def finish() -> None:
        if op is ReduceOp.AVG:
            np.divide(buffer, g.size, out=buffer, casting="unsafe")
        _written(tensor, buffer)

    return _run(request, finish, async_op)


def broadcast(tensor: Tensor, src: int, group: Any = None, async_op: bool = False) -> Work | None:
    """Overwrite ``tensor`` on every rank with rank ``src``'s."""
    g = _group_of(group)
    if not 0 <= src < g.size:
        raise ValueError(f"broadcast: src {src} is not a rank of this world of {g.size}")
    buffer = _buffer(tensor, "broadcast")
    return _run(g.comm.Ibcast(buffer, root=src), lambda: _written(tensor, buffer), async_op)


def all_gather(tensor_list: list[Tensor], tensor: Tensor, group: Any = None, async_op: bool = False) -> Work | None:
    """Fill ``tensor_list[i]`` with rank i's ``tensor`` on every rank (one tensor per rank, of ``tensor``'s
    shape and dtype)."""
    g = _group_of(group)
    if len(tensor_list) != g.size:
        raise ValueError(f"all_gather: tensor_list has {len(tensor_list)} tensors, expected one per rank ({g.size})")
    for i, t in enumerate(tensor_list):
        if t.shape != tensor.shape or t.dtype != tensor.dtype:
            raise ValueError(
                f"all_gather: tensor_list[{i}] is {t.dtype} of shape {t.shape}, expected {tensor.dtype} of "
                f"shape {tensor.shape} (the gathered tensor's)"
            )
    send = np.ascontiguousarray(tensor._array)
    received = np.empty((g.size, *send.shape), dtype=send.dtype)

    def finish() -> None:
        for t, part in zip(tensor_list, received):
            _written(t, part)

    return _run(g.comm.Iallgather(send, received), finish, async_op)


def barrier(group: Any = None, async_op: bool = False, device_ids: Any = None) -> Work | None:
    """Wait until every rank has reached this call."""
    return _run(_group_of(group).comm.Ibarrier(), lambda: None, async_op)
