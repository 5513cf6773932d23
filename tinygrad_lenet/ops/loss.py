"""Loss primitives that need a fused rule to stay finite at the edges of their domain."""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads

LOG_FLOOR = -100.0
"""Logs are clamped here, as PyTorch does, so a prediction of exactly 0 or 1 costs 100, not inf."""


class BinaryCrossEntropy(Function):
    def forward(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        log_p = np.maximum(np.log(p), LOG_FLOOR)
        log_q = np.maximum(np.log1p(-p), LOG_FLOOR)
        self.save_for_backward(p, t, log_p, log_q)
        return -(t * log_p + (1 - t) * log_q)

    def backward(self, grad: np.ndarray) -> Grads:
        """For l = -(t log p + (1-t) log(1-p)): dl/dp = (p - t) / max(p (1-p), 1e-12),
        dl/dt = log(1-p) - log(p)."""
        p, t, log_p, log_q = self.saved_tensors
        dp = grad * (p - t) / np.maximum(p * (1 - p), 1e-12) if self.needs_input_grad[0] else None
        dt = grad * (log_q - log_p) if self.needs_input_grad[1] else None
        return dp, dt
