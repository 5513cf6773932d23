"""Matrix product with numpy's ``matmul`` semantics: 1-D, 2-D and batched (broadcast) operands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..autodiff.function import Function, Grads, unbroadcast
from ..base.errors import ShapeError

if TYPE_CHECKING:
    from ..tensor.tensor import Tensor


def _swap(m: np.ndarray) -> np.ndarray:
    """Transpose the last two axes (the matrix transpose of every matrix in a batch)."""
    return np.swapaxes(m, -1, -2)


class Matmul(Function):
    @classmethod
    def apply(cls, a: Tensor, b: Tensor) -> Tensor:  # type: ignore[override]  # its own inputs, checked first
        if a.ndim == 0 or b.ndim == 0:
            raise ShapeError(f"Matmul: both operands need at least 1 dimension, got {a.shape} and {b.shape}")
        inner_a = a.shape[-1]
        inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
        if inner_a != inner_b:
            raise ShapeError(
                f"Matmul: cannot multiply {a.shape} by {b.shape}: the last dimension of the first "
                f"({inner_a}) must equal the {'first' if b.ndim == 1 else 'second-to-last'} "
                f"dimension of the second ({inner_b})"
            )
        try:
            return super().apply(a, b)
        except ValueError:
            raise ShapeError(
                f"Matmul: the batch dimensions of {a.shape} and {b.shape} cannot be broadcast together"
            ) from None

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.save_for_backward(a, b)
        return a @ b

    def backward(self, grad: np.ndarray) -> Grads:
        """For C = A B: dA = dC B^T, dB = A^T dC (1-D operands act as a row / a column)."""
        a, b = self.saved_tensors
        return self._input_products(grad, a, b)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """C is linear in each operand: d2E/dA2 = d2E/dC2 (B^2)^T, d2E/dB2 = (A^2)^T d2E/dC2
        (elementwise squares; exact on the diagonal when the other operand is constant)."""
        a, b = self.saved_tensors
        return self._input_products(h, a * a, b * b)

    def _input_products(self, grad: np.ndarray, a: np.ndarray, b: np.ndarray) -> Grads:
        a2 = a[np.newaxis, :] if a.ndim == 1 else a
        b2 = b[:, np.newaxis] if b.ndim == 1 else b
        g2 = grad
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        da = db = None
        if self.needs_input_grad[0]:
            da = unbroadcast(g2 @ _swap(b2), a2.shape).reshape(a.shape)
        if self.needs_input_grad[1]:
            db = unbroadcast(_swap(a2) @ g2, b2.shape).reshape(b.shape)
        return da, db
