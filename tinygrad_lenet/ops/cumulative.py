"""Cumulative ops along one dim: cumsum, cumprod and logcumsumexp (cummax and cummin gather, see ordering.py)."""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads


def _reverse_cumsum(a: np.ndarray, axis: int) -> np.ndarray:
    """sum_{k >= i} a_k along ``axis``."""
    return np.flip(np.cumsum(np.flip(a, axis), axis=axis), axis)


class Cumsum(Function):
    def forward(self, x: np.ndarray, axis: int) -> np.ndarray:
        self.axis = axis
        return np.cumsum(x, axis=axis)

    def backward(self, grad: np.ndarray) -> Grads:
        """y_k = sum_{i <= k} x_i, so dL/dx_i = sum_{k >= i} dL/dy_k: the reversed cumsum of the gradient."""
        return (_reverse_cumsum(grad, self.axis),)


class Cumprod(Function):
    def forward(self, x: np.ndarray, axis: int) -> np.ndarray:
        self.save_for_backward(x)
        self.axis = axis
        return np.cumprod(x, axis=axis)

    def backward(self, grad: np.ndarray) -> Grads:
        """y_k = prod_{j <= k} x_j, so dL/dx_i = sum_{k >= i} dL/dy_k prod_{j <= k, j != i} x_j. The products
        leaving x_i out are formed directly (x_i replaced by 1), never by dividing by x_i, so zeros are exact."""
        (x,) = self.saved_tensors
        moved, g = np.moveaxis(x, self.axis, -1), np.moveaxis(grad, self.axis, -1)
        n = moved.shape[-1]
        eye = np.eye(n, dtype=bool)
        without = np.where(eye, 1, moved[..., None, :])  # [..., i, j]: x_j, with x_i replaced by 1
        partial = np.cumprod(without, axis=-1)  # [..., i, k]: prod_{j <= k, j != i} x_j
        upper = np.triu(np.ones((n, n), dtype=bool))  # k >= i
        result = (np.where(upper, partial, 0) * g[..., None, :]).sum(axis=-1)
        return (np.moveaxis(result, -1, self.axis),)


class LogCumSumExp(Function):
    def forward(self, x: np.ndarray, axis: int) -> np.ndarray:
        out = np.logaddexp.accumulate(x, axis=axis) if x.size else x.copy()
        self.save_for_backward(x, out)
        self.axis = axis
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """y_k = log sum_{i <= k} e^{x_i}, so dL/dx_i = sum_{k >= i} dL/dy_k e^{x_i - y_k}. The sum is formed in
        log space for the positive and the negative gradients apart, so no exponential overflows."""
        x, out = self.saved_tensors
        if not x.size:
            return (np.zeros_like(x),)
        with np.errstate(divide="ignore", invalid="ignore"):
            parts = []
            for sign in (1.0, -1.0):
                log_g = np.log(np.maximum(sign * grad, 0)) - out
                rev = np.flip(np.logaddexp.accumulate(np.flip(log_g, self.axis), axis=self.axis), self.axis)
                parts.append(sign * np.exp(x + rev))
        return (parts[0] + parts[1],)
