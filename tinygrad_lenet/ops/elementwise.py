"""Elementwise primitive ops: arithmetic, powers, exp/log, activations, clip, cast, where.

Binary ops broadcast like numpy; the engine sums each input's gradient back to its shape
(``function.unbroadcast``), so the rules below are written for same-shaped operands.
Out-of-domain inputs (log or sqrt of a negative) give NaN silently, as in PyTorch (numpy's
warnings are silenced for every op, in ``Function.apply`` and the engine); ``detect_anomaly()``
finds where.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.function import Function, Grads
from ..base.errors import ShapeError

if TYPE_CHECKING:
    from ..tensor.base import TensorBase
    from ..tensor.tensor import Tensor


class BinaryOp(Function):
    """A broadcasting op; a shape mismatch raises ``ShapeError`` naming every operand's shape."""

    @classmethod
    def apply(cls, *inputs: TensorBase) -> Tensor:  # type: ignore[override]  # takes no keyword arguments
        try:
            return super().apply(*inputs)
        except ValueError:
            shapes = " and ".join(str(t.shape) for t in inputs)
            raise ShapeError(
                f"{cls.__name__}: shapes {shapes} cannot be broadcast together "
                "(aligned from the right, each pair of sizes must be equal or one of them 1)"
            ) from None


class Add(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    def backward(self, grad: np.ndarray) -> Grads:
        """d(a+b)/da = 1, d(a+b)/db = 1."""
        return grad, grad

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Linear: d2E/da2 = d2E/db2 = d2E/dy2 (exact)."""
        return h, h


class Sub(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a - b

    def backward(self, grad: np.ndarray) -> Grads:
        """d(a-b)/da = 1, d(a-b)/db = -1."""
        return grad, (-grad if self.needs_input_grad[1] else None)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Linear: d2E/da2 = d2E/db2 = (+-1)^2 d2E/dy2 (exact)."""
        return h, h


class Mul(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return a * b

    def backward(self, grad: np.ndarray) -> Grads:
        """d(ab)/da = b, d(ab)/db = a."""
        a, b = self.saved_tensors
        da = grad * b if self.needs_input_grad[0] else None
        db = grad * a if self.needs_input_grad[1] else None
        return da, db

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """d2E/da2 = b^2 d2E/dy2, d2E/db2 = a^2 d2E/dy2 (d2y/da2 = 0: exact on the diagonal)."""
        a, b = self.saved_tensors
        return (h * (b * b) if self.needs_input_grad[0] else None, h * (a * a) if self.needs_input_grad[1] else None)


class Div(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = a / b
        self.save_for_backward(b, out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b."""
        b, out = self.saved_tensors
        da = grad / b if self.needs_input_grad[0] else None
        db = -grad * out / b if self.needs_input_grad[1] else None
        return da, db


class Pow(BinaryOp):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = a**b
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d(a^b)/da = b a^(b-1) (0 where b = 0), d(a^b)/db = a^b log(a) (0 where a = 0 and b >= 0, the
        limit from the right, as PyTorch: not 0 * log 0 = NaN)."""
        a, b, out = self.saved_tensors
        da = np.where(b == 0, 0.0, grad * b * a ** (b - 1)) if self.needs_input_grad[0] else None
        db = np.where((a == 0) & (b >= 0), 0.0, grad * out * np.log(a)) if self.needs_input_grad[1] else None
        return da, db

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """For the base, the exact rule, curvature kept (Pow makes squared-error criteria):
        d2E/da2 = (b a^(b-1))^2 d2E/dy2 + b (b-1) a^(b-2) dE/dy. A varying exponent has no rule."""
        if self.needs_input_grad[1]:
            raise NotImplementedError("Pow: backward_diag_gn has no rule for a tensor exponent")
        a, b, _ = self.saved_tensors
        slope = b * a ** (b - 1)
        return h * slope * slope + grad * b * (b - 1) * a ** (b - 2), None


class _Extremum(BinaryOp):
    """max or min of two tensors; subclasses set ``pick`` (the value) and ``wins`` (where a does)."""

    pick: Any
    wins: Any

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return self.pick(a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """d max(a,b)/da = [a>b] + [a=b]/2 (ties split evenly), d/db = 1 - d/da; min alike with <."""
        a, b = self.saved_tensors
        share = self.wins(a, b) + 0.5 * (a == b)
        da = grad * share if self.needs_input_grad[0] else None
        db = grad * (1 - share) if self.needs_input_grad[1] else None
        return da, db


class Maximum(_Extremum):
    pick, wins = staticmethod(np.maximum), staticmethod(np.greater)


class Minimum(_Extremum):
    pick, wins = staticmethod(np.minimum), staticmethod(np.less)


class Where(BinaryOp):
    def forward(self, cond: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(cond)
        return np.where(cond, a, b)

    def backward(self, grad: np.ndarray) -> Grads:
        """d where(c,a,b)/da = [c], d/db = [not c]; the condition gets no gradient."""
        (cond,) = self.saved_tensors
        da = np.where(cond, grad, 0) if self.needs_input_grad[1] else None
        db = np.where(cond, 0, grad) if self.needs_input_grad[2] else None
        return None, da, db


class Neg(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        return -x

    def backward(self, grad: np.ndarray) -> Grads:
        """d(-x)/dx = -1."""
        return (-grad,)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """d2E/dx2 = (-1)^2 d2E/dy2."""
        return (h,)


class Exp(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.exp(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d exp(x)/dx = exp(x)."""
        (out,) = self.saved_tensors
        return (grad * out,)


class Log(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.log(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d log(x)/dx = 1/x."""
        (x,) = self.saved_tensors
        return (grad / x,)


class Sqrt(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.sqrt(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d sqrt(x)/dx = 1 / (2 sqrt(x))."""
        (out,) = self.saved_tensors
        return (grad / (2 * out),)


class Abs(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return np.abs(x)

    def backward(self, grad: np.ndarray) -> Grads:
        """d|x|/dx = sign(x) (0 at x = 0)."""
        (x,) = self.saved_tensors
        return (grad * np.sign(x),)


class Relu(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.maximum(x, 0)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d relu(x)/dx = [x > 0]."""
        (out,) = self.saved_tensors
        return (grad * (out > 0),)


class Sigmoid(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        # exp(-|x|) never overflows: 1/(1+e) for x >= 0 and e/(1+e) for x < 0.
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1, e) / (1 + e)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d sigmoid(x)/dx = s (1 - s), with s = sigmoid(x)."""
        (out,) = self.saved_tensors
        return (grad * out * (1 - out),)


class Tanh(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.tanh(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """d tanh(x)/dx = 1 - tanh(x)^2."""
        (out,) = self.saved_tensors
        return (grad * (1 - out * out),)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Gauss-Newton: d2E/dx2 = (1 - tanh(x)^2)^2 d2E/dy2 (the f''(x) dE/dy term is dropped)."""
        (out,) = self.saved_tensors
        slope = 1 - out * out
        return (h * slope * slope,)


class Clip(Function):
    def forward(
        self, x: np.ndarray, low: float | None = None, high: float | None = None, at_bounds: bool = True
    ) -> np.ndarray:
        self.save_for_backward(x)
        self.low, self.high, self.at_bounds = low, high, at_bounds
        return np.clip(x, low, high)

    def backward(self, grad: np.ndarray) -> Grads:
        """d clip(x, lo, hi)/dx = [lo <= x <= hi] (clamp), or [lo < x < hi] with ``at_bounds=False``
        (hardtanh, relu6: PyTorch passes no gradient at the bounds there)."""
        (x,) = self.saved_tensors
        inside = np.ones(x.shape, dtype=bool)
        if self.low is not None:
            inside &= (x >= self.low) if self.at_bounds else (x > self.low)
        if self.high is not None:
            inside &= (x <= self.high) if self.at_bounds else (x < self.high)
        return (grad * inside,)


class Cast(Function):
    def forward(self, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        return x.astype(dtype)

    def backward(self, grad: np.ndarray) -> Grads:
        """d cast(x)/dx = 1 (the engine casts the gradient back to x's dtype)."""
        return (grad,)
