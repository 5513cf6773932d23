"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .flat import FlatOptimizer


class Adadelta(FlatOptimizer):
    """PyTorch's Adadelta (Zeiler, 2012). For each parameter p with gradient g:

    g <- g + weight_decay * p
    v <- rho v + (1 - rho) g^2                      (v starts at 0)
    d <- sqrt(u + eps) / sqrt(v + eps) * g          (u starts at 0)
    u <- rho u + (1 - rho) d^2
    p <- p - lr d

    ``foreach`` chooses the flat step (the default) or ``foreach=False`` the per-parameter one (PyTorch has no
    ``fused`` for it): see ``FlatOptimizer``; both give the same bits.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        )

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        if not 0.0 <= group["rho"] <= 1.0 or group["eps"] < 0:
            raise ValueError(f"Adadelta: need 0 <= rho <= 1 and eps >= 0, got rho={group['rho']}, eps={group['eps']}")

    def rule(self, p: np.ndarray, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        rho, eps = group["rho"], group["eps"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p), acc_delta=np.zeros_like(p))
        state["step"] += 1
        v, u = state["square_avg"], state["acc_delta"]
        scratch, delta = np.empty_like(v), np.empty_like(v)  # in place below: two temporaries per step
        v *= rho
        v += np.multiply(np.multiply(grad, grad, out=scratch), 1 - rho, out=scratch)
        std = np.sqrt(np.add(v, eps, out=scratch), out=scratch)
        np.sqrt(np.add(u, eps, out=delta), out=delta)
        delta /= std
        delta *= grad
        u *= rho
        u += np.multiply(np.multiply(delta, delta, out=scratch), 1 - rho, out=scratch)
        p -= np.multiply(delta, group["lr"], out=delta)
