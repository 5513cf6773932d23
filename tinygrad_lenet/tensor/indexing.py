"""Indexing by tensors of indices and masks: gather, scatter and scatter_add/reduce,
index_select/add/copy/fill/put, take, masked_fill/select/scatter, nonzero.

The Tensor methods live in :class:`TensorIndexing` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``). Each method checks its
index arguments, turns them into the flat positions of the elements read or written (``ops/indexing.py``)
and applies ``Take`` (reading) or ``Put`` (writing, with a reduction).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..base.dims import normalize_dim
from ..base.errors import DTypeError, ShapeError
from ..ops.indexing import Put, Take, along_dim, positions, strided
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor

SCATTER_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_SCATTER_REDUCE_NAMES = {"add": "sum", "multiply": "prod"}


def _indices(index: Any, op: str, name: str = "index") -> np.ndarray:
    """An index argument (a tensor or an array-like of ints) as an int64 array; bool and float are refused."""
    array = index._array if isinstance(index, TensorBase) else np.asarray(index)
    if array.dtype.kind not in "iu":
        raise DTypeError(f"{op}: {name} must be a tensor of integers, got {array.dtype}")
    return array.astype(np.int64, copy=False)


def _in_range(index: np.ndarray, n: int, op: str, wrap: bool = False) -> np.ndarray:
    """``index`` checked against a dim of size ``n``: in [0, n), or in [-n, n) and wrapped with ``wrap``."""
    low = -n if wrap else 0
    bad = index[(index < low) | (index >= n)]
    if bad.size:
        raise IndexError(f"{op}: index {int(bad.flat[0])} is out of range for a dim of size {n}")
    return index % max(n, 1) if wrap else index


def _mask(mask: Any, op: str) -> np.ndarray:
    array = mask._array if isinstance(mask, TensorBase) else np.asarray(mask)
    if array.dtype != np.bool_:
        raise DTypeError(f"{op}: the mask must be a bool tensor, got {array.dtype}")
    return array


def _fits(source: TensorBase, shape: tuple[int, ...], op: str) -> None:
    """Raise unless ``source`` broadcasts to the ``shape`` of the places it is written to."""
    try:
        fits = np.broadcast_shapes(source.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: source of shape {source.shape} does not fit the {shape} places it is written to")


class TensorIndexing(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()

    # --- helpers ---------------------------------------------------------------------------------------
    def _value(self, value: Any, op: str) -> TensorBase:
        """A tensor written into this one: kept as given (same dtype required) or a number in this dtype."""
        if isinstance(value, TensorBase):
            if value.dtype != self.dtype:
                raise DTypeError(f"{op}: the source must have the dtype of self, {self.dtype}, got {value.dtype}")
            return value
        return self._make(np.asarray(value, dtype=self.dtype))

    def _put(self, lin: np.ndarray, src: TensorBase, reduce: str = "none", include_self: bool = True) -> Tensor:
        return Put.apply(self, src, lin=lin, reduce=reduce, include_self=include_self)

    def _along(self, dim: int, index: Any, op: str, src: Any = None) -> np.ndarray:
        """gather/scatter's checks (index of self's ndim, no larger than self or src) and positions."""
        axis = normalize_dim(dim, self.ndim, op)
        idx = _indices(index, op)
        if idx.size == 0:  # an empty index reads and writes nothing, whatever its shape (as PyTorch)
            return idx
        if max(idx.ndim, 1) != max(self.ndim, 1):
            raise ShapeError(f"{op}: index has {idx.ndim} dims, self {self.ndim}; they must agree")
        limits = [self.shape[d] if d != axis else math.inf for d in range(self.ndim)]
        if isinstance(src, TensorBase):
            limits = [min(n, s) for n, s in zip(limits, src.shape)] if src.ndim else limits
        if any(n > limit for n, limit in zip(idx.shape, limits)):
            raise ShapeError(f"{op}: index of shape {idx.shape} is larger than self {self.shape} outside dim {dim}")
        _in_range(idx, self.shape[axis] if self.ndim else 1, op)
        return along_dim(self.shape, axis, idx)

    def _in_dim(self, dim: int, index: Any, op: str) -> np.ndarray:
        """index_select/add/copy/fill's positions: whole slices of ``dim`` at the (1-D) ``index``."""
        axis = normalize_dim(dim, self.ndim, op)
        idx = _indices(index, op)
        if idx.ndim > 1:
            raise ShapeError(f"{op}: index must have at most 1 dim, got shape {idx.shape}")
        idx = _in_range(idx.reshape(-1), self.shape[axis] if self.ndim else 1, op)
        lin = np.take(positions(self.shape or (1,)), idx, axis=axis)
        return lin if self.ndim else lin.reshape(())

    # --- gather and scatter ----------------------------------------------------------------------------
    def gather(self, dim: int, index: Any, *, sparse_grad: bool = False) -> Tensor:
        """``out[i][j] = self[i][index[i][j]]`` (for ``dim=1``); the gradient is a scatter-add."""
        return Take.apply(self, lin=self._along(dim, index, "gather"))

    def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None, *, reduce: str | None = None) -> Tensor:
        """A copy with ``out[i][index[i][j]] = src[i][j]`` (for ``dim=1``); ``src`` may be a number (``value``);
        ``reduce='add'``/``'multiply'`` combines instead of assigning."""
        given = src if src is not None else value
        if given is None:
            raise TypeError("scatter: give src (a tensor) or value (a number)")
        if reduce is not None and reduce not in _SCATTER_REDUCE_NAMES:
            raise ValueError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
        lin = self._along(dim, index, "scatter", given)
        source = self._leading(self._value(given, "scatter"), lin.shape)
        return self._put(lin, source, _SCATTER_REDUCE_NAMES.get(reduce or "", "none"))

    def _leading(self, src: TensorBase, shape: tuple[int, ...]) -> TensorBase:
        """The leading ``shape`` part of ``src`` (scatter reads only that much of it)."""
        if src.ndim == 0 or src.shape == shape:
            return src
        return src[tuple(slice(0, n) for n in shape)]

    def scatter_add(self, dim: int, index: Any, src: Any) -> Tensor:
        """A copy with ``out[i][index[i][j]] += src[i][j]`` (for ``dim=1``)."""
        return self.scatter_reduce(dim, index, src, "sum")

    def scatter_reduce(self, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Tensor:
        """A copy with the ``src`` values sent to each place by ``index`` combined by ``reduce``
        (sum, prod, mean, amax, amin), together with the place's own value when ``include_self``."""
        if reduce not in SCATTER_REDUCTIONS:
            raise ValueError(f"scatter_reduce: reduce must be one of {SCATTER_REDUCTIONS}, got {reduce!r}")
        lin = self._along(dim, index, "scatter_reduce", src)
        return self._put(lin, self._leading(self._value(src, "scatter_reduce"), lin.shape), reduce, include_self)

    # --- index_* along one dim -------------------------------------------------------------------------
    def index_select(self, dim: int, index: Any) -> Tensor:
        """The slices of ``dim`` at the positions of the 1-D ``index``, in its order."""
        return Take.apply(self, lin=self._in_dim(dim, index, "index_select"))

    def _index_write(self, op: str, dim: int, index: Any, source: Any, reduce: str, include_self: bool) -> Tensor:
        lin = self._in_dim(dim, index, op)
        src = self._value(source, op)
        _fits(src, lin.shape, op)
        return self._put(lin, src, reduce, include_self)

    def index_add(self, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Tensor:
        """A copy with ``alpha * source[k]`` added to the slice ``index[k]`` of ``dim``."""
        src = cast("Tensor", self._value(source, "index_add"))
        return self._index_write("index_add", dim, index, src if alpha == 1 else src * alpha, "sum", True)

    def index_copy(self, dim: int, index: Any, source: Any) -> Tensor:
        """A copy with the slice ``index[k]`` of ``dim`` replaced by ``source[k]``."""
        return self._index_write("index_copy", dim, index, source, "none", True)

    def index_fill(self, dim: int, index: Any, value: Any) -> Tensor:
        """A copy with the slices of ``dim`` at ``index`` set to ``value`` (a number or a 0-d tensor)."""
        src = value.astype(self.dtype) if isinstance(value, TensorBase) else value
        return self._index_write("index_fill", dim, index, src, "none", True)

    def index_reduce(self, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True) -> Tensor:
        """A copy with ``source[k]`` combined into the slice ``index[k]`` of ``dim`` by ``reduce``
        (prod, mean, amax, amin)."""
        if reduce not in SCATTER_REDUCTIONS[1:]:
            raise ValueError(f"index_reduce: reduce must be one of {SCATTER_REDUCTIONS[1:]}, got {reduce!r}")
        return self._index_write("index_reduce", dim, index, source, reduce, include_self)

    def index_put(self, indices: Sequence[Any], values: Any, accumulate: bool = False) -> Tensor:
        """A copy with ``out[indices] = values`` (numpy's advanced indexing), or ``+=`` with ``accumulate``."""
        idx = tuple(i._array if isinstance(i, TensorBase) else i for i in indices)
        try:
            lin = positions(self.shape)[idx]
        except IndexError as e:
            raise IndexError(f"index_put: the indices do not fit a tensor of shape {self.shape}: {e}") from None
        src = self._value(values, "index_put")
        _fits(src, lin.shape, "index_put")
        return self._put(lin, src, "sum" if accumulate else "none")

    # --- flat positions --------------------------------------------------------------------------------
    def take(self, index: Any) -> Tensor:
        """The elements at flat (row-major) positions ``index`` (negative from the end), in its shape."""
        lin = _in_range(_indices(index, "take"), self._array.size, "take", wrap=True)
        return Take.apply(self, lin=lin)

    def put(self, index: Any, source: Any, accumulate: bool = False) -> Tensor:
        """A copy with the elements at flat positions ``index`` set to (or, with ``accumulate``, increased
        by) the elements of ``source``, taken in order."""
        lin = _in_range(_indices(index, "put"), self._array.size, "put", wrap=True)
        src = self._value(source, "put")
        if src._array.size != lin.size:
            raise ShapeError(f"put: source has {src._array.size} elements for {lin.size} indices")
        return self._put(lin, cast("Tensor", src).reshape(*lin.shape), "sum" if accumulate else "none")

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        """``gather`` whose index and self broadcast against each other outside ``dim``; with no ``dim``,
        ``take`` of the flattened tensor."""
        idx = _indices(indices, "take_along_dim", "indices")
        if dim is None:
            return self.take(idx.reshape(-1))
        axis = normalize_dim(dim, self.ndim, "take_along_dim")
        if idx.ndim != self.ndim:
            raise ShapeError(f"take_along_dim: indices have {idx.ndim} dims, self {self.ndim}; they must agree")
        n = self.shape[axis]
        outer = np.broadcast_shapes(
            self.shape[:axis] + (1,) + self.shape[axis + 1 :], idx.shape[:axis] + (1,) + idx.shape[axis + 1 :]
        )
        pos = np.broadcast_to(positions(self.shape), outer[:axis] + (n,) + outer[axis + 1 :])
        idx = np.broadcast_to(
            _in_range(idx, n, "take_along_dim", wrap=True), outer[:axis] + (idx.shape[axis],) + outer[axis + 1 :]
        )
        return Take.apply(self, lin=np.take_along_axis(pos, idx, axis=axis))

    def as_strided(self, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
        """The elements at ``storage_offset + sum_d i_d * stride_d`` of the row-major order, in shape ``size``
        (a copy: numpy views into the storage are never made)."""
        return Take.apply(self, lin=self._strided(size, stride, storage_offset, "as_strided"))

    def _strided(self, size: Sequence[int], stride: Sequence[int], offset: int | None, op: str) -> np.ndarray:
        shape, steps = tuple(int(s) for s in size), tuple(int(s) for s in stride)
        if len(shape) != len(steps) or min(shape, default=0) < 0 or min(steps, default=0) < 0:
            raise ValueError(f"{op}: size {shape} and stride {steps} must be as long as each other and not negative")
        lin = strided(shape, steps, int(offset or 0))
        if lin.size and (lin.min() < 0 or lin.max() >= self._array.size):
            raise IndexError(
                f"{op}: the view reaches position {int(lin.max())}, outside the {self._array.size} elements"
            )
        return lin

    # --- masks -----------------------------------------------------------------------------------------
    def masked_select(self, mask: Any) -> Tensor:
        """The elements where ``mask`` (broadcast with self) is True, as a 1-D tensor in row-major order."""
        m = _mask(mask, "masked_select")
        shape = np.broadcast_shapes(self.shape, m.shape)
        return Take.apply(self, lin=np.broadcast_to(positions(self.shape), shape)[np.broadcast_to(m, shape)])

    def masked_scatter(self, mask: Any, source: Any) -> Tensor:
        """A copy whose elements where ``mask`` is True are the first elements of ``source``, in order."""
        m = _mask(mask, "masked_scatter")
        t = cast("Tensor", self)
        shape = np.broadcast_shapes(self.shape, m.shape)
        lin = positions(shape)[np.broadcast_to(m, shape)]
        src = self._value(source, "masked_scatter")
        if src._array.size < lin.size:
            raise ShapeError(f"masked_scatter: source has {src._array.size} elements for {lin.size} True places")
        t = t.expand(*shape) if t.shape != shape else t
        return t._put(lin, Take.apply(src, lin=np.arange(lin.size)))

    def nonzero(self, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
        """The indices of the nonzero elements: one row each (shape (n, ndim)), or one tensor per dim."""
        rows = np.argwhere(self._array).astype(np.int64)
        if not as_tuple:
            return self._make(rows)
        if self.ndim == 0:  # PyTorch treats a 0-d tensor as one element of a 1-d one
            return (self._make(np.zeros(len(rows), dtype=np.int64)),)
        return tuple(self._make(np.ascontiguousarray(c)) for c in rows.T)

    def argwhere(self) -> Tensor:
        """The indices of the nonzero elements, one row each (``nonzero()``)."""
        return self._make(np.argwhere(self._array).astype(np.int64))

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> Tensor:
        """``nonzero()`` with exactly ``size`` rows: cut, or padded with ``fill_value``."""
        rows = np.argwhere(self._array).astype(np.int64)[:size]
        pad = np.full((size - len(rows), self.ndim), fill_value, dtype=np.int64)
        return self._make(np.concatenate([rows, pad]))

    # --- slices ----------------------------------------------------------------------------------------
    def _slice(self, dim: int, part: Any, op: str) -> tuple[Any, ...]:
        return (slice(None),) * normalize_dim(dim, self.ndim, op) + (part,)

    def select(self, dim: int, index: int) -> Tensor:
        """The slice at ``index`` of ``dim`` (which it removes): ``x.select(1, 0)`` is ``x[:, 0]``."""
        n = self.shape[normalize_dim(dim, self.ndim, "select")]
        return self[self._slice(dim, int(_in_range(np.asarray(index), n, "select", wrap=True)), "select")]

    def narrow(self, dim: int, start: Any, length: int) -> Tensor:
        """``length`` elements of ``dim`` from ``start`` (negative from the end; may be a 0-d tensor)."""
        n = self.shape[normalize_dim(dim, self.ndim, "narrow")]
        first = int(start._array) if isinstance(start, TensorBase) else int(start)
        first = first + n if first < 0 else first
        if not (0 <= first <= n and 0 <= length and first + length <= n):
            raise IndexError(f"narrow: start {start} and length {length} do not fit dim {dim} of size {n}")
        return self[self._slice(dim, slice(first, first + length), "narrow")]

    def narrow_copy(self, dim: int, start: Any, length: int) -> Tensor:
        """``narrow`` as a copy."""
        return self.narrow(dim, start, length).clone()

    def _scatter_into(self, lin: np.ndarray, src: Any, op: str) -> Tensor:
        value = self._value(src, op)
        if value.shape != lin.shape:
            raise ShapeError(f"{op}: src has shape {value.shape}, the places written have shape {lin.shape}")
        return self._put(lin, value)

    def select_scatter(self, src: Any, dim: int, index: int) -> Tensor:
        """A copy with ``self.select(dim, index)`` replaced by ``src``."""
        n = self.shape[normalize_dim(dim, self.ndim, "select_scatter")]
        part = int(_in_range(np.asarray(index), n, "select_scatter", wrap=True))
        return self._scatter_into(
            positions(self.shape)[self._slice(dim, part, "select_scatter")], src, "select_scatter"
        )

    def slice_scatter(
        self, src: Any, dim: int = 0, start: int | None = None, end: int | None = None, step: int = 1
    ) -> Tensor:
        """A copy with the slice ``start:end:step`` of ``dim`` replaced by ``src``."""
        part = self._slice(dim, slice(start, end, step), "slice_scatter")
        return self._scatter_into(positions(self.shape)[part], src, "slice_scatter")

    def diagonal_scatter(self, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """A copy with the diagonal of dims ``dim1``, ``dim2`` (``offset`` above the main one) replaced by ``src``."""
        a, b = normalize_dim(dim1, self.ndim, "diagonal_scatter"), normalize_dim(dim2, self.ndim, "diagonal_scatter")
        lin = np.diagonal(positions(self.shape), offset, a, b)
        return self._scatter_into(lin, src, "diagonal_scatter")

    def as_strided_scatter(
        self, src: Any, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
    ) -> Tensor:
        """A copy with the elements ``as_strided(size, stride, storage_offset)`` reads replaced by ``src``."""
        lin = self._strided(size, stride, storage_offset, "as_strided_scatter")
        return self._scatter_into(lin, src, "as_strided_scatter")


# --- the torch.* spellings -----------------------------------------------------------------------------------
def gather(input: Tensor, dim: int, index: Any, *, sparse_grad: bool = False) -> Tensor:
    """``input.gather(dim, index)``."""
    return input.gather(dim, index)


def scatter(
    input: Tensor, dim: int, index: Any, src: Any = None, value: Any = None, *, reduce: str | None = None
) -> Tensor:
    """``input.scatter(dim, index, src)``."""
    return input.scatter(dim, index, src, value, reduce=reduce)


def scatter_add(input: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """``input.scatter_add(dim, index, src)``."""
    return input.scatter_add(dim, index, src)


def scatter_reduce(input: Tensor, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Tensor:
    """``input.scatter_reduce(dim, index, src, reduce, include_self=...)``."""
    return input.scatter_reduce(dim, index, src, reduce, include_self=include_self)


def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """``input.index_select(dim, index)``."""
    return input.index_select(dim, index)


def index_add(input: Tensor, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Tensor:
    """``input.index_add(dim, index, source, alpha=...)``."""
    return input.index_add(dim, index, source, alpha=alpha)


def index_copy(input: Tensor, dim: int, index: Any, source: Any) -> Tensor:
    """``input.index_copy(dim, index, source)``."""
    return input.index_copy(dim, index, source)


def index_fill(input: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """``input.index_fill(dim, index, value)``."""
    return input.index_fill(dim, index, value)


def index_reduce(input: Tensor, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True) -> Tensor:
    """``input.index_reduce(dim, index, source, reduce, include_self=...)``."""
    return input.index_reduce(dim, index, source, reduce, include_self=include_self)


def index_put(input: Tensor, indices: Sequence[Any], values: Any, accumulate: bool = False) -> Tensor:
    """``input.index_put(indices, values, accumulate)``."""
    return input.index_put(indices, values, accumulate)


def take(input: Tensor, index: Any) -> Tensor:
    """``input.take(index)``."""
    return input.take(index)


def put(input: Tensor, index: Any, source: Any, accumulate: bool = False) -> Tensor:
    """``input.put(index, source, accumulate)``."""
    return input.put(index, source, accumulate)


def take_along_dim(input: Tensor, indices: Any, dim: int | None = None) -> Tensor:
    """``input.take_along_dim(indices, dim)``."""
    return input.take_along_dim(indices, dim)


def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:
    """``input.masked_fill(mask, value)``."""
    return input.masked_fill(mask, value)


def masked_select(input: Tensor, mask: Any) -> Tensor:
    """``input.masked_select(mask)``."""
    return input.masked_select(mask)


def masked_scatter(input: Tensor, mask: Any, source: Any) -> Tensor:
    """``input.masked_scatter(mask, source)``."""
    return input.masked_scatter(mask, source)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """``input.nonzero(as_tuple=...)``."""
    return input.nonzero(as_tuple=as_tuple)


def argwhere(input: Tensor) -> Tensor:
    """``input.argwhere()``."""
    return input.argwhere()


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``input.nonzero_static(size=..., fill_value=...)``."""
    return input.nonzero_static(size=size, fill_value=fill_value)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """``input.select(dim, index)``."""
    return input.select(dim, index)


def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """``input.narrow(dim, start, length)``."""
    return input.narrow(dim, start, length)


def narrow_copy(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """``input.narrow_copy(dim, start, length)``."""
    return input.narrow_copy(dim, start, length)


def select_scatter(input: Tensor, src: Any, dim: int, index: int) -> Tensor:
    """``input.select_scatter(src, dim, index)``."""
    return input.select_scatter(src, dim, index)


def slice_scatter(
    input: Tensor, src: Any, dim: int = 0, start: int | None = None, end: int | None = None, step: int = 1
) -> Tensor:
    """``input.slice_scatter(src, dim, start, end, step)``."""
    return input.slice_scatter(src, dim, start, end, step)


def diagonal_scatter(input: Tensor, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``input.diagonal_scatter(src, offset, dim1, dim2)``."""
    return input.diagonal_scatter(src, offset, dim1, dim2)


def as_strided(input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
    """``input.as_strided(size, stride, storage_offset)`` (a copy, see the method)."""
    return input.as_strided(size, stride, storage_offset)


as_strided_copy = as_strided


def as_strided_scatter(
    input: Tensor, src: Any, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
) -> Tensor:
    """``input.as_strided_scatter(src, size, stride, storage_offset)``."""
    return input.as_strided_scatter(src, size, stride, storage_offset)


def fill(input: Tensor, value: Any) -> Tensor:
    """A tensor like ``input`` with every element ``value`` (a number or a 0-d tensor, which gets the gradient)."""
    filled = value.astype(input.dtype) if isinstance(value, TensorBase) else np.asarray(value, dtype=input.dtype)
    return input.where(input._make(np.zeros(input.shape, dtype=bool)), filled)


def zero_(input: Tensor) -> Tensor:
    """``input.zero_()``: every element set to 0, in place."""
    return input.zero_()


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """A bool tensor shaped like ``elements``: True where the element is among ``test_elements`` (flipped by
    ``invert``)."""
    like = elements if isinstance(elements, TensorBase) else test_elements
    if not isinstance(like, TensorBase):
        raise TypeError("isin: elements or test_elements must be a tensor")
    values = [t._array if isinstance(t, TensorBase) else np.asarray(t) for t in (elements, test_elements)]
    return like._make(np.isin(values[0], values[1], assume_unique=assume_unique, invert=invert))


def unravel_index(indices: Any, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """The coordinates in a tensor of ``shape`` of the flat (row-major) positions ``indices``, one tensor per dim."""
    if not isinstance(indices, TensorBase):
        raise TypeError(f"unravel_index: indices must be a tensor, got {type(indices).__name__}")
    flat = _indices(indices, "unravel_index", "indices")
    dims = (shape,) if isinstance(shape, int) else tuple(int(n) for n in shape)
    if any(n < 0 for n in dims):
        raise ValueError(f"unravel_index: the sizes of shape must not be negative, got {dims}")
    _in_range(flat, math.prod(dims), "unravel_index")
    coords = []
    for n in reversed(dims):
        coords.append(flat % n)
        flat = flat // n
    return tuple(indices._make(np.asarray(c, dtype=np.int64)) for c in reversed(coords))


__all__: list[str] = [
    "argwhere",
    "as_strided",
    "as_strided_copy",
    "as_strided_scatter",
    "diagonal_scatter",
    "fill",
    "gather",
    "index_add",
    "index_copy",
    "index_fill",
    "index_put",
    "index_reduce",
    "index_select",
    "isin",
    "masked_fill",
    "masked_scatter",
    "masked_select",
    "narrow",
    "narrow_copy",
    "nonzero",
    "nonzero_static",
    "put",
    "scatter",
    "scatter_add",
    "scatter_reduce",
    "select",
    "select_scatter",
    "slice_scatter",
    "take",
    "take_along_dim",
    "unravel_index",
    "zero_",
]
