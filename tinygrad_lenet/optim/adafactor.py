"""Adafactor: Adam-like steps whose second-moment estimate of a matrix is stored as one row and one column."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from .optimizer import Optimizer


class Adafactor(Optimizer):
    """PyTorch's Adafactor (Shazeer & Stern, 2018). At step t, with beta2_t = 1 - t^beta2_decay:

        rho_t = min(lr, 1 / sqrt(t)),   alpha_t = max(eps2, RMS(p)) rho_t
        p <- p (1 - lr weight_decay)
        for a matrix (the last two dims of a parameter of 2 or more dims):
            R <- beta2_t R + (1 - beta2_t) mean(g^2, last dim)    (one value per row)
            C <- beta2_t C + (1 - beta2_t) mean(g^2, rows)         (one value per column)
            v = R C / max(mean(R), eps1)
        for a vector: v <- beta2_t v + (1 - beta2_t) g^2
        u = g / sqrt(max(v, eps1^2)),   p <- p - alpha_t u / max(1, RMS(u) / d)

    Storing R and C instead of v saves the memory of one copy of each matrix. eps = (eps1, eps2), where
    eps1 = None is the machine epsilon of the parameter's dtype; d is the update-clipping threshold.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d, weight_decay=weight_decay, maximize=maximize),
        )

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        eps1, eps2 = group["eps"]
        if (eps1 is not None and eps1 < 0) or eps2 < 0:
            raise ValueError(f"Adafactor: eps must be (None or a number >= 0, a number >= 0), got {group['eps']}")
        if group["beta2_decay"] > 0:
            raise ValueError(f"Adafactor: beta2_decay must be <= 0, got {group['beta2_decay']}")
        if group["d"] < 1:
            raise ValueError(f"Adafactor: the clipping threshold d must be >= 1, got {group['d']}")

    def state_shape(self, name: str, p: Tensor) -> tuple[int, ...]:
        """The factored statistics have a 1 in the last (``row_var``) or second-to-last (``col_var``) dim."""
        shape = list(p.shape)
        if name in ("row_var", "col_var"):
            shape[-1 if name == "row_var" else -2] = 1
        return tuple(shape)

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, eps1, (_, eps2) = group["lr"], group["eps"][0], group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        if not state:
            state["step"] = 0
            if grad.ndim > 1:
                state["row_var"] = np.zeros(self.state_shape("row_var", p), dtype=p.dtype)
                state["col_var"] = np.zeros(self.state_shape("col_var", p), dtype=p.dtype)
            else:
                state["variance"] = np.zeros_like(p._array)
        state["step"] += 1
        t = state["step"]
        weight = float(t) ** group["beta2_decay"]  # 1 - beta2_t: the weight of the new statistics
        rho = min(lr, 1 / t**0.5)
        alpha = max(eps2, float(np.linalg.norm(p._array)) / math.sqrt(p._array.size)) * rho
        if group["weight_decay"]:
            p._array *= 1 - lr * group["weight_decay"]
        if grad.ndim > 1:
            row, col = state["row_var"], state["col_var"]
            row += weight * (np.mean(grad * grad, axis=-1, keepdims=True) - row)
            col += weight * (np.mean(grad * grad, axis=-2, keepdims=True) - col)
            estimate = (row @ col) / np.maximum(np.mean(row, axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"]
            variance += weight * (grad * grad - variance)
            estimate = variance
        step = grad / np.sqrt(np.maximum(estimate, eps1 * eps1))
        denom = max(1.0, float(np.linalg.norm(step)) / (math.sqrt(step.size) * group["d"]))
        p._array -= alpha / denom * step
