"""Tensor methods that compute: operators, comparisons, elementwise functions and matmul (reductions: reductions.py).

Each method is a thin call of a primitive op (``tinygrad_lenet.ops``) or a short composition of
them; the backward rules live with the ops. Mixed into :class:`tinygrad_lenet.Tensor`, whose
``_operands`` turns the other operand into a tensor and whose ``_make`` wraps computed arrays:
this module never imports the tensor module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np

from ..base import dtypes
from ..base.errors import DTypeError, ShapeError
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
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor

Dims = int | Sequence[int] | None


class ValuesIndices(NamedTuple):
    """What ``max(dim)`` and ``min(dim)`` return, as ``torch.return_types.max`` does."""

    values: Tensor
    indices: Tensor


class TensorMath(TensorBase):
    """Arithmetic, elementwise functions, comparisons and matmul of a Tensor."""

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
                t = t.astype(dtypes.DEFAULT_FLOAT)
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

    def mm(self, other: Tensor) -> Tensor:
        """The product of two matrices (2-D only; ``matmul``/``@`` broadcasts)."""
        if self.ndim != 2 or getattr(other, "ndim", 0) != 2:
            raise ShapeError(
                f"mm: expects two 2-D tensors, got shapes {self.shape} and {getattr(other, 'shape', None)}"
            )
        return self @ other

    def __abs__(self) -> Tensor:
        return self.abs()
