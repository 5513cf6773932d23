"""Tensor methods that compute: operators, elementwise functions, matmul and reductions.

Each method is a thin call of a primitive op (``tinygrad_lenet.ops``) or a short composition of
them; the backward rules live with the ops. Mixed into :class:`tinygrad_lenet.Tensor`, whose
``_operands`` turns the other operand into a tensor and whose ``_make`` wraps computed arrays:
this module never imports the tensor module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np

from ..base.dims import normalize_dim, normalize_dims
from ..base.dtypes import DEFAULT_FLOAT
from ..base.errors import DTypeError, EmptyReductionError, ShapeError
from ..ops.binary import ClampMax, ClampMin
from ..ops.elementwise import (
    Abs,
    Add,
    Clip,
    Exp,
    Log,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    Relu,
    Sigmoid,
    Sqrt,
    Sub,
    Tanh,
    Where,
)
from ..ops.matmul import Matmul
from ..ops.reduce import Amax, Sum
from ..ops.softmax import LogSoftmax, LogSumExp, Softmax
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor

Dims = int | Sequence[int] | None


class ValuesIndices(NamedTuple):
    """What ``max(dim)`` and ``min(dim)`` return, as ``torch.return_types.max`` does."""

    values: Tensor
    indices: Tensor


class TensorMath(TensorBase):
    """Arithmetic, elementwise functions, comparisons, matmul and reductions of a Tensor."""

    __slots__ = ()

    # --- operators --------------------------------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        """Elementwise self + other, broadcasting (op ``Add``)."""
        return Add.apply(*self._operands(other))

    def __radd__(self, other: Any) -> Tensor:
        return Add.apply(*self._operands(other)[::-1])

    def __sub__(self, other: Any) -> Tensor:
        """Elementwise self - other, broadcasting (op ``Sub``)."""
        return Sub.apply(*self._operands(other))

    def __rsub__(self, other: Any) -> Tensor:
        return Sub.apply(*self._operands(other)[::-1])

    def __mul__(self, other: Any) -> Tensor:
        """Elementwise self * other, broadcasting (op ``Mul``)."""
        return Mul.apply(*self._operands(other))

    def __rmul__(self, other: Any) -> Tensor:
        return Mul.apply(*self._operands(other)[::-1])

    def __truediv__(self, other: Any) -> Tensor:
        """Elementwise self / other, broadcasting (op ``Div``); integers divide to the default float."""
        return cast("Tensor", self).div(other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._operand(other).div(self)

    def __floordiv__(self, other: Any) -> Tensor:
        """Elementwise self / other rounded down (``div(other, rounding_mode="floor")``)."""
        return cast("Tensor", self).div(other, rounding_mode="floor")

    def __rfloordiv__(self, other: Any) -> Tensor:
        return self._operand(other).div(self, rounding_mode="floor")

    def __mod__(self, other: Any) -> Tensor:
        """Elementwise remainder of self / other rounded down, with the sign of other (``remainder``)."""
        return cast("Tensor", self).remainder(other)

    def __rmod__(self, other: Any) -> Tensor:
        return self._operand(other).remainder(self)

    def __pow__(self, exponent: Any) -> Tensor:
        """Elementwise self ** exponent (op ``Pow``; the exponent may be a tensor)."""
        return Pow.apply(*self._operands(exponent))

    def __rpow__(self, base: Any) -> Tensor:
        return Pow.apply(*self._operands(base)[::-1])

    def __neg__(self) -> Tensor:
        """Elementwise -self (op ``Neg``)."""
        return Neg.apply(self)

    def __matmul__(self, other: Any) -> Tensor:
        """The matrix product self @ other, batched and broadcast as numpy's ``matmul`` (op ``Matmul``)."""
        return Matmul.apply(*self._operands(other))

    def __rmatmul__(self, other: Any) -> Tensor:
        return Matmul.apply(*self._operands(other)[::-1])

    neg, matmul = __neg__, __matmul__  # add, sub, mul, div and pow, with PyTorch's keywords, are in binary.py

    # --- comparisons: bool tensors, outside the graph ----------------------------------------
    def _compare(self, other: Any, op: Any, name: str) -> Tensor:
        other_t = self._operand(other)
        try:
            result = op(self._array, other_t._array)
        except ValueError:
            raise ShapeError(f"{name}: shapes {self.shape} and {other_t.shape} cannot be broadcast together") from None
        return self._make(np.asarray(result))

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]  # elementwise: a bool tensor, as in torch
        return self._compare(other, np.equal, "eq")

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]  # elementwise: a bool tensor, as in torch
        return self._compare(other, np.not_equal, "ne")

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less, "lt")

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal, "le")

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater, "gt")

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal, "ge")

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def any(self) -> Tensor:
        """Whether any element is true (nonzero), as a 0-d boolean tensor."""
        return self._make(np.asarray(self._array.any()))

    def all(self) -> Tensor:
        """Whether every element is true (nonzero), as a 0-d boolean tensor."""
        return self._make(np.asarray(self._array.all()))

    # --- elementwise functions ----------------------------------------------------------------
    def exp(self) -> Tensor:
        """Elementwise e^x (op ``Exp``); an integer or bool tensor is made float32 first, as in PyTorch."""
        return Exp.apply(self if self.dtype.kind == "f" else self.astype("float32"))

    def log(self) -> Tensor:
        """Elementwise natural logarithm (op ``Log``; its gradient is 1/x); integers are made float32 first."""
        return Log.apply(self if self.dtype.kind == "f" else self.astype("float32"))

    def sqrt(self) -> Tensor:
        """Elementwise square root (op ``Sqrt``); an integer or bool tensor is made float32 first."""
        return Sqrt.apply(self if self.dtype.kind == "f" else self.astype("float32"))

    def abs(self) -> Tensor:
        """Elementwise |x| (op ``Abs``; its gradient is sign(x)); refused for booleans, as in PyTorch."""
        if self.dtype.kind == "b":
            raise DTypeError("abs: expected a numeric tensor, got bool")
        return Abs.apply(self)

    def relu(self) -> Tensor:
        """Elementwise max(x, 0) (op ``Relu``)."""
        return Relu.apply(self)

    def sigmoid(self) -> Tensor:
        """Elementwise 1 / (1 + e^-x) (op ``Sigmoid``); an integer or bool tensor is made float32 first."""
        return Sigmoid.apply(self if self.dtype.kind == "f" else self.astype("float32"))

    def tanh(self) -> Tensor:
        """Elementwise hyperbolic tangent (op ``Tanh``); an integer or bool tensor is made float32 first."""
        return Tanh.apply(self if self.dtype.kind == "f" else self.astype("float32"))

    def maximum(self, other: Any) -> Tensor:
        """The elementwise larger of self and other (op ``Maximum``; ties share the gradient)."""
        return Maximum.apply(*self._operands(other))

    def minimum(self, other: Any) -> Tensor:
        """The elementwise smaller of self and other (op ``Minimum``; ties share the gradient)."""
        return Minimum.apply(*self._operands(other))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit values to [min, max]: each bound a number, a tensor (broadcast) or None. Also ``clamp``.

        Number bounds use op ``Clip``; tensor bounds ``ClampMin`` / ``ClampMax``, which pass the gradient
        to the bound where it is the result. An integer tensor with a float bound becomes float, as PyTorch.
        """
        if min is None and max is None:
            raise ValueError("clamp: give at least one of min and max")
        t = cast("Tensor", self)
        bounds = [b for b in (min, max) if b is not None]
        if all(isinstance(b, (int, float, np.number)) and not isinstance(b, bool) for b in bounds):
            if t.dtype.kind != "f" and any(isinstance(b, (float, np.floating)) for b in bounds):
                t = t.astype(DEFAULT_FLOAT)
            return Clip.apply(t, low=min, high=max)
        if min is not None:
            t, low = t._operands(min)
            t = ClampMin.apply(t, low)
        if max is not None:
            t, high = t._operands(max)
            t = ClampMax.apply(t, high)
        return t

    clamp = clip

    def clamp_min(self, min: Any) -> Tensor:
        """Limit values from below (``clamp(min=min)``)."""
        return self.clip(min=min)

    def clamp_max(self, max: Any) -> Tensor:
        """Limit values from above (``clamp(max=max)``)."""
        return self.clip(max=max)

    def where(self, condition: Any, other: Any) -> Tensor:
        """``self`` where ``condition`` holds, else ``other`` (``torch.Tensor.where``)."""
        cond = self._operand(condition)
        return Where.apply(cond.astype(bool) if cond.dtype != np.bool_ else cond, self, self._operand(other))

    def softmax(self, dim: int) -> Tensor:
        """e^x / sum(e^x) along ``dim``, computed stably (op ``Softmax``)."""
        return Softmax.apply(self, dim=normalize_dim(dim, self.ndim, "softmax"))

    def log_softmax(self, dim: int) -> Tensor:
        """log(softmax(x)) along ``dim``: x - max - log(sum(e^(x - max))), one stable op (``LogSoftmax``)."""
        return LogSoftmax.apply(self, dim=normalize_dim(dim, self.ndim, "log_softmax"))

    # --- reductions -----------------------------------------------------------------------------
    def sum(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """The sum over ``dim`` (an int, a tuple, or None for all elements), keeping reduced
        dimensions as size 1 when ``keepdim`` (op ``Sum``)."""
        return Sum.apply(self, axes=normalize_dims(dim, self.ndim, "sum"), keepdim=keepdim)

    def mean(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """The mean over ``dim`` (all elements when None): the sum times 1/count."""
        axes = normalize_dims(dim, self.ndim, "mean")
        count = math.prod(self._array.shape[a] for a in axes)
        return self.sum(axes, keepdim) * (1.0 / count if count else math.nan)

    def var(
        self, dim: Dims = None, keepdim: bool = False, *, correction: int = 1, unbiased: bool | None = None
    ) -> Tensor:
        """Variance: sum((x - mean)^2) / (n - correction); ``unbiased=False`` means correction 0."""
        if unbiased is not None:
            correction = int(unbiased)
        axes = normalize_dims(dim, self.ndim, "var")
        count = math.prod(self._array.shape[a] for a in axes)
        centred = self - self.mean(axes, keepdim=True)
        divisor = count - correction
        return (centred * centred).sum(axes, keepdim) * (1.0 / divisor if divisor > 0 else math.inf)

    def _nonempty_axes(self, dim: Dims, name: str) -> tuple[int, ...]:
        """The axes of a max/min/argmax/argmin over ``dim``, which must hold at least one element."""
        axes = normalize_dims(dim, self.ndim, name)
        empty = [a for a in axes if self.shape[a] == 0]
        if empty:
            if dim is None:
                raise EmptyReductionError(
                    f"{name}() of a tensor with no elements (shape {self.shape}) has no value; "
                    "give dim= to reduce along a dim of non-zero size"
                )
            raise EmptyReductionError(f"{name}() over dim {empty[0]} of size 0 (shape {self.shape}) has no value")
        return axes

    def std(
        self, dim: Dims = None, keepdim: bool = False, *, correction: int = 1, unbiased: bool | None = None
    ) -> Tensor:
        """Standard deviation: the square root of ``var`` (with Bessel's correction by default)."""
        return self.var(dim, keepdim, correction=correction, unbiased=unbiased).sqrt()

    def norm(self, p: float | str = 2, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """The p-norm over ``dim`` (all elements by default): (sum |x|^p)^(1/p); ``"fro"`` is p=2."""
        if p in (2, "fro"):
            return (self * self).sum(dim, keepdim).sqrt()
        if p == 1:
            return self.abs().sum(dim, keepdim)
        if p == math.inf:
            return self.abs().amax(dim, keepdim)
        if isinstance(p, str) or p <= 0:
            raise ValueError(f"norm: p must be a positive number, 'fro' or inf, got {p!r}")
        return (self.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
        """The ``k`` largest (or smallest) elements along ``dim`` and their indices; values keep the graph."""
        axis = normalize_dim(dim, self.ndim, "topk")
        n = self.shape[axis] if self.ndim else 1
        if not 0 <= k <= n:
            raise IndexError(f"topk: k={k} is out of range for dim {dim} of size {n}")
        keys = -self._array if largest else self._array
        order = np.argsort(keys, axis=axis, kind="stable")
        indices = np.take(order, np.arange(k), axis=axis)
        grid: list[np.ndarray] = list(np.indices(indices.shape, sparse=True))
        grid[axis] = indices
        return ValuesIndices(self[tuple(self._make(g) for g in grid)], self._make(indices.astype(np.int64)))

    def mm(self, other: Tensor) -> Tensor:
        """The product of two matrices (2-D only; ``matmul``/``@`` broadcasts)."""
        if self.ndim != 2 or getattr(other, "ndim", 0) != 2:
            raise ShapeError(
                f"mm: expects two 2-D tensors, got shapes {self.shape} and {getattr(other, 'shape', None)}"
            )
        return self @ other

    def __abs__(self) -> Tensor:
        return self.abs()

    def amax(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """Largest value over ``dim``; the gradient is split evenly among tied maxima."""
        return Amax.apply(self, axes=self._nonempty_axes(dim, "amax"), keepdim=keepdim)

    def amin(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """Smallest value over ``dim``, as ``-amax(-x)``."""
        self._nonempty_axes(dim, "amin")
        return -(-self).amax(dim, keepdim)

    def max(self, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
        """The largest value; with ``dim``, the pair (values, indices) along it, as in PyTorch."""
        self._nonempty_axes(dim, "max")
        if dim is None:
            return self.amax()
        return ValuesIndices(self.amax(dim, keepdim), self.argmax(dim, keepdim))

    def min(self, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
        """The smallest value; with ``dim``, the pair (values, indices) along it, as in PyTorch."""
        self._nonempty_axes(dim, "min")
        if dim is None:
            return self.amin()
        return ValuesIndices(self.amin(dim, keepdim), self.argmin(dim, keepdim))

    def logsumexp(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """log(sum(exp(x))) over ``dim``, computed without overflow."""
        return LogSumExp.apply(self, axes=normalize_dims(dim, self.ndim, "logsumexp"), keepdim=keepdim)

    def _arg(self, fn: Any, dim: int | None, keepdim: bool, name: str) -> Tensor:
        if dim is None:
            self._nonempty_axes(None, name)
            return self._make(np.asarray(fn(self._array)))
        (axis,) = self._nonempty_axes(dim, name)
        return self._make(np.asarray(fn(self._array, axis=axis, keepdims=keepdim)))

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the (first) largest value: over the flattened tensor, or along ``dim``."""
        return self._arg(np.argmax, dim, keepdim, "argmax")

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the (first) smallest value: over the flattened tensor, or along ``dim``."""
        return self._arg(np.argmin, dim, keepdim, "argmin")
