"""Tensor methods that move elements: reshape, permute, squeeze, expand, indexing.

Each is a call of a movement op (``tinygrad_lenet.ops.movement``) with its arguments checked
first, so that a wrong shape is reported in the user's terms. Mixed into ``Tensor``; like
:mod:`tensor_math`, it never imports the tensor module.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .dims import normalize_dim, sizes_from
from .errors import ShapeError
from .ops.movement import Expand, GetItem, Permute, Reshape

if TYPE_CHECKING:
    from .tensor import Tensor


class TensorMovement:
    """Shape and indexing methods of a Tensor."""

    __slots__ = ()
    data: np.ndarray

    def reshape(self, *shape: Any) -> "Tensor":
        """The same elements in a new shape; one size may be -1 (inferred)."""
        target = sizes_from(shape)
        known = math.prod(s for s in target if s != -1)
        fits = target.count(-1) <= 1 and (
            known == self._array.size if -1 not in target else known > 0 and self._array.size % known == 0
        )
        if not fits:
            raise ShapeError(f"reshape: cannot view a tensor of shape {self.shape} ({self._array.size} elements) as {target}")
        return Reshape.apply(self, shape=target)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        """Merge dims ``start_dim..end_dim`` into one (``flatten(1)`` keeps the batch dim)."""
        if self.ndim == 0:
            return self.reshape(1)
        start = normalize_dim(start_dim, self.ndim, "flatten")
        end = normalize_dim(end_dim, self.ndim, "flatten")
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        shape = self.shape
        return self.reshape(*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])

    def permute(self, *dims: Any) -> "Tensor":
        """Reorder the dims: ``x.permute(0, 2, 1)``."""
        order = sizes_from(dims)
        axes = tuple(normalize_dim(d, self.ndim, "permute") for d in order)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"permute: {order} is not a permutation of the {self.ndim} dims of shape {self.shape}")
        return Permute.apply(self, dims=axes)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        """Swap two dims."""
        axes = list(range(self.ndim))
        a, b = normalize_dim(dim0, self.ndim, "transpose"), normalize_dim(dim1, self.ndim, "transpose")
        axes[a], axes[b] = axes[b], axes[a]
        return Permute.apply(self, dims=tuple(axes))

    @property
    def T(self) -> "Tensor":
        """All dims reversed (the matrix transpose for 2-D tensors)."""
        return Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def squeeze(self, dim: int | None = None) -> "Tensor":
        """Drop size-1 dims (all of them, or just ``dim`` if it has size 1)."""
        shape = self.shape
        if dim is None:
            return self.reshape(*(s for s in shape if s != 1))
        axis = normalize_dim(dim, self.ndim, "squeeze")
        if self.ndim == 0 or shape[axis] != 1:
            return self.reshape(*shape)
        return self.reshape(*shape[:axis], *shape[axis + 1 :])

    def unsqueeze(self, dim: int) -> "Tensor":
        """Insert a size-1 dim at ``dim`` (in ``[-ndim-1, ndim]``)."""
        axis = normalize_dim(dim, self.ndim + 1, "unsqueeze")
        shape = self.shape
        return self.reshape(*shape[:axis], 1, *shape[axis:])

    def expand(self, *sizes: Any) -> "Tensor":
        """Repeat size-1 dims (and add leading dims) without copying; -1 keeps a size."""
        target = sizes_from(sizes)
        lead = len(target) - self.ndim
        if lead < 0:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to fewer dims {target}")
        resolved = tuple(
            self.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(target)
        )
        ok = all(s >= 0 for s in resolved) and all(
            self.shape[i] in (1, resolved[i + lead]) for i in range(self.ndim)
        )
        if not ok:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to {target}: only size-1 dims can grow")
        return Expand.apply(self, shape=resolved)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return self.expand(*other.shape)

    def __getitem__(self, index: Any) -> "Tensor":
        """numpy indexing: ints, slices, None, ..., integer arrays and boolean masks."""
        idx = self._numpy_index(index)
        try:
            return GetItem.apply(self, index=idx)
        except IndexError as e:
            raise IndexError(f"index {index!r} does not fit a tensor of shape {self.shape}: {e}") from None

    def __iter__(self) -> Any:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

