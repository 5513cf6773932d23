"""Datasets: anything with ``len`` and ``[i]``; array-backed ones also hand out whole batches.

``get_batch(indices)`` is how the DataLoader reads: array-backed datasets answer it with one
fancy-indexing operation per array (no Python loop over samples); any other dataset falls back
to one ``__getitem__`` per sample.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..base.random import Generator, rng_of
from ..tensor.tensor import Tensor

Transform = Callable[[np.ndarray], np.ndarray]


class Dataset:
    """Base class: define ``__len__`` and ``__getitem__`` returning a tuple (input, target, ...)."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> tuple[Any, ...]:
        raise NotImplementedError

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """The samples at ``indices``, each field stacked into one array."""
        samples = [self[int(i)] for i in indices]
        return tuple(np.stack([np.asarray(s[k]) for s in samples]) for k in range(len(samples[0])))


class TensorDataset(Dataset):
    """Samples are the rows of equally long arrays: ``TensorDataset(images, labels)``.

    ``transform``, if given, is applied to the first array (the inputs) of every batch read.
    """

    def __init__(self, *arrays: np.ndarray | Tensor, transform: Transform | None = None) -> None:
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(a._array if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        lengths = {len(a) for a in self.arrays}
        if len(lengths) != 1:
            raise ValueError(f"TensorDataset: all arrays need the same length, got {[len(a) for a in self.arrays]}")
        self.transform = transform

    def __len__(self) -> int:
        return len(self.arrays[0])

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        first, *rest = (a[indices] for a in self.arrays)
        if self.transform is not None:
            first = self.transform(first)
        return (first, *rest)

    @property
    def tensors(self) -> tuple[Tensor, ...]:
        """The arrays as tensors (``torch.utils.data.TensorDataset.tensors``)."""
        return tuple(Tensor(a) for a in self.arrays)

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        """Sample ``index`` as a tuple of tensors; a slice or an index array gives stacked samples."""
        if isinstance(index, (int, np.integer)):
            if not -len(self) <= index < len(self):
                raise IndexError(f"index {index} is out of range for a dataset of {len(self)} samples")
            return tuple(Tensor(a[0]) for a in self.get_batch(np.array([index % len(self)])))
        indices = np.arange(len(self))[index._array if isinstance(index, Tensor) else index]
        return tuple(Tensor(a) for a in self.get_batch(indices))


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset, self.indices = dataset, np.asarray(indices, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> tuple[Any, ...]:
        return self.dataset[int(self.indices[index])]

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        return self.dataset.get_batch(self.indices[indices])


def random_split(
    dataset: Dataset, lengths: Sequence[int | float], generator: Generator | None = None, seed: int | None = None
) -> list[Subset]:
    """Split into non-overlapping random subsets of the given sizes (ints, or fractions summing to 1).

    The same ``seed`` (or a ``tl.Generator`` seeded alike) gives the same split; without one,
    the package generator is used (``manual_seed`` fixes it).
    """
    n = len(dataset)
    if all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0):
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):  # hand out the remainder one by one, as PyTorch
            sizes[i % len(sizes)] += 1
    else:
        sizes = [int(x) for x in lengths]
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise ValueError(
            f"random_split: lengths {list(lengths)} must be sizes summing to {n}, or fractions summing to 1"
        )
    rng = np.random.default_rng(seed) if seed is not None else rng_of(generator)
    order = rng.permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
