"""Primitive ops of the special functions: erfc, erfinv, lgamma, digamma, polygamma and i0, in numpy alone.

The numerics are float64 (a float32 input is computed in float64 and rounded back), to about 1e-14:

- ``erfc`` and ``lgamma`` apply Python's ``math`` functions element by element;
- ``erfinv`` starts from Winitzki's closed-form approximation and takes three Halley steps on erf
  (on erfc where erf(x) is close to 1, so that 1 - y keeps its digits);
- ``polygamma(n, x)`` (``digamma`` is n = 0) shifts x up to 15 or more by the recurrence
  psi^(n)(x) = psi^(n)(x+1) - (-1)^n n! / x^(n+1), then sums the asymptotic (Bernoulli) series; a
  negative x goes through the reflection psi^(n)(x) = (-1)^n psi^(n)(1-x) - pi^(n+1) Q_n(cot(pi x)),
  where Q_0(c) = c and Q_{k+1}(c) = -(1 + c^2) Q_k'(c) are the derivatives of the cotangent;
- ``i0`` is numpy's; its derivative I1 is summed from its power series (every term positive).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.polynomial import Polynomial

from ..autodiff.function import Function, Grads

_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
"""B_2, B_4, ..., B_16: the coefficients of the asymptotic series of the polygamma functions."""
_SHIFT_TO = 15.0
"""The recurrence moves x at least this far before the asymptotic series is summed."""
_WINITZKI = 0.147
"""The constant of Winitzki's approximation of erfinv (relative error below 2e-3)."""


def _elementwise(fn: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    """A scalar float function of ``math`` applied to every element of ``x`` (as float64)."""
    return np.vectorize(fn, otypes=[np.float64])(np.asarray(x, dtype=np.float64))


def _lgamma_scalar(v: float) -> float:
    """log |Gamma(v)|, +inf at the poles 0, -1, -2, ... (where ``math.lgamma`` raises)."""
    try:
        return math.lgamma(v)
    except ValueError:
        return math.inf


def erfc(x: np.ndarray) -> np.ndarray:
    """1 - erf(x), without the cancellation of computing it so."""
    return _elementwise(math.erfc, x)


def lgamma(x: np.ndarray) -> np.ndarray:
    """log |Gamma(x)|; +inf at 0 and the negative integers, as PyTorch's."""
    return _elementwise(_lgamma_scalar, x)


def erfinv(y: np.ndarray) -> np.ndarray:
    """The x with erf(x) = y, for y in [-1, 1] (+-inf at +-1, NaN outside)."""
    y = np.asarray(y, dtype=np.float64)
    a = np.abs(y)
    w = np.log1p(-a * a)
    t = 2 / (math.pi * _WINITZKI) + w / 2
    x = np.sqrt(np.sqrt(t * t - w / _WINITZKI) - t)
    finite = np.isfinite(x)
    x = np.where(finite, x, 0.0)
    small = a <= 0.5
    for _ in range(3):
        residual = np.where(small, _elementwise(math.erf, x) - a, (1 - a) - erfc(x))  # erf(x) - a either way
        step = residual / (2 / math.sqrt(math.pi) * np.exp(-x * x))
        x = x - step / (1 + x * step)  # Halley: erf'' / erf' = -2x
    x = np.where(a == 1, np.inf, np.where(finite, x, np.nan))
    return np.copysign(x, y)


def _cot_derivative(n: int) -> Polynomial:
    """Q_n with d^n/dz^n cot(z) = Q_n(cot z)."""
    q = Polynomial([0.0, 1.0])
    for _ in range(n):
        q = -Polynomial([1.0, 0.0, 1.0]) * q.deriv()
    return q


def _polygamma_asymptotic(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x) by its asymptotic series for x >= 15: relative error about 1e-12 up to n = 12, 1e-8 at n = 25."""
    if n == 0:
        total = np.log(x) - 1 / (2 * x)
        for k, b in enumerate(_BERNOULLI, start=1):
            total -= b / (2 * k * x ** (2 * k))
        return total
    total = math.factorial(n - 1) / x**n + math.factorial(n) / (2 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        total += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))
    return (-1) ** (n + 1) * total


def _polygamma_positive(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x) for x > 0: the recurrence up to ``_SHIFT_TO``, then the asymptotic series."""
    x = x.copy()
    shift = np.zeros_like(x)
    sign = (-1) ** n * math.factorial(n)
    while True:
        low = x < _SHIFT_TO
        if not low.any():
            break
        shift -= np.where(low, sign / np.where(low, x, 1.0) ** (n + 1), 0.0)
        x = np.where(low, x + 1, x)
    return _polygamma_asymptotic(n, x) + shift


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """The n-th derivative of digamma (n = 0: digamma itself) at every element of ``x``."""
    x = np.asarray(x, dtype=np.float64)
    positive = x > 0
    result = np.full(x.shape, np.nan)
    if positive.any():
        result[positive] = _polygamma_positive(n, x[positive])
    negative = (x < 0) & (x != np.floor(x)) & np.isfinite(x)
    if negative.any():
        v = x[negative]
        cot = 1 / np.tan(math.pi * v)
        result[negative] = (-1) ** n * _polygamma_positive(n, 1 - v) - math.pi ** (n + 1) * _cot_derivative(n)(cot)
    poles = (x <= 0) & (x == np.floor(x))
    if n == 0:
        result[x == 0] = np.copysign(np.inf, -x[x == 0])  # -inf from the right of +0, +inf at -0
    else:
        result[poles] = (-1) ** (n + 1) * np.inf
    return result


def i1(x: np.ndarray) -> np.ndarray:
    """The modified Bessel function I1 = I0': (x/2) sum_k (x^2/4)^k / (k! (k+1)!)."""
    x = np.asarray(x, dtype=np.float64)
    quarter = x * x / 4
    term = x / 2
    total = term.copy()
    for k in range(1, 2000):
        term = term * quarter / (k * (k + 1))
        total = total + term
        if not (np.abs(term) > 1e-17 * np.abs(total)).any():
            break
    return total


class Erfc(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return erfc(x).astype(x.dtype, copy=False)

    def backward(self, grad: np.ndarray) -> Grads:
        """d erfc(x)/dx = -2 / sqrt(pi) e^(-x^2)."""
        (x,) = self.saved_tensors
        return (grad * (-2 / math.sqrt(math.pi)) * np.exp(-x * x),)


class Erfinv(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = erfinv(x).astype(x.dtype, copy=False)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d erfinv(x)/dx = 1 / erf'(y) = sqrt(pi) / 2 e^(y^2), with y = erfinv(x)."""
        (out,) = self.saved_tensors
        return (grad * (math.sqrt(math.pi) / 2) * np.exp(out * out),)


class Lgamma(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return lgamma(x).astype(x.dtype, copy=False)

    def backward(self, grad: np.ndarray) -> Grads:
        """d log|Gamma(x)|/dx = digamma(x)."""
        (x,) = self.saved_tensors
        return (grad * polygamma(0, x).astype(x.dtype, copy=False),)


class Polygamma(Function):
    def forward(self, x: np.ndarray, n: int) -> np.ndarray:
        self.n = n
        self.save_for_backward(x)
        return polygamma(n, x).astype(x.dtype, copy=False)

    def backward(self, grad: np.ndarray) -> Grads:
        """d psi^(n)(x)/dx = psi^(n+1)(x) (digamma is n = 0)."""
        (x,) = self.saved_tensors
        return (grad * polygamma(self.n + 1, x).astype(x.dtype, copy=False),)


class I0(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.i0(x.astype(np.float64)).astype(x.dtype, copy=False)

    def backward(self, grad: np.ndarray) -> Grads:
        """d I0(x)/dx = I1(x)."""
        (x,) = self.saved_tensors
        return (grad * i1(x).astype(x.dtype, copy=False),)
