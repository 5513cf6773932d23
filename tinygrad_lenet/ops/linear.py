"""The fully connected layer's op, y = x W^T + b, with its backward rule in one node."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..autodiff.function import Function, Grads
from ..base.errors import ShapeError

if TYPE_CHECKING:
    from ..tensor.tensor import Tensor


def _on_rows(a: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``a @ m`` for ``a`` of shape (..., k): one 2-D product over the rows of ``a``, since numpy's
    stacked matmul with a transposed operand skips BLAS (~50x slower at (32, 64, 128)); a 2-D ``a``
    (LeNet-5's layers) goes straight to BLAS without the reshapes."""
    if a.ndim == 2:
        return a @ m
    return (a.reshape(-1, a.shape[-1]) @ m).reshape(*a.shape[:-1], m.shape[-1])


class Linear(Function):
    """y = x W^T + b for x of shape (..., in), W (out, in), b (out,).

    One node instead of a transpose, a matmul and an add: fewer graph steps, and the weight
    gradient is computed as dY^T X directly in W's (out, in) layout. Built from a matmul of W^T,
    it would be the transpose of X^T dY, a strided view that every optimizer update then reads
    with long strides (~15x slower per pass, docs/performance.md).
    """

    @classmethod
    def apply(cls, x: Tensor, weight: Tensor, *bias: Tensor) -> Tensor:  # type: ignore[override]  # its own inputs, checked first
        if weight.ndim != 2:
            raise ShapeError(f"linear: expected weight of shape (out_features, in_features), got {weight.shape}")
        if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
            raise ShapeError(
                f"linear: input of shape {x.shape} does not end in in_features={weight.shape[1]} "
                f"(weight {weight.shape}): expected (..., {weight.shape[1]})"
            )
        if bias and bias[0].shape != (weight.shape[0],):
            raise ShapeError(f"linear: bias must have shape ({weight.shape[0]},), got {bias[0].shape}")
        return super().apply(x, weight, *bias)

    def forward(self, x: np.ndarray, w: np.ndarray, *bias: np.ndarray) -> np.ndarray:
        self.save_for_backward(x, w)
        out = _on_rows(x, w.T)
        if bias:
            out += bias[0]
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """dX = dY W,  dW = dY^T X (summed over every leading axis of x),  db = sum of dY over those axes."""
        x, w = self.saved_tensors
        return self._input_products(grad, x, w)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Linear in x, W and b: d2E/dX2 = d2E/dY2 W^2,  d2E/dW2 = (d2E/dY2)^T X^2,
        d2E/db2 = sum of d2E/dY2 (squares elementwise; each weight sums over the batch)."""
        x, w = self.saved_tensors
        return self._input_products(h, x * x, w * w)

    def _input_products(self, grad: np.ndarray, x: np.ndarray, w: np.ndarray) -> Grads:
        g2 = grad.reshape(-1, w.shape[0])
        dx = _on_rows(grad, w) if self.needs_input_grad[0] else None
        dw = g2.T @ x.reshape(-1, w.shape[1]) if self.needs_input_grad[1] else None
        if len(self.needs_input_grad) == 3:
            return dx, dw, (g2.sum(axis=0) if self.needs_input_grad[2] else None)
        return dx, dw
