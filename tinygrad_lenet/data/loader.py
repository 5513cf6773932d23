"""DataLoader: batches of Tensors from a dataset, shuffled afresh every epoch or in a sampler's order."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

import numpy as np

from ..base.random import Generator, rng_of
from ..tensor.tensor import Tensor
from .dataset import Dataset, Transform
from .transforms import ToFloat


def _length(sampler: object, name: str) -> int:
    if not isinstance(sampler, Sized):
        raise TypeError(f"DataLoader: len() needs a {name} with a length, got {type(sampler).__name__}")
    return len(sampler)


class DataLoader:
    """Iterate over ``dataset`` in batches: ``for images, labels in DataLoader(ds, 64, shuffle=True)``.

    Inputs come out as float32 Tensors (uint8 images are scaled to [0, 1] unless ``transform``
    already made them float), integer targets as int64 Tensors. With ``shuffle`` the order is a
    new permutation every epoch, drawn from ``generator`` (a ``tl.Generator``), a generator seeded
    by ``seed``, or the package generator (which ``manual_seed`` fixes), so runs are reproducible.
    ``transform`` is applied to each batch of inputs, e.g. augmentation for training only.

    ``sampler`` (any iterable of indices with a length, e.g. a ``DistributedSampler``) sets the order
    of an epoch instead of ``shuffle``; ``batch_sampler`` (an iterable of lists of indices) sets the
    batches themselves, instead of ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``.

    The signature is PyTorch's: ``num_workers``, ``pin_memory``, ``persistent_workers``,
    ``timeout``, ``prefetch_factor`` and ``worker_init_fn`` are accepted and change nothing here
    (batches are read in the calling thread, vectorized); ``collate_fn`` receives the list of
    samples of a batch, read one by one.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool | None = False,
        sampler: Iterable[int] | None = None,
        batch_sampler: Iterable[Iterable[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Any = None,
        *,
        generator: Generator | None = None,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        seed: int | None = None,
        transform: Transform | None = None,
    ) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
            )
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, bool(shuffle), drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.transform, self.collate_fn = transform, collate_fn
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self.generator = generator

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        if self.batch_sampler is not None:
            return _length(self.batch_sampler, "batch_sampler")
        return self._batches_of(_length(self.sampler, "sampler") if self.sampler is not None else len(self.dataset))

    def _batches_of(self, n: int) -> int:
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        if self.batch_sampler is not None:
            for indices in self.batch_sampler:
                yield self.batch(np.asarray(list(indices), dtype=np.int64))
            return
        if self.sampler is not None:
            order = np.asarray(list(self.sampler), dtype=np.int64)
        elif self.shuffle:
            order = (self._rng or rng_of(self.generator)).permutation(len(self.dataset))
        else:
            order = np.arange(len(self.dataset))
        for start in range(0, self._batches_of(len(order)) * self.batch_size, self.batch_size):
            yield self.batch(order[start : start + self.batch_size])

    def batch(self, indices: np.ndarray) -> tuple[Tensor, ...]:
        """The samples at ``indices`` of the dataset, transformed and collated as in an epoch."""
        if self.collate_fn is not None:
            return self.collate_fn([self.dataset[int(i)] for i in indices])
        return self._collate(self.dataset.get_batch(indices))

    def _collate(self, fields: tuple[np.ndarray, ...]) -> tuple[Tensor, ...]:
        inputs, *targets = fields
        if self.transform is not None:
            inputs = self.transform(inputs)
        inputs = np.asarray(inputs)
        if inputs.dtype == np.uint8:
            inputs = ToFloat()(inputs)
        elif inputs.dtype.kind != "f":
            inputs = inputs.astype(np.float32)
        out = [Tensor(inputs)]
        for t in targets:
            t = np.asarray(t)
            out.append(Tensor(t.astype(np.int64) if t.dtype.kind in "iu" else t))
        return tuple(out)
