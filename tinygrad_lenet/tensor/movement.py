"""Tensor methods that move elements: reshape, permute, squeeze, expand, indexing.

Each is a call of a movement op (``tinygrad_lenet.ops.movement``) with its arguments checked
first, so that a wrong shape is reported in the user's terms. Mixed into ``Tensor``; like
:mod:`tensor_math`, it never imports the tensor module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..base.dims import normalize_dim, normalize_dims, sizes_from
from ..base.errors import ShapeError
from ..ops.movement import Clone, Expand, Flip, GetItem, Permute, Reshape
from .base import TensorBase

if TYPE_CHECKING:
    from typing_extensions import Self

    from .tensor import Tensor


def dims_argument(args: tuple[Any, ...], dims: Any, op: str) -> tuple[Any, ...]:
    """The dims of ``x.op(0, 1)``, ``x.op((0, 1))`` or ``x.op(dims=(0, 1))``; not both spellings at once."""
    if dims is None:
        return args
    if args:
        raise TypeError(f"{op}: give the dims either as arguments or as dims=, not both")
    return (dims,)


class TensorMovement(TensorBase):
    """Shape and indexing methods of a Tensor."""

    __slots__ = ()

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape; one size may be -1 (inferred)."""
        target = sizes_from(shape)
        known = math.prod(s for s in target if s != -1)
        fits = target.count(-1) <= 1 and (
            known == self._array.size if -1 not in target else known > 0 and self._array.size % known == 0
        )
        if not fits:
            raise ShapeError(
                f"reshape: cannot view a tensor of shape {self.shape} ({self._array.size} elements) as {target}"
            )
        return Reshape.apply(self, shape=target)

    view = reshape

    def view_as(self, other: Tensor) -> Tensor:
        """``self.reshape(*other.shape)`` (a view whenever numpy can make one)."""
        return self.reshape(*other.shape)

    reshape_as = view_as

    def clone(self, *, memory_format: Any = None) -> Tensor:
        """A copy with its own memory, still in the graph (gradients flow through it); the copy is
        always C-ordered, whatever ``memory_format`` asks."""
        return Clone.apply(self)

    def contiguous(self) -> Tensor | Self:
        """This tensor if its memory is in C order, else a C-ordered copy (``clone``)."""
        return self if self.is_contiguous() else Clone.apply(self)

    def is_contiguous(self) -> bool:
        """True when the elements lie in memory in C (row-major) order, as PyTorch's."""
        return bool(self._array.flags.c_contiguous)

    def flip(self, *args: Any, dims: Any = None) -> Tensor:
        """The elements in reverse order along ``dims``: ``x.flip(0)``, ``x.flip(2, 3)``, ``x.flip(dims=[0])``."""
        axes = normalize_dims(sizes_from(dims_argument(args, dims, "flip")), self.ndim, "flip")
        return Flip.apply(self, dims=axes)

    def t(self) -> Tensor | Self:
        """The transpose of a tensor of at most 2 dims (``x.T`` for any number of dims)."""
        if self.ndim > 2:
            raise ShapeError(
                f"t() expects a tensor of at most 2 dims, got shape {self.shape}; use transpose(dim0, dim1)"
            )
        return self.T if self.ndim == 2 else self

    def repeat(self, *sizes: Any) -> Tensor:
        """Tile the tensor ``sizes[i]`` times along dim i (``torch.Tensor.repeat``, numpy's ``tile``)."""
        counts = sizes_from(sizes)
        if len(counts) < self.ndim:
            raise ShapeError(f"repeat: {len(counts)} sizes for a tensor of {self.ndim} dims; give at least one per dim")
        shape = (1,) * (len(counts) - self.ndim) + self.shape
        spread = self.reshape(*[n for s in shape for n in (1, s)])
        tiled = spread.expand(*[n for c, s in zip(counts, shape) for n in (c, s)])
        return tiled.reshape(*[c * s for c, s in zip(counts, shape)])

    def split(self, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the listed sizes."""
        axis = normalize_dim(dim, self.ndim, "split")
        n = self.shape[axis]
        if isinstance(split_size_or_sections, int):
            if split_size_or_sections < 1:
                raise ValueError(f"split: split_size must be at least 1, got {split_size_or_sections}")
            sizes = [min(split_size_or_sections, n - start) for start in range(0, n, split_size_or_sections)]
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != n:
                raise ShapeError(f"split: sizes {sizes} add up to {sum(sizes)}, but dim {dim} has size {n}")
        pieces, start = [], 0
        for size in sizes:
            index = (slice(None),) * axis + (slice(start, start + size),)
            pieces.append(self[index])
            start += size
        return tuple(pieces)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """``chunks`` pieces of equal size along ``dim`` (the last may be smaller), as ``torch.chunk``."""
        if chunks < 1:
            raise ValueError(f"chunk: chunks must be at least 1, got {chunks}")
        n = self.shape[normalize_dim(dim, self.ndim, "chunk")]
        return self.split(max(1, math.ceil(n / chunks)), dim)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dims ``start_dim..end_dim`` into one (``flatten(1)`` keeps the batch dim)."""
        if self.ndim == 0:
            return self.reshape(1)
        start = normalize_dim(start_dim, self.ndim, "flatten")
        end = normalize_dim(end_dim, self.ndim, "flatten")
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        shape = self.shape
        return self.reshape(*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])

    def permute(self, *args: Any, dims: Any = None) -> Tensor:
        """Reorder the dims: ``x.permute(0, 2, 1)``, ``x.permute(dims=(0, 2, 1))``."""
        order = sizes_from(dims_argument(args, dims, "permute"))
        axes = tuple(normalize_dim(d, self.ndim, "permute") for d in order)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"permute: {order} is not a permutation of the {self.ndim} dims of shape {self.shape}")
        return Permute.apply(self, dims=axes)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dims."""
        axes = list(range(self.ndim))
        a, b = normalize_dim(dim0, self.ndim, "transpose"), normalize_dim(dim1, self.ndim, "transpose")
        if self.ndim == 0:
            return Permute.apply(self, dims=())
        axes[a], axes[b] = axes[b], axes[a]
        return Permute.apply(self, dims=tuple(axes))

    @property
    def T(self) -> Tensor:
        """All dims reversed (the matrix transpose for 2-D tensors)."""
        return Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def squeeze(self, dim: int | Sequence[int] | None = None) -> Tensor:
        """Drop size-1 dims: all of them, or those of ``dim`` (an int or a tuple) that have size 1."""
        shape = self.shape
        axes = set(normalize_dims(dim, self.ndim, "squeeze"))
        return self.reshape(*(s for i, s in enumerate(shape) if not (i in axes and s == 1)))

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a size-1 dim at ``dim`` (in ``[-ndim-1, ndim]``)."""
        axis = normalize_dim(dim, self.ndim + 1, "unsqueeze")
        shape = self.shape
        return self.reshape(*shape[:axis], 1, *shape[axis:])

    def expand(self, *sizes: Any) -> Tensor:
        """Repeat size-1 dims (and add leading dims) without copying; -1 keeps a size."""
        target = sizes_from(sizes)
        lead = len(target) - self.ndim
        if lead < 0:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to fewer dims {target}")
        resolved = tuple(self.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(target))
        ok = all(s >= 0 for s in resolved) and all(self.shape[i] in (1, resolved[i + lead]) for i in range(self.ndim))
        if not ok:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to {target}: only size-1 dims can grow")
        return Expand.apply(self, shape=resolved)

    def expand_as(self, other: Tensor) -> Tensor:
        """``self.expand(*other.shape)``: broadcast to ``other``'s shape without copying."""
        return self.expand(*other.shape)

    def __getitem__(self, index: Any) -> Tensor:
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
