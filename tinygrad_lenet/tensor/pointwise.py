"""Pointwise math beyond the basics: trigonometric and hyperbolic functions and their inverses, logs and
exponentials of other bases, rounding, sign, error and gamma functions, and tests of floating-point classes.

The Tensor methods live in :class:`TensorPointwise` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``). Dtypes follow PyTorch: a
function of a real variable (``sin``, ``erf``, ``deg2rad``, ...) turns an integer or boolean tensor into
float32; rounding, ``sign`` and ``nan_to_num`` keep integers as they are; the tests (``isnan``, ``signbit``,
...) and ``logical_not`` give booleans, outside the graph. Tensors are real, so ``conj``, ``real`` and the
``resolve_*`` functions return the tensor itself and ``angle`` is 0 or pi.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, NamedTuple, ParamSpec, TypeVar, cast

import numpy as np

from ..autodiff.function import Function
from ..base import dtypes
from ..base.errors import DTypeError
from ..ops.activation import Erf
from ..ops.pointwise import (
    Acos,
    Acosh,
    Angle,
    Asin,
    Asinh,
    Atan,
    Atanh,
    Ceil,
    Cos,
    Cosh,
    Exp2,
    Expm1,
    Floor,
    Log1p,
    Log2,
    Log10,
    NanToNum,
    Reciprocal,
    Round,
    Rsqrt,
    Sign,
    Sin,
    Sinc,
    Sinh,
    Tan,
    Trunc,
)
from ..ops.special import I0, Erfc, Erfinv, Lgamma, Polygamma
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor


class Frexp(NamedTuple):
    """What ``frexp`` returns, as ``torch.return_types.frexp``: x = mantissa * 2^exponent."""

    mantissa: Tensor
    exponent: Tensor


def _inplace_of(name: str) -> Callable[..., Tensor]:
    """The in-place method ``name_``: ``self`` gets the values of ``self.name(...)`` (see inplace.py)."""

    def method(self: TensorBase, *args: Any, **kwargs: Any) -> Tensor:
        t = cast("Tensor", self)
        return t._inplace(f"{name}_", lambda x: getattr(x, name)(*args, **kwargs))

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"In place: this tensor gets the values of ``{name}(...)``; returns it."
    return method


class TensorPointwise(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()

    # --- helpers ------------------------------------------------------------------------------
    def _floating(self) -> Tensor:
        """This tensor, or its float32 copy if it holds integers or booleans (PyTorch's promotion)."""
        t = cast("Tensor", self)
        return t if dtypes.is_floating(t.dtype) else t.astype(dtypes.DEFAULT_FLOAT)

    def _real_function(self, op: type[Function], **kwargs: Any) -> Tensor:
        """``op`` (a function of a real variable) applied to this tensor, made floating first."""
        return op.apply(self._floating(), **kwargs)

    def _stepwise(self, op: type[Function], name: str, **kwargs: Any) -> Tensor:
        """A rounding ``op``: applied to a floating tensor, the identity (a copy) on integers."""
        if self.dtype.kind == "b":
            raise DTypeError(f"{name}: expected a floating-point or integer tensor, got bool")
        if self.dtype.kind == "f":
            return op.apply(self, **kwargs)
        return self._make(self._array.copy())

    def _check_floating(self, name: str) -> None:
        """Raise ``DTypeError`` unless this tensor is floating-point (``name`` is the op asking)."""
        if self.dtype.kind != "f":
            raise DTypeError(f"{name}: expected a floating-point tensor, got {self.dtype}")

    # --- trigonometric and hyperbolic -----------------------------------------------------------
    def sin(self) -> Tensor:
        """Elementwise sine (op ``Sin``)."""
        return self._real_function(Sin)

    def cos(self) -> Tensor:
        """Elementwise cosine (op ``Cos``)."""
        return self._real_function(Cos)

    def tan(self) -> Tensor:
        """Elementwise tangent (op ``Tan``)."""
        return self._real_function(Tan)

    def asin(self) -> Tensor:
        """Elementwise inverse sine, NaN outside [-1, 1] (op ``Asin``)."""
        return self._real_function(Asin)

    def acos(self) -> Tensor:
        """Elementwise inverse cosine, NaN outside [-1, 1] (op ``Acos``)."""
        return self._real_function(Acos)

    def atan(self) -> Tensor:
        """Elementwise inverse tangent (op ``Atan``)."""
        return self._real_function(Atan)

    def sinh(self) -> Tensor:
        """Elementwise hyperbolic sine (op ``Sinh``)."""
        return self._real_function(Sinh)

    def cosh(self) -> Tensor:
        """Elementwise hyperbolic cosine (op ``Cosh``)."""
        return self._real_function(Cosh)

    def asinh(self) -> Tensor:
        """Elementwise inverse hyperbolic sine (op ``Asinh``)."""
        return self._real_function(Asinh)

    def acosh(self) -> Tensor:
        """Elementwise inverse hyperbolic cosine, NaN below 1 (op ``Acosh``)."""
        return self._real_function(Acosh)

    def atanh(self) -> Tensor:
        """Elementwise inverse hyperbolic tangent, NaN outside [-1, 1] (op ``Atanh``)."""
        return self._real_function(Atanh)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def sinc(self) -> Tensor:
        """Elementwise normalized sinc, sin(pi x) / (pi x), 1 at x = 0 (op ``Sinc``)."""
        return self._real_function(Sinc)

    def deg2rad(self) -> Tensor:
        """Degrees to radians: x pi / 180."""
        return self._floating() * (math.pi / 180)

    def rad2deg(self) -> Tensor:
        """Radians to degrees: x 180 / pi."""
        return self._floating() * (180 / math.pi)

    # --- exponentials, logarithms, powers -------------------------------------------------------
    def exp2(self) -> Tensor:
        """Elementwise 2^x (op ``Exp2``)."""
        return self._real_function(Exp2)

    def expm1(self) -> Tensor:
        """Elementwise e^x - 1, exact for small x (op ``Expm1``)."""
        return self._real_function(Expm1)

    def log1p(self) -> Tensor:
        """Elementwise log(1 + x), exact for small x (op ``Log1p``)."""
        return self._real_function(Log1p)

    def log2(self) -> Tensor:
        """Elementwise base-2 logarithm (op ``Log2``)."""
        return self._real_function(Log2)

    def log10(self) -> Tensor:
        """Elementwise base-10 logarithm (op ``Log10``)."""
        return self._real_function(Log10)

    def reciprocal(self) -> Tensor:
        """Elementwise 1 / x (op ``Reciprocal``)."""
        return self._real_function(Reciprocal)

    def rsqrt(self) -> Tensor:
        """Elementwise 1 / sqrt(x) (op ``Rsqrt``)."""
        return self._real_function(Rsqrt)

    def square(self) -> Tensor:
        """Elementwise x * x (booleans become int64, as in PyTorch)."""
        t = cast("Tensor", self)
        if t.dtype.kind == "b":
            t = t.astype(dtypes.int64)
        return t * t

    def logit(self, eps: float | None = None) -> Tensor:
        """log(x / (1 - x)); with ``eps``, x is first clamped to [eps, 1 - eps] (gradient 0 outside)."""
        t = self._floating()
        if eps is not None:
            t = t.clamp(eps, 1 - eps)
        return (t / (1 - t)).log()

    # --- error and gamma functions ---------------------------------------------------------------
    def erf(self) -> Tensor:
        """Elementwise error function 2/sqrt(pi) int_0^x e^(-t^2) dt (op ``Erf``)."""
        return self._real_function(Erf)

    def erfc(self) -> Tensor:
        """Elementwise complementary error function 1 - erf(x) (op ``Erfc``)."""
        return self._real_function(Erfc)

    def erfinv(self) -> Tensor:
        """Elementwise inverse error function on [-1, 1] (op ``Erfinv``)."""
        return self._real_function(Erfinv)

    def lgamma(self) -> Tensor:
        """Elementwise log |Gamma(x)|, +inf at 0, -1, -2, ... (op ``Lgamma``)."""
        return self._real_function(Lgamma)

    def digamma(self) -> Tensor:
        """Elementwise digamma psi(x) = Gamma'(x) / Gamma(x) (op ``Polygamma`` with n = 0)."""
        return self._real_function(Polygamma, n=0)

    def polygamma(self, n: int) -> Tensor:
        """Elementwise n-th derivative of digamma (op ``Polygamma``); n = 0 is digamma."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"polygamma: n must be a non-negative integer, got {n!r}")
        return self._real_function(Polygamma, n=n)

    def mvlgamma(self, p: int) -> Tensor:
        """The multivariate log-gamma of dimension p: p(p-1)/4 log(pi) + sum_{j<p} lgamma(x - j/2)."""
        if isinstance(p, bool) or not isinstance(p, int) or p < 1:
            raise ValueError(f"mvlgamma: p must be an integer >= 1, got {p!r}")
        t = self._floating()
        if not (t._array > (p - 1) / 2).all():
            raise ValueError(f"mvlgamma: all elements must be greater than (p-1)/2 = {(p - 1) / 2}")
        total = t.lgamma()
        for j in range(1, p):
            total = total + (t - j / 2).lgamma()
        return total + p * (p - 1) / 4 * math.log(math.pi)

    def i0(self) -> Tensor:
        """Elementwise modified Bessel function of the first kind, order 0 (op ``I0``)."""
        return self._real_function(I0)

    # --- rounding, sign, parts ---------------------------------------------------------------
    def floor(self) -> Tensor:
        """The largest integer <= x (op ``Floor``, gradient 0); integer tensors are returned as they are."""
        return self._stepwise(Floor, "floor")

    def ceil(self) -> Tensor:
        """The smallest integer >= x (op ``Ceil``, gradient 0)."""
        return self._stepwise(Ceil, "ceil")

    def trunc(self) -> Tensor:
        """x rounded toward zero (op ``Trunc``, gradient 0). Also called ``fix``."""
        return self._stepwise(Trunc, "trunc")

    fix = trunc

    def round(self, *, decimals: int = 0) -> Tensor:
        """x rounded to ``decimals`` decimal places, halves to even (op ``Round``, gradient 0)."""
        return self._stepwise(Round, "round", decimals=decimals)

    def frac(self) -> Tensor:
        """The fractional part x - trunc(x), with the sign of x (gradient 1)."""
        self._check_floating("frac")
        t = cast("Tensor", self)
        return t - t.trunc()

    def sign(self) -> Tensor:
        """-1, 0 or 1 as x is negative, zero (or NaN) or positive (op ``Sign``, gradient 0)."""
        if self.dtype.kind == "f":
            return Sign.apply(self)
        if self.dtype.kind == "b":
            return self._make(self._array.copy())
        return self._make(np.sign(self._array))

    sgn = sign

    def angle(self) -> Tensor:
        """The argument of a real number: pi where x < 0, else 0; NaN stays NaN (op ``Angle``)."""
        return self._real_function(Angle)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
        """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (default: the dtype's extremes)."""
        if self.dtype.kind != "f":
            return self._make(self._array.copy())
        return NanToNum.apply(self, nan=nan, posinf=posinf, neginf=neginf)

    def frexp(self) -> Frexp:
        """The mantissa in [0.5, 1) (or 0) and the int32 exponent with x = mantissa * 2^exponent."""
        self._check_floating("frexp")
        t = cast("Tensor", self)
        _, exponent = np.frexp(t._array)
        scale = np.ldexp(np.ones_like(t._array), -exponent)  # a power of 2: the product is exact
        return Frexp(t * self._make(scale), self._make(exponent.astype(np.int32)))

    def positive(self) -> Tensor:
        """The tensor itself (``+x``); refused for booleans, as in PyTorch."""
        if self.dtype.kind == "b":
            raise DTypeError("positive: the + operator is not defined for a bool tensor")
        return cast("Tensor", self)

    def negative(self) -> Tensor:
        """Elementwise -x (``neg``); refused for booleans (use ``logical_not``), as in PyTorch."""
        if self.dtype.kind == "b":
            raise DTypeError("neg: the - operator is not defined for a bool tensor; use logical_not()")
        return cast("Tensor", self).neg()

    # --- complex parts of a real tensor ------------------------------------------------------------
    def conj(self) -> Tensor:
        """The complex conjugate: a real tensor itself."""
        return cast("Tensor", self)

    conj_physical = resolve_conj = resolve_neg = conj

    @property
    def real(self) -> Tensor:
        """The real part: a real tensor itself."""
        return cast("Tensor", self)

    def is_conj(self) -> bool:
        """False: a real tensor never carries a lazy conjugation."""
        return False

    def is_neg(self) -> bool:
        """False: a real tensor never carries a lazy negation."""
        return False

    def is_floating_point(self) -> bool:
        """Whether the dtype is a floating one (float16, bfloat16, float32, float64)."""
        return dtypes.is_floating(self._array.dtype)

    def is_complex(self) -> bool:
        """False: tensors here are real."""
        return False

    # --- tests: boolean tensors outside the graph --------------------------------------------------
    def isnan(self) -> Tensor:
        """Where the elements are NaN, as a boolean tensor."""
        return self._make(np.isnan(self._array))

    def isinf(self) -> Tensor:
        """Where the elements are +inf or -inf."""
        return self._make(np.isinf(self._array))

    def isposinf(self) -> Tensor:
        """Where the elements are +inf."""
        return self._make(np.isposinf(self._array))

    def isneginf(self) -> Tensor:
        """Where the elements are -inf."""
        return self._make(np.isneginf(self._array))

    def isfinite(self) -> Tensor:
        """Where the elements are neither NaN nor infinite."""
        return self._make(np.isfinite(self._array))

    def isreal(self) -> Tensor:
        """Where the elements have no imaginary part: everywhere, for a real tensor."""
        return self._make(np.ones(self.shape, dtype=np.bool_))

    def signbit(self) -> Tensor:
        """Where the sign bit is set: x < 0, and -0.0."""
        return self._make(np.signbit(self._array))

    def logical_not(self) -> Tensor:
        """Where the elements are zero (False), as booleans."""
        return self._make(np.logical_not(self._array))

    def bitwise_not(self) -> Tensor:
        """~x of an integer tensor (logical not of a boolean one)."""
        if self.dtype.kind not in "iub":
            raise DTypeError(f"bitwise_not: expected an integer or bool tensor, got {self.dtype}")
        return self._make(np.invert(self._array))

    __invert__ = bitwise_not  # ~mask, as in masked_fill(~mask, value)

    # --- in place ------------------------------------------------------------------------------
    sin_, cos_, tan_, asin_, acos_, atan_ = map(_inplace_of, ("sin", "cos", "tan", "asin", "acos", "atan"))
    sinh_, cosh_, asinh_, acosh_, atanh_ = map(_inplace_of, ("sinh", "cosh", "asinh", "acosh", "atanh"))
    arcsin_, arccos_, arctan_, arcsinh_, arccosh_, arctanh_ = asin_, acos_, atan_, asinh_, acosh_, atanh_
    sinc_, deg2rad_, rad2deg_, exp2_, expm1_ = map(_inplace_of, ("sinc", "deg2rad", "rad2deg", "exp2", "expm1"))
    log1p_, log2_, log10_, reciprocal_, rsqrt_ = map(_inplace_of, ("log1p", "log2", "log10", "reciprocal", "rsqrt"))
    square_, logit_, erf_, erfc_, erfinv_ = map(_inplace_of, ("square", "logit", "erf", "erfc", "erfinv"))
    lgamma_, digamma_, polygamma_, mvlgamma_ = map(_inplace_of, ("lgamma", "digamma", "polygamma", "mvlgamma"))
    i0_ = _inplace_of("i0")
    floor_, ceil_, trunc_, round_, frac_ = map(_inplace_of, ("floor", "ceil", "trunc", "round", "frac"))
    fix_ = trunc_
    sign_, sgn_, nan_to_num_, negative_ = map(_inplace_of, ("sign", "sgn", "nan_to_num", "negative"))
    neg_ = negative_
    exp_, log_, sqrt_, abs_, tanh_, sigmoid_ = map(_inplace_of, ("exp", "log", "sqrt", "abs", "tanh", "sigmoid"))
    logical_not_, bitwise_not_ = map(_inplace_of, ("logical_not", "bitwise_not"))


# --- the torch.* functions: each is the method of the same name ---------------------------------------------
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _refuse_out(name: str, out: object) -> None:
    """Raise if ``out=`` was given: results are always new tensors here."""
    if out is not None:
        raise TypeError(f"{name}: out= is not supported; use the returned tensor, or {name}_() to work in place")


def _function_of(method: Callable[Concatenate[TensorPointwise, _P], _R]) -> Callable[Concatenate[Tensor, _P], _R]:
    """The ``torch.*`` function of a Tensor method: ``name(input, ...)`` is ``input.name(...)``.

    ``out=`` is refused with a clear error: results are always new tensors (use the ``name_`` method to
    change a tensor in place).
    """
    name = method.__name__

    @functools.wraps(method)
    def function(input: Tensor, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        _refuse_out(name, kwargs.pop("out", None))
        return method(input, *args, **kwargs)

    function.__qualname__ = name
    return function


sin = _function_of(TensorPointwise.sin)
cos = _function_of(TensorPointwise.cos)
tan = _function_of(TensorPointwise.tan)
asin = _function_of(TensorPointwise.asin)
acos = _function_of(TensorPointwise.acos)
atan = _function_of(TensorPointwise.atan)
sinh = _function_of(TensorPointwise.sinh)
cosh = _function_of(TensorPointwise.cosh)
asinh = _function_of(TensorPointwise.asinh)
acosh = _function_of(TensorPointwise.acosh)
atanh = _function_of(TensorPointwise.atanh)
arcsin = _function_of(TensorPointwise.arcsin)
arccos = _function_of(TensorPointwise.arccos)
arctan = _function_of(TensorPointwise.arctan)
arcsinh = _function_of(TensorPointwise.arcsinh)
arccosh = _function_of(TensorPointwise.arccosh)
arctanh = _function_of(TensorPointwise.arctanh)
sinc = _function_of(TensorPointwise.sinc)
deg2rad = _function_of(TensorPointwise.deg2rad)
rad2deg = _function_of(TensorPointwise.rad2deg)
exp2 = _function_of(TensorPointwise.exp2)
expm1 = _function_of(TensorPointwise.expm1)
log1p = _function_of(TensorPointwise.log1p)
log2 = _function_of(TensorPointwise.log2)
log10 = _function_of(TensorPointwise.log10)
reciprocal = _function_of(TensorPointwise.reciprocal)
rsqrt = _function_of(TensorPointwise.rsqrt)
square = _function_of(TensorPointwise.square)
logit = _function_of(TensorPointwise.logit)
erf = _function_of(TensorPointwise.erf)
erfc = _function_of(TensorPointwise.erfc)
erfinv = _function_of(TensorPointwise.erfinv)
lgamma = _function_of(TensorPointwise.lgamma)
digamma = _function_of(TensorPointwise.digamma)
mvlgamma = _function_of(TensorPointwise.mvlgamma)
i0 = _function_of(TensorPointwise.i0)
floor = _function_of(TensorPointwise.floor)
ceil = _function_of(TensorPointwise.ceil)
trunc = _function_of(TensorPointwise.trunc)
fix = _function_of(TensorPointwise.fix)
round = _function_of(TensorPointwise.round)
frac = _function_of(TensorPointwise.frac)
sign = _function_of(TensorPointwise.sign)
sgn = _function_of(TensorPointwise.sgn)
angle = _function_of(TensorPointwise.angle)
nan_to_num = _function_of(TensorPointwise.nan_to_num)
frexp = _function_of(TensorPointwise.frexp)
positive = _function_of(TensorPointwise.positive)
negative = _function_of(TensorPointwise.negative)
conj = _function_of(TensorPointwise.conj)
conj_physical = _function_of(TensorPointwise.conj_physical)
resolve_conj = _function_of(TensorPointwise.resolve_conj)
resolve_neg = _function_of(TensorPointwise.resolve_neg)
isnan = _function_of(TensorPointwise.isnan)
isinf = _function_of(TensorPointwise.isinf)
isposinf = _function_of(TensorPointwise.isposinf)
isneginf = _function_of(TensorPointwise.isneginf)
isfinite = _function_of(TensorPointwise.isfinite)
isreal = _function_of(TensorPointwise.isreal)
signbit = _function_of(TensorPointwise.signbit)
logical_not = _function_of(TensorPointwise.logical_not)
bitwise_not = _function_of(TensorPointwise.bitwise_not)
is_conj = _function_of(TensorPointwise.is_conj)
is_neg = _function_of(TensorPointwise.is_neg)
is_floating_point = _function_of(TensorPointwise.is_floating_point)
is_complex = _function_of(TensorPointwise.is_complex)


def neg(input: Tensor, *, out: None = None) -> Tensor:
    """Elementwise -x (``input.neg()``); refused for booleans, as in PyTorch."""
    _refuse_out("neg", out)
    return input.negative()


def real(input: Tensor) -> Tensor:
    """The real part of ``input``: a real tensor itself (``input.real``)."""
    return input.real


def polygamma(n: int, input: Tensor, *, out: None = None) -> Tensor:
    """``input.polygamma(n)``: the n-th derivative of digamma at every element (n = 0 is digamma)."""
    _refuse_out("polygamma", out)
    return input.polygamma(n)


__all__ = [
    "Frexp",
    "acos",
    "acosh",
    "angle",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "bitwise_not",
    "ceil",
    "conj",
    "conj_physical",
    "cos",
    "cosh",
    "deg2rad",
    "digamma",
    "erf",
    "erfc",
    "erfinv",
    "exp2",
    "expm1",
    "fix",
    "floor",
    "frac",
    "frexp",
    "i0",
    "is_complex",
    "is_conj",
    "is_floating_point",
    "is_neg",
    "isfinite",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "lgamma",
    "log10",
    "log1p",
    "log2",
    "logical_not",
    "logit",
    "mvlgamma",
    "nan_to_num",
    "neg",
    "negative",
    "polygamma",
    "positive",
    "rad2deg",
    "real",
    "reciprocal",
    "resolve_conj",
    "resolve_neg",
    "round",
    "rsqrt",
    "sgn",
    "sign",
    "signbit",
    "sin",
    "sinc",
    "sinh",
    "square",
    "tan",
    "trunc",
]
