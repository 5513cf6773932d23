"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .flat import FlatOptimizer


class RMSprop(FlatOptimizer):
    """PyTorch's RMSprop. For each parameter p with gradient g:

    g <- g + weight_decay * p
    s <- alpha s + (1 - alpha) g^2
    d <- sqrt(s - a^2) + eps with a <- alpha a + (1 - alpha) g (centered), else sqrt(s) + eps
    b <- momentum b + g / d;  p <- p - lr b      (momentum > 0)
    p <- p - lr g / d                           (otherwise)

    ``foreach`` chooses the flat step (the default) or ``foreach=False`` the per-parameter one (PyTorch has no
    ``fused`` for it): see ``FlatOptimizer``; both give the same bits.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                alpha=alpha,
                eps=eps,
                weight_decay=weight_decay,
                momentum=momentum,
                centered=centered,
                foreach=foreach,
                maximize=maximize,
            ),
        )

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        if not 0.0 <= group["alpha"] <= 1.0 or group["momentum"] < 0 or group["eps"] < 0:
            raise ValueError(
                f"RMSprop: need 0 <= alpha <= 1, momentum >= 0 and eps >= 0, got alpha={group['alpha']}, "
                f"momentum={group['momentum']}, eps={group['eps']}"
            )

    def rule(self, p: np.ndarray, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        alpha = group["alpha"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p))
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += (1 - alpha) * grad
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + group["eps"]
        else:
            denom = np.sqrt(square_avg) + group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += grad / denom
            p -= group["lr"] * buf
        else:
            p -= group["lr"] * grad / denom
