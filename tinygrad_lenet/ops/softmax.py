"""Numerically stable softmax, log-softmax and logsumexp along one or more dims.

Each subtracts the maximum before exponentiating, so logits of magnitude 1e5 stay finite.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads


def _logsumexp(x: np.ndarray, axes: tuple[int, ...] | int) -> np.ndarray:
    """log(sum(exp(x))) over ``axes``, kept as size-1 dims; finite for any finite x, and -inf
    (the log of an empty sum) over no elements, as in PyTorch."""
    if x.size == 0:
        return np.log(np.zeros_like(x).sum(axis=axes, keepdims=True))
    m = x.max(axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    return m + np.log(np.exp(x - m).sum(axis=axes, keepdims=True))


class LogSumExp(Function):
    def forward(self, x: np.ndarray, axes: tuple[int, ...], keepdim: bool) -> np.ndarray:
        out = _logsumexp(x, axes)
        self.save_for_backward(x, out)
        self.axes, self.keepdim = axes, keepdim
        return out if keepdim else np.squeeze(out, axes)

    def backward(self, grad: np.ndarray) -> Grads:
        """d logsumexp(x)/dx_i = exp(x_i - logsumexp(x)) = softmax(x)_i."""
        x, out = self.saved_tensors
        g = grad if self.keepdim else np.expand_dims(grad, self.axes)
        return (g * np.exp(x - out),)


class Softmax(Function):
    def forward(self, x: np.ndarray, dim: int) -> np.ndarray:
        out = np.exp(x - _logsumexp(x, dim))
        self.save_for_backward(out)
        self.dim = dim
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """For s = softmax(x): dL/dx = s * (dL/ds - sum_j dL/ds_j s_j)."""
        (s,) = self.saved_tensors
        return (s * (grad - (grad * s).sum(axis=self.dim, keepdims=True)),)


class LogSoftmax(Function):
    def forward(self, x: np.ndarray, dim: int) -> np.ndarray:
        out = x - _logsumexp(x, dim)
        self.save_for_backward(out)
        self.dim = dim
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """For y = log_softmax(x): dL/dx = dL/dy - softmax(x) * sum_j dL/dy_j."""
        (out,) = self.saved_tensors
        return (grad - np.exp(out) * grad.sum(axis=self.dim, keepdims=True),)
