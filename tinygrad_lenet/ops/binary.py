"""Binary elementwise primitive ops beyond the arithmetic of ``elementwise.py``: atan2, hypot, fmod,
remainder, copysign, fmax/fmin, xlogy, logaddexp(2), clamping by tensor bounds, and the regularized
incomplete gamma functions.

They broadcast like numpy (``BinaryOp``); the engine sums each input's gradient back to its shape, so the
rules below are written for same-shaped operands. Integer and boolean results (bitwise, logical,
comparisons, gcd) are computed by the Tensor methods directly, outside the graph.
"""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.function import Grads
from ..base.errors import GradError
from .elementwise import BinaryOp


def _need(fn: BinaryOp, i: int, value: np.ndarray) -> np.ndarray | None:
    """``value`` if input ``i`` of ``fn`` needs a gradient, else None."""
    return value if fn.needs_input_grad[i] else None


class Atan2(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return np.arctan2(a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """d atan2(a,b)/da = b/(a^2+b^2), d/db = -a/(a^2+b^2)."""
        a, b = self.saved_tensors
        scale = grad / (a * a + b * b)
        return _need(self, 0, scale * b), _need(self, 1, -scale * a)


class Hypot(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.hypot(a, b)
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d hypot(a,b)/da = a/hypot(a,b), d/db = b/hypot(a,b)."""
        a, b, out = self.saved_tensors
        return _need(self, 0, grad * a / out), _need(self, 1, grad * b / out)


class Fmod(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return np.fmod(a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """fmod(a,b) = a - trunc(a/b) b: d/da = 1, d/db = -trunc(a/b)."""
        a, b = self.saved_tensors
        return grad, _need(self, 1, -grad * np.trunc(a / b))


class Remainder(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return np.remainder(a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """remainder(a,b) = a - floor(a/b) b: d/da = 1, d/db = -floor(a/b)."""
        a, b = self.saved_tensors
        return grad, _need(self, 1, -grad * np.floor(a / b))


class Copysign(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.copysign(a, b)
        self.save_for_backward(a, out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d copysign(a,b)/da = out/a (+-1; 0 at a = 0, as PyTorch), d/db = 0."""
        a, out = self.saved_tensors
        ratio = np.where(a == 0, 0.0, out / np.where(a == 0, 1.0, a))
        return _need(self, 0, grad * ratio), _need(self, 1, np.zeros_like(grad))


class _NanIgnoringExtremum(BinaryOp):
    """fmax / fmin: the larger (smaller) of a and b, the other one where one is NaN; ties go to a."""

    def _a_wins(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return np.where(self._a_wins(a, b), a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """d fmax(a,b)/da = [a >= b or b is NaN], d/db = the rest (fmin alike with <=)."""
        a, b = self.saved_tensors
        wins = self._a_wins(a, b)
        return _need(self, 0, np.where(wins, grad, 0.0)), _need(self, 1, np.where(wins, 0.0, grad))


class Fmax(_NanIgnoringExtremum):
    def _a_wins(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a >= b) | np.isnan(b)


class Fmin(_NanIgnoringExtremum):
    def _a_wins(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a <= b) | np.isnan(b)


class Xlogy(BinaryOp):
    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.save_for_backward(x, y)
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log(y)).astype(np.result_type(x, y))

    def backward(self, grad: np.ndarray) -> Grads:
        """d xlogy(x,y)/dx = log y (0 where x = 0 and y <= 0, as PyTorch), d/dy = x/y."""
        x, y = self.saved_tensors
        dx = np.where((grad == 0) & ~np.isnan(y), 0.0, grad * np.log(y))
        dx = np.where((x == 0) & (y <= 0), 0.0, dx)
        return _need(self, 0, dx), _need(self, 1, grad * x / y)


class LogAddExp(BinaryOp):
    base = math.e

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return np.logaddexp(a, b) if self.base == math.e else np.logaddexp2(a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """d log(e^a + e^b)/da = 1/(1 + e^(b-a)), d/db = 1/(1 + e^(a-b)); base 2 alike with 2^."""
        a, b = self.saved_tensors
        share = 1 / (1 + np.power(self.base, b - a))
        share = np.where(a == b, 0.5, share)  # also where a = b = +-inf, whose difference is NaN
        return _need(self, 0, grad * share), _need(self, 1, grad * (1 - share))


class LogAddExp2(LogAddExp):
    base = 2.0


class ClampMin(BinaryOp):
    def forward(self, x: np.ndarray, low: np.ndarray) -> np.ndarray:
        self.save_for_backward(x, low)
        return np.where(np.isnan(x) | (x >= low), x, low)

    def backward(self, grad: np.ndarray) -> Grads:
        """d max(x, lo)/dx = [x >= lo], d/dlo = [x < lo]."""
        x, low = self.saved_tensors
        below = x < low
        return _need(self, 0, np.where(below, 0.0, grad)), _need(self, 1, np.where(below, grad, 0.0))


class ClampMax(BinaryOp):
    def forward(self, x: np.ndarray, high: np.ndarray) -> np.ndarray:
        self.save_for_backward(x, high)
        return np.where(np.isnan(x) | (x <= high), x, high)

    def backward(self, grad: np.ndarray) -> Grads:
        """d min(x, hi)/dx = [x <= hi], d/dhi = [x > hi]."""
        x, high = self.saved_tensors
        above = x > high
        return _need(self, 0, np.where(above, 0.0, grad)), _need(self, 1, np.where(above, grad, 0.0))


class Nextafter(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.nextafter(a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """d nextafter(a,b)/da = 1 (a step of one ulp), d/db = 0, as PyTorch."""
        return grad, _need(self, 1, np.zeros_like(grad))


class _RoundedDiv(BinaryOp):
    """a / b rounded to an integer value: a step function, whose gradient is zero (as PyTorch's)."""

    def backward(self, grad: np.ndarray) -> Grads:
        """d round(a/b)/da = d/db = 0 (piecewise constant)."""
        zero = np.zeros_like(grad)
        return _need(self, 0, zero), _need(self, 1, zero)


class TruncDiv(_RoundedDiv):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.trunc(a / b)


class FloorDiv(_RoundedDiv):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.floor_divide(a, b)


_LGAMMA = np.vectorize(math.lgamma, otypes=[np.float64])
_STEPS = 400  # series terms / continued-fraction steps: enough for 1e-15 at the arguments seen in practice


def _lower_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) = x^a e^-x / Gamma(a+1) * sum_n x^n / ((a+1)...(a+n)), for x < a + 1."""
    term = np.ones_like(x)
    total = np.ones_like(x)
    for n in range(1, _STEPS):
        term = term * x / (a + n)
        total = total + term
    return total * np.exp(a * np.log(x) - x - _LGAMMA(a + 1))


def _upper_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) by Legendre's continued fraction (modified Lentz), for x >= a + 1."""
    tiny = 1e-300
    b = x + 1 - a
    c = np.full_like(x, 1 / tiny)
    d = 1 / b
    h = d
    for n in range(1, _STEPS):
        an = -n * (n - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        h = h * d * c
    return h * np.exp(a * np.log(x) - x - _LGAMMA(a))


def _gamma_edges(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) where a or x is 0, infinite, negative or NaN (PyTorch's values)."""
    edge = np.full(a.shape, np.nan)
    edge = np.where(np.isinf(a) & ~np.isinf(x), 0.0, edge)
    edge = np.where(np.isinf(x) & ~np.isinf(a), 1.0, edge)
    edge = np.where(x == 0, 0.0, edge)
    edge = np.where((a == 0) & (x > 0), 1.0, edge)
    return np.where((a < 0) | (x < 0) | np.isnan(a) | np.isnan(x), np.nan, edge)


def regularized_gamma_p(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The regularized lower incomplete gamma function P(a, x): the series below x = a + 1, the continued
    fraction of Q = 1 - P above it."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    regular = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    sa, sx = np.where(regular, a, 1.0), np.where(regular, x, 1.0)
    series = sx < sa + 1
    lower = _lower_series(sa, np.where(series, sx, 0.5))
    upper = _upper_fraction(sa, np.where(series, 2.0, sx))
    return np.where(regular, np.where(series, lower, 1 - upper), _gamma_edges(a, x))


class Igamma(BinaryOp):
    sign = 1.0

    def forward(self, a: np.ndarray, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, x)
        p = regularized_gamma_p(a, x)
        return (p if self.sign > 0 else 1 - p).astype(np.result_type(a, x))

    def backward(self, grad: np.ndarray) -> Grads:
        """dP(a,x)/dx = x^(a-1) e^-x / Gamma(a) (dQ/dx = -dP/dx); no rule for a, as in PyTorch."""
        if self.needs_input_grad[0]:
            raise GradError(f"{self.name}: the gradient with respect to a (the first input) is not implemented")
        a, x = self.saved_tensors
        return None, self.sign * grad * np.exp((a - 1) * np.log(x) - x - _LGAMMA(a))


class Igammac(Igamma):
    sign = -1.0
