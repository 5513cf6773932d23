"""The process group: which process this is, how many there are, and the MPI communicator they share.

``init_process_group`` joins the processes an MPI launcher started (``python -m
tinygrad_lenet.distributed.run``, or ``mpiexec`` directly): MPI says each process's rank and the
world size; torchrun's environment variables (``RANK``, ``WORLD_SIZE``), where set, must agree.
Run without a launcher, a script is a world of one, as PyTorch's scripts expect when ``RANK`` is
unset. mpi4py is imported on first use only: ``import tinygrad_lenet.distributed`` needs no MPI.
"""

from __future__ import annotations

import enum
import importlib.util
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

BACKENDS = ("mpi", "gloo", "nccl")
"""Backend names accepted by ``init_process_group``; all run on MPI here (``gloo`` and ``nccl`` are what
PyTorch scripts ask for: there is no GPU, so nothing else would differ)."""


class ReduceOp(enum.Enum):
    """How ``all_reduce`` combines the ranks' tensors (``torch.distributed.ReduceOp``)."""

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"


@dataclass
class ProcessGroup:
    """The world: an MPI communicator (a duplicate of COMM_WORLD, so our messages never mix with the
    script's own mpi4py calls), this process's rank and the number of ranks."""

    comm: Any
    rank: int
    size: int
    backend: str


class _World:
    group: ProcessGroup | None = None


WORLD = _World()


def is_available() -> bool:
    """True when mpi4py is installed (``pip install mpi4py mpich``, or ``tinygrad_lenet[distributed]``)."""
    return importlib.util.find_spec("mpi4py") is not None


def is_mpi_available() -> bool:
    """``torch.distributed.is_mpi_available``: the same as ``is_available`` here."""
    return is_available()


def is_initialized() -> bool:
    """True between ``init_process_group`` and ``destroy_process_group``."""
    return WORLD.group is not None


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"init_process_group: environment variable {name}={value!r} is not an integer") from None


def init_process_group(
    backend: str | None = None,
    init_method: str | None = None,
    timeout: timedelta | None = None,
    world_size: int = -1,
    rank: int = -1,
    store: Any = None,
    group_name: str = "",
    pg_options: Any = None,
    device_id: Any = None,
) -> None:
    """Join the MPI world (``torch.distributed.init_process_group``).

    ``backend`` is ``"mpi"`` (the default), or ``"gloo"``/``"nccl"`` as PyTorch scripts write it: all use
    MPI. ``world_size`` and ``rank``, when given, and the ``RANK``/``WORLD_SIZE`` environment variables, when
    set, must match what MPI says; ``init_method``, ``store`` and ``timeout`` are accepted and unused (MPI's
    launcher already connected the processes)."""
    if WORLD.group is not None:
        raise RuntimeError("init_process_group: the default process group is already initialized")
    name = (backend or "mpi").lower()
    if name not in BACKENDS:
        raise ValueError(f"init_process_group: unknown backend {backend!r}; choose one of {list(BACKENDS)}")
    if not is_available():
        raise RuntimeError(
            "init_process_group: mpi4py is not installed; pip install mpi4py mpich (or tinygrad_lenet[distributed])"
        )
    from mpi4py import MPI

    comm = MPI.COMM_WORLD.Dup()
    actual_rank, actual_size = comm.Get_rank(), comm.Get_size()
    for what, asked in (
        ("rank", rank if rank >= 0 else _env_int("RANK")),
        ("world_size", world_size if world_size >= 0 else _env_int("WORLD_SIZE")),
    ):
        have = actual_rank if what == "rank" else actual_size
        if asked is not None and asked != have:
            comm.Free()
            raise RuntimeError(
                f"init_process_group: {what} {asked} was asked for (argument or environment), but MPI started this "
                f"process as rank {actual_rank} of {actual_size}: start the ranks with "
                "python -m tinygrad_lenet.distributed.run --nproc-per-node N script.py"
            )
    WORLD.group = ProcessGroup(comm, actual_rank, actual_size, name)


def group() -> ProcessGroup:
    """The initialised world, or the error PyTorch gives when there is none."""
    if WORLD.group is None:
        raise RuntimeError(
            "Default process group has not been initialized, please make sure to call init_process_group."
        )
    return WORLD.group


def destroy_process_group(group: Any = None) -> None:
    """Leave the world (``torch.distributed.destroy_process_group``); a no-op when not initialised."""
    if WORLD.group is not None:
        WORLD.group.comm.Free()
        WORLD.group = None


def get_rank(group: Any = None) -> int:
    """This process's rank, 0 .. world size - 1."""
    return _group_of(group).rank


def get_world_size(group: Any = None) -> int:
    """The number of processes in the world."""
    return _group_of(group).size


def get_backend(group: Any = None) -> str:
    """The backend name given to ``init_process_group`` (every one runs on MPI)."""
    return _group_of(group).backend


def _group_of(given: Any) -> ProcessGroup:
    if given is not None and not isinstance(given, ProcessGroup):
        raise TypeError(f"expected the default group (None) or a ProcessGroup, got {type(given).__name__}")
    return given or group()
