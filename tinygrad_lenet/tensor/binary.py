"""Binary and logical ops with PyTorch's function spellings: add/sub/mul/div with alpha and rounding modes,
powers, atan2, hypot, fmod and remainder, comparisons, logical and bitwise ops.

The Tensor methods live in :class:`TensorBinary` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``). Integer and boolean
results (bitwise, logical, gcd, heaviside) are computed outside the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..base import dtypes
from ..base.errors import DTypeError, ShapeError
from ..ops.binary import (
    Atan2,
    Copysign,
    FloorDiv,
    Fmax,
    Fmin,
    Fmod,
    Hypot,
    Igamma,
    Igammac,
    LogAddExp,
    LogAddExp2,
    Nextafter,
    Remainder,
    TruncDiv,
    Xlogy,
)
from ..ops.elementwise import Add, BinaryOp, Div, Mul, Pow, Sub
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor


def _floats(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Both operands in a floating dtype: integer and bool ones become the default float, as PyTorch."""
    if dtypes.is_floating(a.dtype):
        return a, b.astype(a.dtype)
    return a.astype(dtypes.DEFAULT_FLOAT), b.astype(dtypes.DEFAULT_FLOAT)


def _no_out(out: Any, name: str) -> None:
    if out is not None:
        raise TypeError(f"{name}: out= is not supported; use the returned tensor")


def _array_op(a: Tensor, b: Tensor, fn: Callable[[np.ndarray, np.ndarray], Any], name: str) -> Tensor:
    """``fn`` of the two arrays as a tensor outside the graph (integer, boolean and step results)."""
    try:
        with np.errstate(all="ignore"):
            return a._make(np.asarray(fn(a._array, b._array)))
    except ValueError:
        raise ShapeError(f"{name}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None


def _integral(a: Tensor, b: Tensor, name: str) -> None:
    for t in (a, b):
        if t.dtype.kind not in "iub":
            raise DTypeError(f"{name}: expects integer or bool tensors, got {t.dtype}")


def _shift(a: np.ndarray, b: np.ndarray, left: bool) -> np.ndarray:
    """a << b or a >> b as PyTorch: a shift by a negative amount or by at least the width gives 0 (left) or
    the sign (right)."""
    bits = a.dtype.itemsize * 8 if a.dtype.kind != "b" else 8
    inside = (b >= 0) & (b < bits)
    safe = np.where(inside, b, 0).astype(a.dtype)
    if left:
        return np.where(inside, np.left_shift(a, safe), 0).astype(a.dtype)
    return np.where(inside, np.right_shift(a, safe), np.right_shift(a, np.asarray(bits - 1, a.dtype)))


class TensorBinary(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()

    # --- arithmetic with PyTorch's keywords ----------------------------------------------------------------
    def add(self, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
        """self + alpha * other, broadcasting (op ``Add``)."""
        _no_out(out, "add")
        a, b = self._operands(other)
        if alpha != 1:
            a, b = a._operands(b * alpha)
        return Add.apply(a, b)

    def sub(self, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
        """self - alpha * other, broadcasting (op ``Sub``); bool tensors cannot be subtracted (PyTorch)."""
        _no_out(out, "sub")
        a, b = self._operands(other)
        if a.dtype.kind == "b" and b.dtype.kind == "b":
            raise DTypeError("sub: subtraction of bool tensors is not supported; use logical_xor instead")
        if alpha != 1:
            a, b = a._operands(b * alpha)
        return Sub.apply(a, b)

    subtract = sub

    def mul(self, other: Any, *, out: Any = None) -> Tensor:
        """self * other, broadcasting (op ``Mul``)."""
        _no_out(out, "mul")
        return Mul.apply(*self._operands(other))

    multiply = mul

    def div(self, other: Any, *, rounding_mode: str | None = None, out: Any = None) -> Tensor:
        """self / other: true division (integers give the default float), or rounded toward zero
        (``rounding_mode="trunc"``) or down (``"floor"``), whose gradient is zero as PyTorch's."""
        _no_out(out, "div")
        a, b = self._operands(other)
        if rounding_mode is None:
            return Div.apply(*_floats(a, b))
        if rounding_mode not in ("trunc", "floor"):
            raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
        if dtypes.is_floating(a.dtype):
            op: type[BinaryOp] = TruncDiv if rounding_mode == "trunc" else FloorDiv
            return op.apply(a, b)
        if (b._array == 0).any():
            raise ZeroDivisionError("div: integer division by zero")
        a, b = (a.astype(dtypes.int64), b.astype(dtypes.int64)) if a.dtype.kind == "b" else (a, b)
        if rounding_mode == "floor":
            return _array_op(a, b, np.floor_divide, "div")
        return _array_op(a, b, lambda x, y: np.sign(x) * np.sign(y) * (np.abs(x) // np.abs(y)), "div")

    divide = true_divide = div

    def floor_divide(self, other: Any) -> Tensor:
        """self / other rounded down (``div(rounding_mode="floor")``)."""
        return self.div(other, rounding_mode="floor")

    def pow(self, exponent: Any) -> Tensor:
        """self ** exponent, broadcasting (op ``Pow``)."""
        return Pow.apply(*self._operands(exponent))

    def float_power(self, exponent: Any) -> Tensor:
        """self ** exponent computed in float64, as PyTorch's ``float_power``."""
        a, b = self._operands(exponent)
        return Pow.apply(a.astype(dtypes.float64), b.astype(dtypes.float64))

    def xlogy(self, other: Any) -> Tensor:
        """self * log(other), 0 where self is 0 (unless other is NaN) (op ``Xlogy``)."""
        return Xlogy.apply(*_floats(*self._operands(other)))

    def lerp(self, end: Any, weight: Any) -> Tensor:
        """self + weight * (end - self): linear interpolation toward ``end``."""
        t = cast("Tensor", self)
        return t + (t._operand(end) - t) * weight

    def ldexp(self, other: Any) -> Tensor:
        """self * 2 ** other."""
        a, b = _floats(*self._operands(other))
        return a * (2.0**b)

    # --- two-operand functions with a gradient -------------------------------------------------------------
    def atan2(self, other: Any) -> Tensor:
        """The angle of the point (other, self), in (-pi, pi] (op ``Atan2``)."""
        return Atan2.apply(*_floats(*self._operands(other)))

    arctan2 = atan2

    def hypot(self, other: Any) -> Tensor:
        """sqrt(self^2 + other^2), without overflow (op ``Hypot``)."""
        return Hypot.apply(*_floats(*self._operands(other)))

    def fmod(self, other: Any) -> Tensor:
        """The remainder of self / other rounded toward zero: the sign of self (op ``Fmod``)."""
        a, b = self._operands(other)
        if not dtypes.is_floating(a.dtype) and (b._array == 0).any():
            raise ZeroDivisionError("fmod: integer division by zero")
        return Fmod.apply(a, b)

    def remainder(self, other: Any) -> Tensor:
        """The remainder of self / other rounded down: the sign of other, as Python's % (op ``Remainder``)."""
        a, b = self._operands(other)
        if not dtypes.is_floating(a.dtype) and (b._array == 0).any():
            raise ZeroDivisionError("remainder: integer division by zero")
        return Remainder.apply(a, b)

    def copysign(self, other: Any) -> Tensor:
        """|self| with the sign of other (op ``Copysign``)."""
        return Copysign.apply(*_floats(*self._operands(other)))

    def fmax(self, other: Any) -> Tensor:
        """The elementwise larger, ignoring a NaN on one side (op ``Fmax``)."""
        return Fmax.apply(*self._operands(other))

    def fmin(self, other: Any) -> Tensor:
        """The elementwise smaller, ignoring a NaN on one side (op ``Fmin``)."""
        return Fmin.apply(*self._operands(other))

    def logaddexp(self, other: Any) -> Tensor:
        """log(e^self + e^other), without overflow (op ``LogAddExp``)."""
        return LogAddExp.apply(*_floats(*self._operands(other)))

    def logaddexp2(self, other: Any) -> Tensor:
        """log2(2^self + 2^other), without overflow (op ``LogAddExp2``)."""
        return LogAddExp2.apply(*_floats(*self._operands(other)))

    def igamma(self, other: Any) -> Tensor:
        """The regularized lower incomplete gamma function P(self, other) (op ``Igamma``)."""
        return Igamma.apply(*_floats(*self._operands(other)))

    def igammac(self, other: Any) -> Tensor:
        """The regularized upper incomplete gamma function Q(self, other) = 1 - P (op ``Igammac``)."""
        return Igammac.apply(*_floats(*self._operands(other)))

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """self + value * tensor1 * tensor2."""
        t = cast("Tensor", self)
        product = t._operand(tensor1) * tensor2
        return t + (product * value if value != 1 else product)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """self + value * tensor1 / tensor2."""
        t = cast("Tensor", self)
        quotient = t._operand(tensor1) / tensor2
        return t + (quotient * value if value != 1 else quotient)

    # --- results outside the graph -------------------------------------------------------------------------
    def heaviside(self, values: Any) -> Tensor:
        """0 where self < 0, 1 where self > 0, ``values`` where self == 0."""
        return _array_op(*self._operands(values), np.heaviside, "heaviside")

    def nextafter(self, other: Any) -> Tensor:
        """The next floating-point value after self toward other (op ``Nextafter``)."""
        a, b = self._operands(other)
        if not dtypes.is_floating(a.dtype):
            raise DTypeError(f"nextafter: expects floating-point tensors, got {a.dtype}")
        return Nextafter.apply(a, b)

    def gcd(self, other: Any) -> Tensor:
        """The greatest common divisor of integers (non-negative)."""
        a, b = self._operands(other)
        _integral(a, b, "gcd")
        return _array_op(a, b, np.gcd, "gcd")

    def lcm(self, other: Any) -> Tensor:
        """The least common multiple of integers (non-negative)."""
        a, b = self._operands(other)
        _integral(a, b, "lcm")
        return _array_op(a, b, np.lcm, "lcm")

    def _bitwise(self, other: Any, fn: Callable[[np.ndarray, np.ndarray], Any], name: str) -> Tensor:
        a, b = self._operands(other)
        _integral(a, b, name)
        return _array_op(a, b, fn, name)

    def bitwise_and(self, other: Any) -> Tensor:
        """Bitwise AND of integers (logical AND of bools)."""
        return self._bitwise(other, np.bitwise_and, "bitwise_and")

    def bitwise_or(self, other: Any) -> Tensor:
        """Bitwise OR of integers (logical OR of bools)."""
        return self._bitwise(other, np.bitwise_or, "bitwise_or")

    def bitwise_xor(self, other: Any) -> Tensor:
        """Bitwise XOR of integers (logical XOR of bools)."""
        return self._bitwise(other, np.bitwise_xor, "bitwise_xor")

    def bitwise_left_shift(self, other: Any) -> Tensor:
        """self shifted left by other bits (0 once the shift reaches the width)."""
        return self._bitwise(other, lambda a, b: _shift(a, b, left=True), "bitwise_left_shift")

    def bitwise_right_shift(self, other: Any) -> Tensor:
        """self shifted right by other bits, keeping the sign (arithmetic shift)."""
        return self._bitwise(other, lambda a, b: _shift(a, b, left=False), "bitwise_right_shift")

    __and__, __or__, __xor__ = bitwise_and, bitwise_or, bitwise_xor
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift

    def logical_and(self, other: Any) -> Tensor:
        """Whether both are nonzero, as a bool tensor."""
        return _array_op(cast("Tensor", self), self._operand(other), np.logical_and, "logical_and")

    def logical_or(self, other: Any) -> Tensor:
        """Whether either is nonzero, as a bool tensor."""
        return _array_op(cast("Tensor", self), self._operand(other), np.logical_or, "logical_or")

    def logical_xor(self, other: Any) -> Tensor:
        """Whether exactly one is nonzero, as a bool tensor."""
        return _array_op(cast("Tensor", self), self._operand(other), np.logical_xor, "logical_xor")

    # --- whole-tensor comparisons --------------------------------------------------------------------------
    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        """Elementwise |self - other| <= atol + rtol |other| (equal infinities are close), as a bool tensor."""
        a, b = cast("Tensor", self), self._operand(other)
        if a.dtype != b.dtype:
            raise DTypeError(f"isclose: both tensors must have the same dtype, got {a.dtype} and {b.dtype}")
        close = lambda x, y: np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)  # noqa: E731
        return _array_op(a, b, close, "isclose")

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """Whether every element is close to other (``isclose``)."""
        return bool(self.isclose(other, rtol, atol, equal_nan)._array.all())

    def equal(self, other: Any) -> bool:
        """True if both have the same shape and the same values."""
        b = self._operand(other)
        return self.shape == b.shape and bool(np.array_equal(self._array, b._array))


def _first_tensor(input: Any, other: Any) -> Tensor:
    """``input`` as a tensor: itself, or a Python scalar typed by ``other`` (``torch.pow(2, x)``)."""
    if isinstance(input, TensorBase):
        return cast("Tensor", input)
    if isinstance(other, TensorBase):
        return other._operand(input)
    raise TypeError(f"expected a tensor as input or other, got {type(input).__name__} and {type(other).__name__}")


def add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input + alpha * other (``Tensor.add``)."""
    return _first_tensor(input, other).add(other, alpha=alpha, out=out)


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input - alpha * other (``Tensor.sub``)."""
    return _first_tensor(input, other).sub(other, alpha=alpha, out=out)


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """other - alpha * input: ``sub`` with the operands swapped."""
    return _first_tensor(other, input).sub(input, alpha=alpha)


def mul(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """input * other (``Tensor.mul``)."""
    return _first_tensor(input, other).mul(other, out=out)


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Any = None) -> Tensor:
    """input / other, optionally rounded (``Tensor.div``)."""
    return _first_tensor(input, other).div(other, rounding_mode=rounding_mode, out=out)


def lerp(input: Tensor, end: Any, weight: Any) -> Tensor:
    """input + weight * (end - input) (``Tensor.lerp``)."""
    return input.lerp(end, weight)


def addcmul(input: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 * tensor2 (``Tensor.addcmul``)."""
    return input.addcmul(tensor1, tensor2, value=value)


def addcdiv(input: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 / tensor2 (``Tensor.addcdiv``)."""
    return input.addcdiv(tensor1, tensor2, value=value)


def clamp_min(input: Tensor, min: Any) -> Tensor:
    """``input.clamp_min(min)``: each element limited from below."""
    return input.clamp_min(min)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    """``input.clamp_max(max)``: each element limited from above."""
    return input.clamp_max(max)


def _two_operand(name: str) -> Callable[..., Tensor]:
    """The ``torch.<name>(input, other)`` function of the Tensor method ``name``."""

    def function(input: Any, other: Any, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(_first_tensor(input, other), name)(other, *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(other)``, with ``input`` a tensor or a Python scalar."
    return function


true_divide = divide = _two_operand("div")
subtract = _two_operand("sub")
multiply = _two_operand("mul")
floor_divide = _two_operand("floor_divide")
pow = _two_operand("pow")
float_power = _two_operand("float_power")
xlogy = _two_operand("xlogy")
ldexp = _two_operand("ldexp")
atan2 = arctan2 = _two_operand("atan2")
hypot = _two_operand("hypot")
fmod = _two_operand("fmod")
remainder = _two_operand("remainder")
copysign = _two_operand("copysign")
fmax = _two_operand("fmax")
fmin = _two_operand("fmin")
logaddexp = _two_operand("logaddexp")
logaddexp2 = _two_operand("logaddexp2")
igamma = _two_operand("igamma")
igammac = _two_operand("igammac")
heaviside = _two_operand("heaviside")
nextafter = _two_operand("nextafter")
gcd = _two_operand("gcd")
lcm = _two_operand("lcm")
bitwise_and = _two_operand("bitwise_and")
bitwise_or = _two_operand("bitwise_or")
bitwise_xor = _two_operand("bitwise_xor")
bitwise_left_shift = _two_operand("bitwise_left_shift")
bitwise_right_shift = _two_operand("bitwise_right_shift")
logical_and = _two_operand("logical_and")
logical_or = _two_operand("logical_or")
logical_xor = _two_operand("logical_xor")
eq = _two_operand("eq")
ne = _two_operand("ne")
lt = _two_operand("lt")
le = _two_operand("le")
gt = _two_operand("gt")
ge = _two_operand("ge")
greater = gt
greater_equal = ge
less = lt
less_equal = le
not_equal = ne

__all__: list[str] = [
    "add",
    "addcdiv",
    "addcmul",
    "arctan2",
    "atan2",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "clamp_max",
    "clamp_min",
    "copysign",
    "div",
    "divide",
    "eq",
    "float_power",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "gcd",
    "ge",
    "greater",
    "greater_equal",
    "gt",
    "heaviside",
    "hypot",
    "igamma",
    "igammac",
    "lcm",
    "ldexp",
    "le",
    "lerp",
    "less",
    "less_equal",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_or",
    "logical_xor",
    "lt",
    "mul",
    "multiply",
    "ne",
    "nextafter",
    "not_equal",
    "pow",
    "remainder",
    "rsub",
    "sub",
    "subtract",
    "true_divide",
    "xlogy",
]
