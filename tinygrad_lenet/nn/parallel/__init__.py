"""``torch.nn.parallel``: ``DistributedDataParallel`` on the MPI process group of
:mod:`tinygrad_lenet.distributed` (docs/distributed.md)."""

from __future__ import annotations

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
