"""Reductions, cumulative ops and ordering: sum, mean, var, prod, any/all, max/min, norm, softmax, median, mode,
quantile, sort, argsort, topk, kthvalue, unique, cumsum, cumprod, cummax, logcumsumexp, histograms, ...

The Tensor methods live in :class:`TensorReductions` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``). Values chosen by position
(sort, topk, median, cummax, ...) are gathered by the one primitive ``TakeAlong`` (ops/ordering.py), so their
gradient goes to the chosen elements; integer results (indices, counts) live outside the graph.
"""

from __future__ import annotations

import builtins
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

import numpy as np

from ..base import dtypes
from ..base.dims import normalize_dim, normalize_dims, with_numpy_names
from ..base.errors import EmptyReductionError
from ..ops.cumulative import Cumprod, Cumsum, LogCumSumExp
from ..ops.movement import Cat
from ..ops.ordering import TakeAlong, running_extreme_index, sort_order
from ..ops.reduce import Amax, Prod, Sum
from ..ops.softmax import LogSoftmax, LogSumExp, Softmax
from .base import TensorBase
from .math import Dims, ValuesIndices

if TYPE_CHECKING:
    from .tensor import Tensor


class MinMax(NamedTuple):
    """What ``aminmax`` returns, as ``torch.return_types.aminmax``."""

    min: Tensor
    max: Tensor


def _cast(t: Tensor, dtype: Any) -> Tensor:
    """``t`` in ``dtype`` (the ``dtype=`` argument of reductions), or unchanged when None."""
    return t if dtype is None else t.astype(dtypes.to_dtype(dtype))


def _widen(t: Tensor) -> Tensor:
    """Bool and integer tensors as int64, the dtype PyTorch sums and multiplies them in."""
    return t if t.dtype.kind == "f" else t.astype(np.int64)


def _one_dim(t: Tensor) -> Tensor:
    """A 0-d tensor as shape (1,), so that ops along a dim see one; others unchanged."""
    return t.reshape(1) if t.ndim == 0 else t


def _slice(t: Tensor, axis: int, part: slice) -> Tensor:
    """``t`` restricted to ``part`` along ``axis`` (differentiable)."""
    return t[(slice(None),) * axis + (part,)]


def _pick(t: Tensor, index: np.ndarray, axis: int, keepdim: bool = True) -> ValuesIndices:
    """The elements at ``index`` along ``axis`` (op ``TakeAlong``) and the index, squeezing ``axis`` unless
    ``keepdim`` (``index`` has size 1 along it then)."""
    values = TakeAlong.apply(t, indices=index, axis=axis)
    if not keepdim:
        values, index = values.squeeze(axis), np.squeeze(index, axis)
    return ValuesIndices(values, t._make(index.astype(np.int64)))


def _reduce_picked(t: Tensor, dim: int, keepdim: bool, name: str, position: Any) -> ValuesIndices:
    """Values and indices of one element per slice along ``dim``: ``position(x, axis)`` gives its index with
    ``axis`` kept as size 1. A 0-d input gives 0-d results."""
    x = _one_dim(t)
    axis = normalize_dim(dim, t.ndim, name)
    if x.shape[axis] == 0:
        raise EmptyReductionError(f"{name}() over dim {dim} of size 0 (shape {t.shape}) has no value")
    values, indices = _pick(x, position(x._array, axis), axis, keepdim or t.ndim == 0)
    if t.ndim == 0:
        return ValuesIndices(values.reshape(()), indices.reshape(()))
    return ValuesIndices(values, indices)


def _sorted_position(x: np.ndarray, axis: int, where: Any) -> np.ndarray:
    """The index (along ``axis``, kept as size 1) of the element at sorted position ``where(valid, n)``, where
    ``valid`` counts the non-NaN elements of each slice and ``n`` is the slice length."""
    order = sort_order(x, axis, False)
    valid = (~np.isnan(x)).sum(axis=axis, keepdims=True) if x.dtype.kind == "f" else None
    n = x.shape[axis]
    position = where(np.full_like(order.take([0], axis=axis), n) if valid is None else valid, n)
    return np.take_along_axis(order, position.astype(np.int64), axis)


def _median_position(valid: np.ndarray, n: int) -> np.ndarray:
    """median: the lower middle element, or the first NaN of a slice that holds one."""
    return np.where(valid < n, valid, (n - 1) // 2)


def _nanmedian_position(valid: np.ndarray, n: int) -> np.ndarray:
    """nanmedian: the lower middle of the non-NaN elements (a NaN when all are)."""
    return np.maximum(valid - 1, 0) // 2


def _mode_position(x: np.ndarray, axis: int) -> np.ndarray:
    """The index of the most frequent value of each slice (the smallest of equally frequent ones; its last
    occurrence, as PyTorch)."""
    moved = np.moveaxis(x, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.empty(flat.shape[0], dtype=np.int64)
    for row, values in enumerate(flat):
        uniques, counts = np.unique(values, return_counts=True)
        out[row] = np.flatnonzero(values == uniques[np.argmax(counts)])[-1]
    return np.expand_dims(out.reshape(moved.shape[:-1]), axis)


class TensorReductions(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()

    # --- sums, means, spreads -------------------------------------------------------------------
    def sum(self, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        """The sum over ``dim`` (an int, a tuple, or None for all elements), keeping reduced dimensions as size 1
        when ``keepdim`` (op ``Sum``); bool and integer tensors sum as int64."""
        t = _cast(cast("Tensor", self), dtype)
        return Sum.apply(_widen(t), axes=normalize_dims(dim, t.ndim, "sum"), keepdim=keepdim)

    def nansum(self, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        """The sum over ``dim`` treating NaN as zero (no gradient reaches the NaNs)."""
        t = cast("Tensor", self)
        if t.dtype.kind != "f":
            return t.sum(dim, keepdim, dtype=dtype)
        return t.where(t._make(~np.isnan(t._array)), 0.0).sum(dim, keepdim, dtype=dtype)

    def mean(self, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        """The mean over ``dim`` (all elements when None): the sum times 1/count."""
        t = _cast(cast("Tensor", self), dtype)
        axes = normalize_dims(dim, t.ndim, "mean")
        count = math.prod(t.shape[a] for a in axes)
        return t.sum(axes, keepdim) * (1.0 / count if count else math.nan)

    def nanmean(self, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        """The mean over ``dim`` of the non-NaN elements: nansum / their count."""
        t = _cast(cast("Tensor", self), dtype)
        count = t._make(~np.isnan(t._array)).sum(dim, keepdim)
        return t.nansum(dim, keepdim) / count.astype(t.dtype)

    def var(
        self,
        dim: Dims | bool = None,
        keepdim: bool = False,
        *,
        correction: float | None = None,
        unbiased: bool | None = None,
    ) -> Tensor:
        """Variance: sum((x - mean)^2) / max(n - correction, 0); ``correction`` defaults to 1 (Bessel's),
        ``unbiased=False`` means 0. ``var(True)`` is PyTorch's old spelling ``var(unbiased=True)``."""
        t = cast("Tensor", self)
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        if unbiased is not None:
            correction = int(unbiased)
        axes = normalize_dims(dim, t.ndim, "var")
        count = math.prod(t.shape[a] for a in axes)
        centred = t - t.mean(axes, keepdim=True)
        divisor = builtins.max(count - (1 if correction is None else correction), 0)
        return (centred * centred).sum(axes, keepdim) * (1.0 / divisor if divisor else math.inf)

    def std(
        self,
        dim: Dims | bool = None,
        keepdim: bool = False,
        *,
        correction: float | None = None,
        unbiased: bool | None = None,
    ) -> Tensor:
        """Standard deviation: the square root of ``var`` (with Bessel's correction by default)."""
        return self.var(dim, keepdim, correction=correction, unbiased=unbiased).sqrt()

    def prod(self, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        """The product over ``dim`` (all elements when None; op ``Prod``, exact where x holds zeros)."""
        t = _widen(_cast(cast("Tensor", self), dtype))
        axes = normalize_dims(dim, t.ndim, "prod")
        return Prod.apply(t, axes=axes, keepdim=keepdim)

    def count_nonzero(self, dim: Dims = None) -> Tensor:
        """The number of nonzero elements over ``dim`` (int64, outside the graph)."""
        axes = normalize_dims(dim, self.ndim, "count_nonzero")
        return self._make(np.asarray(np.count_nonzero(self._array, axis=axes)).astype(np.int64))

    def any(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """Whether any element over ``dim`` is true (nonzero): a bool tensor (uint8 for uint8 input)."""
        return self._logical(np.any, dim, keepdim, "any")

    def all(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """Whether every element over ``dim`` is true (nonzero): a bool tensor (uint8 for uint8 input)."""
        return self._logical(np.all, dim, keepdim, "all")

    def _logical(self, fn: Any, dim: Dims, keepdim: bool, name: str) -> Tensor:
        axes = normalize_dims(dim, self.ndim, name)
        out = np.asarray(fn(self._array, axis=axes, keepdims=keepdim))
        return self._make(out.astype(np.uint8) if self.dtype == np.uint8 else out)

    # --- largest and smallest --------------------------------------------------------------------
    def _nonempty_axes(self, dim: Dims, name: str) -> tuple[int, ...]:
        """The axes of a max/min/argmax/argmin over ``dim``, which must hold at least one element."""
        axes = normalize_dims(dim, self.ndim, name)
        empty = [a for a in axes if self.shape[a] == 0]
        if empty or self._array.size == 0 and dim is None:
            if dim is None:
                raise EmptyReductionError(
                    f"{name}() of a tensor with no elements (shape {self.shape}) has no value; "
                    "give dim= to reduce along a dim of non-zero size"
                )
            raise EmptyReductionError(f"{name}() over dim {empty[0]} of size 0 (shape {self.shape}) has no value")
        return axes

    def amax(self, dim: Dims = (), keepdim: bool = False) -> Tensor:
        """Largest value over ``dim`` (all elements for ``()`` or None); the gradient is split evenly among
        tied maxima (op ``Amax``)."""
        dims = None if dim == () else dim
        return Amax.apply(self, axes=self._nonempty_axes(dims, "amax"), keepdim=keepdim)

    def amin(self, dim: Dims = (), keepdim: bool = False) -> Tensor:
        """Smallest value over ``dim``, as ``-amax(-x)``."""
        t = cast("Tensor", self)
        return -(-t).amax(dim, keepdim)

    def aminmax(self, *, dim: int | None = None, keepdim: bool = False) -> MinMax:
        """The pair (amin, amax) over ``dim`` (all elements when None)."""
        dims = () if dim is None else dim
        return MinMax(self.amin(dims, keepdim), self.amax(dims, keepdim))

    def max(self, dim: Any = None, keepdim: bool = False) -> Tensor | ValuesIndices:
        """The largest value; with ``dim``, the pair (values, indices) along it; with a tensor, the elementwise
        ``maximum``, as in PyTorch. The values are ``amax``'s: tied maxima share the gradient evenly (PyTorch
        gives it all to the returned index)."""
        t = cast("Tensor", self)
        if isinstance(dim, TensorBase):
            return t.maximum(dim)
        if dim is None:
            return t.amax()
        return ValuesIndices(t.amax(dim, keepdim), t.argmax(dim, keepdim))

    def min(self, dim: Any = None, keepdim: bool = False) -> Tensor | ValuesIndices:
        """The smallest value; with ``dim``, the pair (values, indices) along it; with a tensor, ``minimum``
        (ties share the gradient, as in ``max``)."""
        t = cast("Tensor", self)
        if isinstance(dim, TensorBase):
            return t.minimum(dim)
        if dim is None:
            return t.amin()
        return ValuesIndices(t.amin(dim, keepdim), t.argmin(dim, keepdim))

    def _arg(self, largest: bool, dim: int | None, keepdim: bool, name: str) -> Tensor:
        if dim is None:
            self._nonempty_axes(None, name)
            out = np.asarray(_argfirst(self._array.reshape(-1), 0, largest))
            return self._make(out.reshape((1,) * self.ndim) if keepdim else out)
        (axis,) = self._nonempty_axes(dim, name) or (0,)
        x = self._array.reshape(1) if self.ndim == 0 else self._array
        out = _argfirst(x, axis, largest)
        if keepdim and self.ndim:
            out = np.expand_dims(out, axis)
        return self._make(np.asarray(out).reshape(()) if self.ndim == 0 else out)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the (first) largest value: over the flattened tensor, or along ``dim`` (NaN counts largest)."""
        return self._arg(True, dim, keepdim, "argmax")

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the (first) smallest value: over the flattened tensor, or along ``dim`` (NaN counts smallest)."""
        return self._arg(False, dim, keepdim, "argmin")

    def logsumexp(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """log(sum(exp(x))) over ``dim``, computed without overflow (op ``LogSumExp``); ints become float32."""
        t = cast("Tensor", self)
        t = t if t.dtype.kind == "f" else t.astype(dtypes.DEFAULT_FLOAT)
        return LogSumExp.apply(t, axes=normalize_dims(dim, t.ndim, "logsumexp"), keepdim=keepdim)

    def softmax(self, dim: int, dtype: Any = None) -> Tensor:
        """e^x / sum(e^x) along ``dim``, computed stably (op ``Softmax``), in ``dtype`` when given."""
        t = _cast(cast("Tensor", self), dtype)
        return Softmax.apply(t, dim=normalize_dim(dim, t.ndim, "softmax"))

    def log_softmax(self, dim: int, dtype: Any = None) -> Tensor:
        """log(softmax(x)) along ``dim``: x - max - log(sum(e^(x - max))), one stable op (``LogSoftmax``)."""
        t = _cast(cast("Tensor", self), dtype)
        return LogSoftmax.apply(t, dim=normalize_dim(dim, t.ndim, "log_softmax"))

    # --- norms ------------------------------------------------------------------------------------
    def norm(self, p: float | str | None = "fro", dim: Dims = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
        """The p-norm over ``dim`` (all elements by default): (sum |x|^p)^(1/p); ``"fro"`` (and None) is p=2,
        inf/-inf the largest/smallest |x|, 0 the count of nonzeros."""
        t = _cast(cast("Tensor", self), dtype)
        if p is None or p == "fro":
            p = 2
        if p == "nuc" or isinstance(p, str):
            raise ValueError(f"norm: p must be a number, 'fro', inf or -inf, got {p!r} (the nuclear norm needs an SVD)")
        if p == 2:
            return (t * t).sum(dim, keepdim).sqrt()
        if p == 1:
            return t.abs().sum(dim, keepdim)
        if p == math.inf:
            return t.abs().amax(() if dim is None else dim, keepdim)
        if p == -math.inf:
            return t.abs().amin(() if dim is None else dim, keepdim)
        if p == 0:  # a count: piecewise constant, so a zero gradient, but in the graph as PyTorch's
            return (t * 0.0).sum(dim, keepdim) + (t != 0).astype(t.dtype).sum(dim, keepdim)
        return (t.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

    def dist(self, other: Any, p: float = 2) -> Tensor:
        """The p-norm of ``self - other`` (broadcast) over all elements."""
        t = cast("Tensor", self)
        return (t - other).norm(p)

    def renorm(self, p: float, dim: int, maxnorm: float) -> Tensor:
        """Each slice along ``dim`` whose p-norm exceeds ``maxnorm`` scaled down to norm ``maxnorm``
        (by maxnorm / (norm + 1e-7), as PyTorch)."""
        t = cast("Tensor", self)
        axis = normalize_dim(dim, t.ndim, "renorm")
        norms = t.norm(p, tuple(a for a in range(t.ndim) if a != axis), keepdim=True)
        factor = (maxnorm / (norms + 1e-7)).where(norms > maxnorm, 1.0)
        return t * factor

    def cov(self, *, correction: float = 1, fweights: Any = None, aweights: Any = None) -> Tensor:
        """The covariance matrix of the variables in the rows (observations in the columns), with optional
        integer frequency weights and float observation weights; 0-d for one variable."""
        return _cov(cast("Tensor", self), correction, fweights, aweights)

    def corrcoef(self) -> Tensor:
        """The Pearson correlation coefficients of the rows, clipped to [-1, 1]."""
        return _corrcoef(cast("Tensor", self))

    # --- ordering ---------------------------------------------------------------------------------
    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesIndices:
        """The values along ``dim`` in order and the permutation that orders them (stable; NaN counts largest);
        the gradient goes back through the permutation."""
        t = cast("Tensor", self)
        x = _one_dim(t)
        axis = normalize_dim(dim, t.ndim, "sort")
        values, indices = _pick(x, sort_order(x._array, axis, descending), axis)
        return ValuesIndices(values.reshape(t.shape), indices.reshape(t.shape))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        """The permutation that sorts the values along ``dim`` (int64)."""
        return self.sort(dim, descending, stable).indices

    def msort(self) -> Tensor:
        """The values sorted along dim 0."""
        return self.sort(0).values

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
        """The ``k`` largest (or smallest) elements along ``dim`` and their indices; the gradient goes to them."""
        t = cast("Tensor", self)
        x = _one_dim(t)
        axis = normalize_dim(dim, t.ndim, "topk")
        n = x.shape[axis]
        if not 0 <= k <= n:
            raise IndexError(f"topk: k={k} is out of range for dim {dim} of size {n}")
        order = sort_order(x._array, axis, largest).take(np.arange(k), axis=axis)
        values, indices = _pick(x, order, axis)
        return ValuesIndices(values.reshape(()), indices.reshape(())) if t.ndim == 0 else ValuesIndices(values, indices)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
        """The ``k``-th smallest element along ``dim`` (k from 1) and its index."""
        n = self.shape[normalize_dim(dim, self.ndim, "kthvalue")] if self.ndim else 1
        if not 1 <= k <= n:
            raise IndexError(f"kthvalue: k={k} is out of range for dim {dim} of size {n} (expected 1 <= k <= {n})")
        position = lambda x, a: _sorted_position(x, a, lambda valid, n: np.full_like(valid, k - 1))  # noqa: E731
        return _reduce_picked(cast("Tensor", self), dim, keepdim, "kthvalue", position)

    def median(self, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
        """The lower median (of all elements, or values and indices along ``dim``); NaN if a slice holds one."""
        return self._middle(dim, keepdim, _median_position, "median")

    def nanmedian(self, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
        """The lower median of the non-NaN elements (of all, or values and indices along ``dim``)."""
        return self._middle(dim, keepdim, _nanmedian_position, "nanmedian")

    def _middle(self, dim: int | None, keepdim: bool, where: Any, name: str) -> Tensor | ValuesIndices:
        t = cast("Tensor", self)
        position = lambda x, a: _sorted_position(x, a, where)  # noqa: E731
        if dim is None:
            if t._array.size == 0:
                return t._make(np.asarray(np.nan, dtype=t.dtype))
            return _reduce_picked(t.reshape(-1), 0, False, name, position).values
        return _reduce_picked(t, dim, keepdim, name, position)

    def mode(self, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
        """The most frequent value along ``dim`` (the smallest of equally frequent ones) and its last index."""
        return _reduce_picked(cast("Tensor", self), dim, keepdim, "mode", _mode_position)

    def quantile(
        self, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear"
    ) -> Tensor:
        """The ``q``-quantiles (q in [0, 1], a number or a 1-D tensor, whose dim comes first) over ``dim``,
        interpolating between the two nearest order statistics; NaN where a slice holds NaN."""
        return _quantile(cast("Tensor", self), q, dim, keepdim, interpolation, ignore_nan=False)

    def nanquantile(
        self, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear"
    ) -> Tensor:
        """``quantile`` of the non-NaN elements."""
        return _quantile(cast("Tensor", self), q, dim, keepdim, interpolation, ignore_nan=True)

    # --- cumulative ---------------------------------------------------------------------------------
    def cumsum(self, dim: int, *, dtype: Any = None) -> Tensor:
        """Running sums along ``dim`` (op ``Cumsum``); bool and integer tensors as int64."""
        t = _widen(_cast(cast("Tensor", self), dtype))
        return Cumsum.apply(_one_dim(t), axis=normalize_dim(dim, t.ndim, "cumsum")).reshape(t.shape)

    def cumprod(self, dim: int, *, dtype: Any = None) -> Tensor:
        """Running products along ``dim`` (op ``Cumprod``, exact gradient where x holds zeros)."""
        t = _widen(_cast(cast("Tensor", self), dtype))
        return Cumprod.apply(_one_dim(t), axis=normalize_dim(dim, t.ndim, "cumprod")).reshape(t.shape)

    def logcumsumexp(self, dim: int) -> Tensor:
        """Running log(sum(exp(x))) along ``dim``, computed stably (op ``LogCumSumExp``)."""
        t = cast("Tensor", self)
        return LogCumSumExp.apply(_one_dim(t), axis=normalize_dim(dim, t.ndim, "logcumsumexp")).reshape(t.shape)

    def cummax(self, dim: int) -> ValuesIndices:
        """Running maximum along ``dim`` and where it was found; the gradient goes to that element."""
        return self._running(dim, True, "cummax")

    def cummin(self, dim: int) -> ValuesIndices:
        """Running minimum along ``dim`` and where it was found."""
        return self._running(dim, False, "cummin")

    def _running(self, dim: int, largest: bool, name: str) -> ValuesIndices:
        t = cast("Tensor", self)
        x = _one_dim(t)
        axis = normalize_dim(dim, t.ndim, name)
        values, indices = _pick(x, running_extreme_index(x._array, axis, largest), axis)
        return ValuesIndices(values.reshape(t.shape), indices.reshape(t.shape))

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        """The ``n``-th forward difference along ``dim``, after joining ``prepend`` and ``append`` (bool: !=)."""
        t = cast("Tensor", self)
        axis = normalize_dim(dim, t.ndim, "diff")
        parts = [p for p in (prepend, t, append) if p is not None]
        if len(parts) > 1 and n > 0:
            t = Cat.apply(*[t._operand(p) for p in parts], dim=axis)
        for _ in range(n):
            if t.shape[axis] == 0:
                break
            later, earlier = _slice(t, axis, slice(1, None)), _slice(t, axis, slice(None, -1))
            t = (later != earlier) if t.dtype == np.bool_ else later - earlier
        return t

    # --- sets and counts (outside the graph) -----------------------------------------------------------
    def unique(
        self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None
    ) -> Tensor | tuple[Tensor, ...]:
        """The distinct values (or slices along ``dim``) in increasing order, with optionally the inverse
        (where each element went) and the counts."""
        axis = None if dim is None else normalize_dim(dim, self.ndim, "unique")
        values, inverse, counts = np.unique(self._array, return_inverse=True, return_counts=True, axis=axis)
        inverse = inverse.reshape(self.shape if axis is None else (-1,))
        return self._set_result(values, inverse, counts, return_inverse, return_counts)

    def unique_consecutive(
        self, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None
    ) -> Tensor | tuple[Tensor, ...]:
        """Each run of equal consecutive values (or slices along ``dim``) collapsed to one."""
        axis = None if dim is None else normalize_dim(dim, self.ndim, "unique_consecutive")
        x = self._array.reshape(-1) if axis is None else np.moveaxis(self._array, axis, 0)
        flat = x.reshape(x.shape[0], math.prod(x.shape[1:]))
        starts = np.ones(x.shape[0], dtype=bool)
        starts[1:] = (flat[1:] != flat[:-1]).any(axis=1)
        run = np.cumsum(starts) - 1
        values = x[starts] if axis is None else np.moveaxis(x[starts], 0, axis)
        counts = np.diff(np.append(np.flatnonzero(starts), x.shape[0]))
        inverse = run.reshape(self.shape) if axis is None else run
        return self._set_result(values, inverse, counts, return_inverse, return_counts)

    def _set_result(
        self, values: np.ndarray, inverse: np.ndarray, counts: np.ndarray, with_inverse: bool, with_counts: bool
    ) -> Tensor | tuple[Tensor, ...]:
        out = [self._make(values)]
        if with_inverse:
            out.append(self._make(inverse.astype(np.int64)))
        if with_counts:
            out.append(self._make(counts.astype(np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def bincount(self, weights: Any = None, minlength: int = 0) -> Tensor:
        """How often each value 0, 1, ... occurs in a 1-D int tensor (summing ``weights`` instead when given)."""
        if self.ndim != 1 or self.dtype.kind not in "iub" or (self._array.size and self._array.min() < 0):
            raise ValueError(f"bincount: expects a 1-D tensor of non-negative ints, got {self.dtype} {self.shape}")
        w = None if weights is None else np.asarray(getattr(weights, "_array", weights))
        out = np.bincount(self._array, weights=w, minlength=minlength)
        if w is not None:
            out = out.astype(w.dtype if w.dtype.kind == "f" else np.float64)
        return self._make(out)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
        """Counts of the elements in ``bins`` equal bins over [min, max] (the data's range when both are 0);
        elements outside are ignored. In the input's dtype."""
        x = self._array.reshape(-1)
        low, high = float(min), float(max)
        if low == high and x.size:
            low, high = float(x.min()), float(x.max())
        if low == high:
            low, high = low - 1, high + 1
        inside = x[(x >= low) & (x <= high)]
        index = np.minimum(((inside - low) * bins / (high - low)).astype(np.int64), bins - 1)
        return self._make(np.bincount(index, minlength=bins).astype(self.dtype))

    def histogram(
        self, bins: Any = 100, *, range: tuple[float, float] | None = None, weight: Any = None, density: bool = False
    ) -> tuple[Tensor, Tensor]:
        """Counts in ``bins`` (a number of equal bins, or their edges), with the bin edges."""
        edges = getattr(bins, "_array", bins)
        w = None if weight is None else weight._array
        hist, edges = np.histogram(self._array, bins=edges, range=range, weights=w, density=density)
        return self._make(hist.astype(self.dtype)), self._make(edges.astype(self.dtype))


def _argfirst(x: np.ndarray, axis: int, largest: bool) -> np.ndarray:
    """The index of the first largest (smallest) element along ``axis``; a NaN wins, as in PyTorch."""
    if x.dtype.kind == "f" and np.isnan(x).any():
        nan = np.isnan(x)
        chosen = np.argmax(nan, axis=axis)
        fallback = np.argmax(x, axis=axis) if largest else np.argmin(x, axis=axis)
        return np.where(nan.any(axis=axis), chosen, fallback)
    return np.argmax(x, axis=axis) if largest else np.argmin(x, axis=axis)


def _quantile(t: Tensor, q: Any, dim: int | None, keepdim: bool, interpolation: str, ignore_nan: bool) -> Tensor:
    """quantile and nanquantile: the order statistics at q (n - 1), interpolated as asked."""
    modes = ("linear", "lower", "higher", "midpoint", "nearest")
    if interpolation not in modes:
        raise ValueError(f"quantile: interpolation must be one of {modes}, got {interpolation!r}")
    qs = np.asarray(getattr(q, "_array", q), dtype=np.float64)
    if qs.ndim > 1 or ((qs < 0) | (qs > 1)).any():
        raise ValueError(f"quantile: q must be a number or a 1-D tensor of values in [0, 1], got {q!r}")
    x = _one_dim(t.reshape(-1) if dim is None else t)
    axis = 0 if dim is None else normalize_dim(dim, t.ndim, "quantile")
    if x.shape[axis] == 0:
        raise EmptyReductionError(f"quantile() of an empty slice (shape {t.shape}) has no value")
    data = x._array
    ordered = _pick(x, sort_order(data, axis, False), axis).values
    nan = np.isnan(data)
    valid = (~nan).sum(axis=axis, keepdims=True)
    count = valid if ignore_nan else np.where(nan.any(axis=axis, keepdims=True), data.shape[axis], valid)
    shape = (-1,) + (1,) * data.ndim
    rank = qs.reshape(shape) * np.maximum(count - 1, 0)[None]  # (len q, ... with axis kept)
    rank = np.where(count[None] > valid[None], data.shape[axis] - 1, rank)  # a NaN slice: pick a NaN
    rank = {"lower": np.floor(rank), "higher": np.ceil(rank), "nearest": np.round(rank)}.get(interpolation, rank)
    low, high = np.floor(rank).astype(np.int64), np.ceil(rank).astype(np.int64)
    weight = 0.5 * (high > low) if interpolation == "midpoint" else rank - low
    lo_v, hi_v = (_gather_q(ordered, _q_along(i, axis), axis) for i in (low, high))
    fraction: Tensor = t._make(_q_along(weight, axis).astype(data.dtype))
    if interpolation == "linear" and isinstance(q, TensorBase) and q.ndim == 1:  # differentiable in q too
        q_along = cast("Tensor", q).reshape((1,) * axis + (-1,) + (1,) * (data.ndim - axis - 1))
        fraction = q_along * t._make(np.maximum(count - 1, 0).astype(data.dtype)) - t._make(_q_along(low, axis))
    out = lo_v + (hi_v - lo_v) * fraction
    out = out.permute(axis, *[a for a in range(data.ndim) if a != axis])  # the q dim first
    reduced = () if dim is None else t.shape[:axis] + t.shape[axis + 1 :]
    if keepdim:
        reduced = (1,) * t.ndim if dim is None else t.shape[:axis] + (1,) * (t.ndim > 0) + t.shape[axis + 1 :]
    out = out.reshape(out.shape[:1] + reduced)
    return out.reshape(out.shape[1:]) if qs.ndim == 0 else out


def _q_along(a: np.ndarray, axis: int) -> np.ndarray:
    """An array of shape (len q, ... with ``axis`` of size 1) as one with the q values along ``axis``."""
    return np.squeeze(np.moveaxis(a, 0, axis), axis + 1)


def _gather_q(ordered: Tensor, index: np.ndarray, axis: int) -> Tensor:
    """The sorted values at ``index`` (one per q along ``axis``)."""
    return TakeAlong.apply(ordered, indices=np.broadcast_to(index, _q_shape(ordered.shape, index, axis)), axis=axis)


def _q_shape(shape: tuple[int, ...], index: np.ndarray, axis: int) -> tuple[int, ...]:
    return shape[:axis] + (index.shape[axis],) + shape[axis + 1 :]


# --- torch.* functions ---------------------------------------------------------------------------------------
def nansum(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``input.nansum(dim, keepdim)``: the sum treating NaN as zero."""
    return input.nansum(dim, keepdim, dtype=dtype)


def nanmean(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``input.nanmean(dim, keepdim)``: the mean of the non-NaN elements."""
    return input.nanmean(dim, keepdim, dtype=dtype)


def var_mean(
    input: Tensor,
    dim: Dims | bool = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    unbiased: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """``(input.var(...), input.mean(...))`` over the same dims."""
    variance = input.var(dim, keepdim, correction=correction, unbiased=unbiased)
    return variance, input.mean(None if isinstance(dim, bool) else dim, keepdim)


def std_mean(
    input: Tensor,
    dim: Dims | bool = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    unbiased: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """``(input.std(...), input.mean(...))`` over the same dims."""
    deviation = input.std(dim, keepdim, correction=correction, unbiased=unbiased)
    return deviation, input.mean(None if isinstance(dim, bool) else dim, keepdim)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``input.prod(dim, keepdim)``: the product over ``dim`` (all elements when None)."""
    return input.prod(dim, keepdim, dtype=dtype)


def count_nonzero(input: Tensor, dim: Dims = None) -> Tensor:
    """``input.count_nonzero(dim)``: the number of nonzero elements."""
    return input.count_nonzero(dim)


def any(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """``input.any(dim, keepdim)``: whether any element is true."""
    return input.any(dim, keepdim)


def all(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """``input.all(dim, keepdim)``: whether every element is true."""
    return input.all(dim, keepdim)


def amax(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """``input.amax(dim, keepdim)``: the largest value over ``dim``."""
    return input.amax(dim, keepdim)


def amin(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """``input.amin(dim, keepdim)``: the smallest value over ``dim``."""
    return input.amin(dim, keepdim)


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> MinMax:
    """``input.aminmax(dim=, keepdim=)``: (min, max) over ``dim``."""
    return input.aminmax(dim=dim, keepdim=keepdim)


def logsumexp(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """``input.logsumexp(dim, keepdim)``: log(sum(exp(x))) computed without overflow."""
    return input.logsumexp(dim, keepdim)


def norm(
    input: Tensor, p: float | str | None = "fro", dim: Dims = None, keepdim: bool = False, dtype: Any = None
) -> Tensor:
    """``input.norm(p, dim, keepdim)``: the p-norm over ``dim``."""
    return input.norm(p, dim, keepdim, dtype)


def dist(input: Tensor, other: Any, p: float = 2) -> Tensor:
    """``input.dist(other, p)``: the p-norm of the difference."""
    return input.dist(other, p)


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """``input.renorm(p, dim, maxnorm)``: slices along ``dim`` scaled to norm at most ``maxnorm``."""
    return input.renorm(p, dim, maxnorm)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesIndices:
    """``input.sort(dim, descending)``: the sorted values and their indices."""
    return input.sort(dim, descending, stable)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """``input.argsort(dim, descending)``: the sorting permutation."""
    return input.argsort(dim, descending, stable)


def msort(input: Tensor) -> Tensor:
    """``input.msort()``: sorted along dim 0."""
    return input.msort()


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """``input.kthvalue(k, dim, keepdim)``: the k-th smallest value and its index."""
    return input.kthvalue(k, dim, keepdim)


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """``input.median(dim, keepdim)``: the lower median."""
    return input.median(dim, keepdim)


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """``input.nanmedian(dim, keepdim)``: the lower median of the non-NaN elements."""
    return input.nanmedian(dim, keepdim)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """``input.mode(dim, keepdim)``: the most frequent value and its index."""
    return input.mode(dim, keepdim)


def quantile(
    input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear"
) -> Tensor:
    """``input.quantile(q, dim, keepdim)``: the q-quantiles."""
    return input.quantile(q, dim, keepdim, interpolation=interpolation)


def nanquantile(
    input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear"
) -> Tensor:
    """``input.nanquantile(q, dim, keepdim)``: the q-quantiles of the non-NaN elements."""
    return input.nanquantile(q, dim, keepdim, interpolation=interpolation)


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """``input.cumsum(dim)``: running sums."""
    return input.cumsum(dim, dtype=dtype)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """``input.cumprod(dim)``: running products."""
    return input.cumprod(dim, dtype=dtype)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``input.logcumsumexp(dim)``: running log(sum(exp(x)))."""
    return input.logcumsumexp(dim)


def cummax(input: Tensor, dim: int) -> ValuesIndices:
    """``input.cummax(dim)``: running maximum and its index."""
    return input.cummax(dim)


def cummin(input: Tensor, dim: int) -> ValuesIndices:
    """``input.cummin(dim)``: running minimum and its index."""
    return input.cummin(dim)


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """``input.diff(n, dim, prepend, append)``: the n-th forward difference."""
    return input.diff(n, dim, prepend, append)


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Tensor | tuple[Tensor, ...]:
    """``input.unique(...)``: the distinct values."""
    return input.unique(sorted, return_inverse, return_counts, dim)


def unique_consecutive(
    input: Tensor, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None
) -> Tensor | tuple[Tensor, ...]:
    """``input.unique_consecutive(...)``: runs of equal values collapsed."""
    return input.unique_consecutive(return_inverse, return_counts, dim)


def bincount(input: Tensor, weights: Any = None, minlength: int = 0) -> Tensor:
    """``input.bincount(weights, minlength)``: occurrences of each non-negative int."""
    return input.bincount(weights, minlength)


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """``input.histc(bins, min, max)``: counts in equal bins."""
    return input.histc(bins, min, max)


def histogram(
    input: Tensor,
    bins: Any = 100,
    *,
    range: tuple[float, float] | None = None,
    weight: Any = None,
    density: bool = False,
) -> tuple[Tensor, Tensor]:
    """``input.histogram(bins, ...)``: counts and bin edges."""
    return input.histogram(bins, range=range, weight=weight, density=density)


def histogramdd(
    input: Tensor,
    bins: Any = 10,
    *,
    range: Sequence[float] | None = None,
    weight: Any = None,
    density: bool = False,
) -> tuple[Tensor, list[Tensor]]:
    """Counts of the points in the rows of ``input`` (shape (n, d)) in a d-dimensional grid of bins (a number
    per dim, or each dim's edges), with each dim's bin edges; ``range`` is (low, high) per dim, flattened.
    A point counts in a bin when edge_i <= x < edge_{i+1} (the last bin includes its right edge)."""
    x = input._array.reshape(-1, input.shape[-1]) if input.ndim else input._array.reshape(1, 1)
    d = x.shape[1]
    per_dim = list(bins) if isinstance(bins, (list, tuple)) else [bins] * d
    edges = [_edges(x[:, i], b, None if range is None else range[2 * i : 2 * i + 2]) for i, b in enumerate(per_dim)]
    inside = np.ones(x.shape[0], dtype=bool)
    cells = []
    for column, e in zip(x.T, edges):
        inside &= (column >= e[0]) & (column <= e[-1])
        cells.append(np.clip(np.searchsorted(e, column, side="right") - 1, 0, builtins.max(len(e) - 2, 0)))
    w = np.ones(x.shape[0]) if weight is None else weight._array.reshape(-1)
    hist = np.zeros(tuple(builtins.max(len(e) - 1, 0) for e in edges))
    np.add.at(hist, tuple(c[inside] for c in cells), w[inside])
    if density:
        volume = np.ones(hist.shape)
        for i, e in enumerate(edges):
            volume = volume * np.diff(e).reshape((-1,) + (1,) * (d - 1 - i))
        hist = hist / hist.sum() / volume
    return input._make(hist.astype(input.dtype)), [input._make(e.astype(input.dtype)) for e in edges]


def _edges(column: np.ndarray, bins: Any, limits: Sequence[float] | None) -> np.ndarray:
    """One dim's bin edges: given, or ``bins`` equal bins over ``limits`` (the data's range by default)."""
    if not isinstance(bins, (int, np.integer)):
        return np.asarray(getattr(bins, "_array", bins), dtype=np.float64)
    low, high = (float(column.min()), float(column.max())) if column.size else (0.0, 1.0)
    if limits is not None:
        low, high = float(limits[0]), float(limits[1])
    if low == high:  # as numpy: a unit-wide range around a single value
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, int(bins) + 1)


def searchsorted(
    sorted_sequence: Tensor,
    input: Any,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Any = None,
) -> Tensor:
    """Where each value of ``input`` would go in ``sorted_sequence`` (its last dim; the leading dims batch) to
    keep it sorted: before equal values, or after them when ``right`` (or ``side="right"``)."""
    if side is not None and side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    side_: Literal["left", "right"] = "right" if right or side == "right" else "left"
    seq = sorted_sequence._array
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._array, axis=-1)
    values = np.asarray(getattr(input, "_array", input))
    if seq.ndim <= 1:
        out = np.searchsorted(seq, values, side=side_)
    else:
        if values.shape[:-1] != seq.shape[:-1]:
            raise ValueError(f"searchsorted: leading dims of {seq.shape} and {values.shape} must agree")
        batches = int(np.prod(seq.shape[:-1]))  # reshape(-1, n) cannot infer the rows of an empty (0, 0) input
        rows = [
            np.searchsorted(s, v, side=side_)
            for s, v in zip(seq.reshape(batches, seq.shape[-1]), values.reshape(batches, values.shape[-1]))
        ]
        out = np.stack(rows).reshape(values.shape) if rows else np.zeros(values.shape, dtype=np.int64)
    return sorted_sequence._make(np.asarray(out).astype(np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each value of ``input`` among the 1-D sorted ``boundaries`` (``searchsorted`` with
    PyTorch's ``right`` meaning: boundaries[i-1] < x <= boundaries[i], or <= x < with ``right``)."""
    if boundaries.ndim != 1:
        raise ValueError(f"bucketize: boundaries must be 1-D, got shape {boundaries.shape}")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _spacing(y: Tensor, x: Any, dx: float | None, axis: int) -> Tensor | float:
    """The widths between neighbouring samples along ``axis``: diff(x) (x 1-D or shaped like y), or dx."""
    if x is None:
        return 1.0 if dx is None else dx
    xt = y._operand(x)
    if xt.ndim == 1:
        widths = xt.diff()
        return widths.reshape((-1,) + (1,) * (y.ndim - 1 - axis))
    return xt.diff(dim=axis - y.ndim)


def trapezoid(y: Tensor, x: Any = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """The trapezoid rule along ``dim``: sum of (y_i + y_{i+1}) / 2 times the spacing (``x`` or ``dx``)."""
    axis = normalize_dim(dim, y.ndim, "trapezoid")
    mids = (_slice(y, axis, slice(1, None)) + _slice(y, axis, slice(None, -1))) * 0.5
    return (mids * _spacing(y, x, dx, axis)).sum(axis)


def trapz(y: Tensor, x: Any = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """``torch.trapz``, the older name of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Any = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """The running trapezoid rule along ``dim`` (one element fewer than ``y`` along it)."""
    axis = normalize_dim(dim, y.ndim, "cumulative_trapezoid")
    mids = (_slice(y, axis, slice(1, None)) + _slice(y, axis, slice(None, -1))) * 0.5
    return (mids * _spacing(y, x, dx, axis)).cumsum(axis)


def cov(input: Tensor, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Tensor:
    """``input.cov(correction=, fweights=, aweights=)``: the covariance matrix of the rows."""
    return input.cov(correction=correction, fweights=fweights, aweights=aweights)


def corrcoef(input: Tensor) -> Tensor:
    """``input.corrcoef()``: the correlation coefficients of the rows."""
    return input.corrcoef()


def _cov(input: Tensor, correction: float, fweights: Any, aweights: Any) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (observations in the columns), with
    optional integer frequency weights and float observation weights; 0-d for one variable."""
    if input.ndim > 2:
        raise ValueError(f"cov: expects a 1-D or 2-D tensor, got shape {input.shape}")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    x = x if x.dtype.kind == "f" else x.astype(dtypes.DEFAULT_FLOAT)
    n = x.shape[1]
    w: Tensor | None = None  # the weights in their own dtype, as PyTorch computes them
    for given in (fweights, aweights):
        if given is not None:
            w = x._operand(given) if w is None else w * given
    total = x._make(np.asarray(n, dtype=np.int64)) if w is None else w.sum()
    mean = x.mean(1, keepdim=True) if w is None else (x * w).sum(1, keepdim=True) / total
    if w is None or aweights is None or correction == 0:
        divisor = total - correction
    else:
        divisor = total - (w * aweights).sum() * correction / total
    centred = x - mean
    weighted = centred if w is None else centred * w
    out = (weighted @ centred.T) / divisor.where(divisor > 0, 0)
    return out.reshape(()) if x.shape[0] == 1 else out


def _corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows of ``input``: cov / sqrt(var_i var_j), clipped to [-1, 1]."""
    c = _cov(input, 1, None, None)
    if c.ndim == 0:
        return c / c
    spread = c[np.arange(c.shape[0]), np.arange(c.shape[0])].sqrt()
    return (c / spread.reshape(-1, 1) / spread.reshape(1, -1)).clamp(-1.0, 1.0)


def gradient(
    input: Tensor, *, spacing: Any = 1, dim: int | Sequence[int] | None = None, edge_order: int = 1
) -> tuple[Tensor, ...]:
    """The derivative estimate along each of ``dim`` (all by default) by central differences inside and
    one-sided ones (first or second order) at the ends, with uniform ``spacing`` or sample coordinates."""
    axes = normalize_dims(dim, input.ndim, "gradient")
    spacings = spacing if isinstance(spacing, (list, tuple)) else [spacing] * len(axes)
    if len(spacings) != len(axes):
        raise ValueError(f"gradient: give one spacing per dim ({len(axes)}), got {len(spacings)}")
    if builtins.any(input.shape[a] < edge_order + 1 for a in axes) or edge_order not in (1, 2):
        raise ValueError(
            f"gradient: edge_order must be 1 or 2 and each dim at least edge_order + 1 long, got {input.shape}"
        )
    return tuple(_gradient_along(input, a, 1.0 if s is None else s, edge_order) for a, s in zip(axes, spacings))


def _gradient_along(y: Tensor, axis: int, spacing: Any, edge_order: int) -> Tensor:
    """numpy's gradient formulas along one axis, composed of slices (differentiable)."""
    n = y.shape[axis]
    coords = getattr(spacing, "_array", None)
    h = np.diff(coords) if coords is not None else np.full(n - 1, float(spacing))
    shape = (-1,) + (1,) * (y.ndim - 1 - axis)

    def at(part: slice) -> Tensor:
        return _slice(y, axis, part)

    def const(v: np.ndarray) -> Tensor:
        return y._make(np.asarray(v, dtype=y.dtype).reshape(shape))

    h0, h1 = h[:-1], h[1:]
    interior = (
        at(slice(2, None)) * const(h0 / (h1 * (h0 + h1)))
        + at(slice(1, -1)) * const((h1 - h0) / (h0 * h1))
        - at(slice(None, -2)) * const(h1 / (h0 * (h0 + h1)))
    )
    if edge_order == 1:
        first = (at(slice(1, 2)) - at(slice(0, 1))) / float(h[0])
        last = (at(slice(n - 1, n)) - at(slice(n - 2, n - 1))) / float(h[-1])
    else:
        a, b = float(h[0]), float(h[1])
        first = (
            at(slice(0, 1)) * (-(2 * a + b) / (a * (a + b)))
            + at(slice(1, 2)) * ((a + b) / (a * b))
            - at(slice(2, 3)) * (a / (b * (a + b)))
        )
        a, b = float(h[-2]), float(h[-1])
        last = (
            at(slice(n - 3, n - 2)) * (b / (a * (a + b)))
            - at(slice(n - 2, n - 1)) * ((a + b) / (a * b))
            + at(slice(n - 1, n)) * ((2 * b + a) / (b * (a + b)))
        )
    return Cat.apply(first, interior, last, dim=axis)


__all__: list[str] = [
    "MinMax",
    "all",
    "amax",
    "amin",
    "aminmax",
    "any",
    "argsort",
    "bincount",
    "bucketize",
    "corrcoef",
    "count_nonzero",
    "cov",
    "cummax",
    "cummin",
    "cumprod",
    "cumsum",
    "cumulative_trapezoid",
    "diff",
    "dist",
    "gradient",
    "histc",
    "histogram",
    "histogramdd",
    "kthvalue",
    "logcumsumexp",
    "logsumexp",
    "median",
    "mode",
    "msort",
    "nanmean",
    "nanmedian",
    "nanquantile",
    "nansum",
    "norm",
    "prod",
    "quantile",
    "renorm",
    "searchsorted",
    "sort",
    "std_mean",
    "trapezoid",
    "trapz",
    "unique",
    "unique_consecutive",
    "var_mean",
]

# axis= / keepdims= as PyTorch's argument parser takes them, for every method and function of the family with a dim
with_numpy_names(TensorReductions, [name for name in vars(TensorReductions) if not name.startswith("_")])
with_numpy_names(sys.modules[__name__], __all__)
