"""Pointwise primitive ops beyond the basics: trigonometric and hyperbolic functions and their inverses,
exponentials and logarithms of other bases, reciprocals, sinc, the piecewise-constant functions (rounding,
sign, angle) and nan_to_num.

Each takes one floating-point array and returns one of the same dtype (the Tensor methods turn integer
inputs into float32 first, as PyTorch does). Out-of-domain inputs (asin of 2, log2 of -1) give NaN
silently, as in PyTorch. The special functions (erfc, erfinv, lgamma, digamma, polygamma, i0) are in
``special.py``; erf is in ``activation.py``.
"""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.function import Function, Grads


class Sin(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.sin(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d sin(x)/dx = cos x."""
        (x,) = self.saved_tensors
        return (grad * np.cos(x),)


class Cos(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.cos(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d cos(x)/dx = -sin x."""
        (x,) = self.saved_tensors
        return (-grad * np.sin(x),)


class Tan(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.tan(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d tan(x)/dx = 1 + tan^2 x."""
        (out,) = self.saved_tensors
        return (grad * (1 + out * out),)


class Asin(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.arcsin(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d asin(x)/dx = 1 / sqrt(1 - x^2)."""
        (x,) = self.saved_tensors
        return (grad / np.sqrt(1 - x * x),)


class Acos(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.arccos(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d acos(x)/dx = -1 / sqrt(1 - x^2)."""
        (x,) = self.saved_tensors
        return (-grad / np.sqrt(1 - x * x),)


class Atan(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.arctan(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d atan(x)/dx = 1 / (1 + x^2)."""
        (x,) = self.saved_tensors
        return (grad / (1 + x * x),)


class Sinh(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.sinh(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d sinh(x)/dx = cosh x."""
        (x,) = self.saved_tensors
        return (grad * np.cosh(x),)


class Cosh(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.cosh(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d cosh(x)/dx = sinh x."""
        (x,) = self.saved_tensors
        return (grad * np.sinh(x),)


class Asinh(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.arcsinh(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d asinh(x)/dx = 1 / sqrt(x^2 + 1)."""
        (x,) = self.saved_tensors
        return (grad / np.sqrt(x * x + 1),)


class Acosh(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.arccosh(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d acosh(x)/dx = 1 / sqrt(x^2 - 1) = 1 / (sqrt(x - 1) sqrt(x + 1))."""
        (x,) = self.saved_tensors
        return (grad / (np.sqrt(x - 1) * np.sqrt(x + 1)),)


class Atanh(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.arctanh(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d atanh(x)/dx = 1 / (1 - x^2)."""
        (x,) = self.saved_tensors
        return (grad / (1 - x * x),)


class Exp2(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.exp2(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d 2^x/dx = 2^x log 2."""
        (out,) = self.saved_tensors
        return (grad * out * math.log(2),)


class Expm1(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.expm1(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d (e^x - 1)/dx = e^x = y + 1."""
        (out,) = self.saved_tensors
        return (grad * (out + 1),)


class Log1p(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.log1p(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d log(1 + x)/dx = 1 / (1 + x)."""
        (x,) = self.saved_tensors
        return (grad / (1 + x),)


class Log2(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.log2(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d log2(x)/dx = 1 / (x log 2)."""
        (x,) = self.saved_tensors
        return (grad / (x * math.log(2)),)


class Log10(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.log10(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d log10(x)/dx = 1 / (x log 10)."""
        (x,) = self.saved_tensors
        return (grad / (x * math.log(10)),)


class Reciprocal(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = 1 / x
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d (1/x)/dx = -1/x^2 = -y^2."""
        (out,) = self.saved_tensors
        return (-grad * out * out,)


class Rsqrt(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = 1 / np.sqrt(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d x^(-1/2)/dx = -x^(-3/2) / 2 = -y^3 / 2."""
        (out,) = self.saved_tensors
        return (-0.5 * grad * out * out * out,)


class Sinc(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.sinc(x)
        self.save_for_backward(x, out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d sinc(x)/dx = (cos(pi x) - sinc x) / x, with sinc x = sin(pi x) / (pi x); 0 at x = 0."""
        x, out = self.saved_tensors
        zero = x == 0
        slope = (np.cos(math.pi * x) - out) / np.where(zero, 1, x)
        return (grad * np.where(zero, 0, slope),)


class NanToNum(Function):
    def forward(self, x: np.ndarray, nan: float, posinf: float | None, neginf: float | None) -> np.ndarray:
        self.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, grad: np.ndarray) -> Grads:
        """dy/dx = 1 where x is finite, 0 where it was replaced (NaN or +-inf)."""
        (x,) = self.saved_tensors
        return (grad * np.isfinite(x),)


class PiecewiseConstant(Function):
    """A function that is constant between its jumps: its gradient is 0 everywhere, as PyTorch's."""

    def backward(self, grad: np.ndarray) -> Grads:
        """dy/dx = 0 (almost everywhere; PyTorch's convention at the jumps too)."""
        return (np.zeros_like(grad),)


class Floor(PiecewiseConstant):
    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.floor(x)


class Ceil(PiecewiseConstant):
    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.ceil(x)


class Trunc(PiecewiseConstant):
    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.trunc(x)


class Round(PiecewiseConstant):
    def forward(self, x: np.ndarray, decimals: int) -> np.ndarray:
        # half to even; by x * 10^d (or x / 10^-d), rounded and scaled back, as PyTorch
        return np.round(x, decimals)


class Sign(PiecewiseConstant):
    def forward(self, x: np.ndarray) -> np.ndarray:
        # [x > 0] - [x < 0]: 0 at NaN, as PyTorch (numpy's sign gives NaN)
        return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


class Angle(PiecewiseConstant):
    def forward(self, x: np.ndarray) -> np.ndarray:
        # the argument of a real number: pi for x < 0, 0 otherwise (also -0.0), NaN stays NaN
        return np.where(np.isnan(x), x, np.where(x < 0, math.pi, 0.0)).astype(x.dtype, copy=False)
