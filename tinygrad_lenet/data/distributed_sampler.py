"""``torch.utils.data.DistributedSampler``: each rank's share of a dataset's indices, for a ``DataLoader``'s
``sampler=`` in data-parallel training (``nn.parallel.DistributedDataParallel``)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sized

import numpy as np

from ..distributed.process_group import WORLD


def _from_world(what: str) -> int:
    """The process group's rank or world size, or an error saying how to give it."""
    if WORLD.group is None:
        raise RuntimeError(
            f"DistributedSampler: {what} not given and no process group: call "
            "tinygrad_lenet.distributed.init_process_group() first (start the ranks with python -m "
            f"tinygrad_lenet.distributed.run), or pass {what}= explicitly"
        )
    return WORLD.group.rank if what == "rank" else WORLD.group.size


class DistributedSampler:
    """Restrict a ``DataLoader`` to this rank's share of ``dataset`` (PyTorch's class, same rules):
    ``DataLoader(ds, batch_size, sampler=DistributedSampler(ds))``.

    The indices (shuffled when ``shuffle``, by a generator seeded with ``seed + epoch``) are padded
    by repeating them from the start up to a multiple of ``num_replicas`` (or, with ``drop_last``, cut
    to one), and rank ``r`` takes every ``num_replicas``-th from ``r``: every rank gets ``len(self)``
    indices and, together, the ranks cover the dataset once (plus the padding). ``num_replicas`` and
    ``rank`` default to the process group's. Call ``set_epoch(epoch)`` before each epoch for a new
    order; ``seed`` must be the same on every rank.

    The shuffled order is ``numpy.random.default_rng(seed + epoch).permutation``, not
    ``torch.randperm``'s: same sizes, padding and split as PyTorch, a different permutation (with
    ``shuffle=False`` the indices are PyTorch's exactly).
    """

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        num_replicas = _from_world("num_replicas") if num_replicas is None else num_replicas
        rank = _from_world("rank") if rank is None else rank
        if num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be at least 1, got {num_replicas}")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, seed, drop_last, 0
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        order = np.random.default_rng(self.seed + self.epoch).permutation(n) if self.shuffle else np.arange(n)
        if self.drop_last:
            order = order[: self.total_size]
        elif self.total_size > n:
            order = np.resize(order, self.total_size)  # repeats the order from its start
        return iter(order[self.rank : self.total_size : self.num_replicas].tolist())

    def __len__(self) -> int:
        """The number of indices this rank gets in an epoch."""
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch: with ``shuffle``, each epoch has its own order (the same on every rank)."""
        self.epoch = epoch
