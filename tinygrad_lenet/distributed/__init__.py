"""``torch.distributed`` on MPI: a world of processes, each with a model copy, that combine tensors.

Start the ranks with the launcher, ``python -m tinygrad_lenet.distributed.run --nproc-per-node 2
script.py`` (torchrun's options; ``mpiexec -n 2 python script.py`` works too), then in the script
``init_process_group()``, and wrap the model in ``nn.parallel.DistributedDataParallel``. Without a
launcher a script is a world of one. docs/distributed.md explains it; mpi4py and an MPI
(``pip install mpi4py mpich``) are needed only once a process group is made.
"""

from __future__ import annotations

from .collectives import Work, all_gather, all_reduce, barrier, broadcast
from .process_group import (
    ProcessGroup,
    ReduceOp,
    destroy_process_group,
    get_backend,
    get_rank,
    get_world_size,
    init_process_group,
    is_available,
    is_initialized,
    is_mpi_available,
)

__all__ = [
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_reduce",
    "barrier",
    "broadcast",
    "destroy_process_group",
    "get_backend",
    "get_rank",
    "get_world_size",
    "init_process_group",
    "is_available",
    "is_initialized",
    "is_mpi_available",
]
