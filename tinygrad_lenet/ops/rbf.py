"""The output layer and criterion of LeNet-5 (1998): Euclidean RBF distances and the MAP criterion.

Both keep their exact second derivatives in ``diag_gn``: they are where the curvature that
``backward_diag_gn`` propagates comes from (second_order.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..autodiff.function import Function, Grads
from ..base.errors import ShapeError

if TYPE_CHECKING:
    from ..tensor.tensor import Tensor


class EuclideanRBF(Function):
    """y[n, i] = sum_j (x[n, j] - c[i, j])^2: the squared distance of each input to each center.

    x is (N, F), the centers c are (K, F); y is (N, K).
    """

    @classmethod
    def apply(cls, x: Tensor, centers: Tensor) -> Tensor:  # type: ignore[override]  # its own inputs, checked first
        if x.ndim != 2 or centers.ndim != 2 or x.shape[1] != centers.shape[1]:
            raise ShapeError(
                f"EuclideanRBF: expected input (N, F) and centers (K, F) with the same F, got "
                f"{x.shape} and {centers.shape}"
            )
        return super().apply(x, centers)

    def forward(self, x: np.ndarray, c: np.ndarray) -> np.ndarray:
        diff = x[:, None, :] - c[None, :, :]  # (N, K, F)
        self.save_for_backward(diff)
        return np.einsum("nkf,nkf->nk", diff, diff)

    def backward(self, grad: np.ndarray) -> Grads:
        """dy_i/dx_j = 2 (x_j - c_ij),  dy_i/dc_ij = -2 (x_j - c_ij)."""
        (diff,) = self.saved_tensors
        weighted = 2 * grad[:, :, None] * diff
        return (
            weighted.sum(axis=1) if self.needs_input_grad[0] else None,
            -weighted.sum(axis=0) if self.needs_input_grad[1] else None,
        )

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Exact on the diagonal (d2y_i/dx_j2 = 2, no other second derivative):
        d2E/dx_j2 = sum_i (2 (x_j - c_ij))^2 d2E/dy_i2 + 2 sum_i dE/dy_i, and alike for c over n."""
        (diff,) = self.saved_tensors
        slope2 = 4 * diff * diff * h[:, :, None] + 2 * grad[:, :, None]
        return (
            slope2.sum(axis=1) if self.needs_input_grad[0] else None,
            slope2.sum(axis=0) if self.needs_input_grad[1] else None,
        )


class MAPCriterion(Function):
    """E_n = y[n, t_n] + log(exp(-j) + sum_i exp(-y[n, i])): eq. 9 of the paper, per sample, on
    RBF distances y (N, K) with target classes t. The constant j > 0 is a "none of these" class
    that keeps the criterion from rewarding pushing every distance up at once."""

    @classmethod
    def apply(cls, y: Tensor, targets: np.ndarray, j: float) -> Tensor:  # type: ignore[override]  # its own inputs, checked first
        return super().apply(y, targets=targets, j=j)

    def forward(self, y: np.ndarray, targets: np.ndarray, j: float) -> np.ndarray:
        z = -y
        top = np.maximum(z.max(axis=1, keepdims=True), -j)  # log-sum-exp without overflow
        e = np.exp(z - top)
        total = e.sum(axis=1, keepdims=True) + np.exp(-j - top)
        p = e / total  # the share of each class; 1 - sum(p) is the share of exp(-j)
        rows = np.arange(len(y))
        self.save_for_backward(p)
        self.rows, self.targets = rows, targets
        return y[rows, targets] + (top + np.log(total))[:, 0]

    def _slope(self) -> np.ndarray:
        (p,) = self.saved_tensors
        slope = -p
        slope[self.rows, self.targets] += 1
        return slope

    def backward(self, grad: np.ndarray) -> Grads:
        """dE/dy_i = [i = t] - p_i, with p_i = exp(-y_i) / (exp(-j) + sum_k exp(-y_k))."""
        return (grad[:, None] * self._slope(),)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Exact on the diagonal: d2E/dy_i2 = p_i (1 - p_i), so
        d2E/dy_i2 (total) = ([i = t] - p_i)^2 d2E/dE2 + p_i (1 - p_i) dE/dE."""
        (p,) = self.saved_tensors
        slope = self._slope()
        return (h[:, None] * slope * slope + grad[:, None] * p * (1 - p),)
