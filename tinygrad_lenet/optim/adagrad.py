"""Adagrad: per-parameter step sizes shrinking with the sum of all past squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .flat import FlatOptimizer


class Adagrad(FlatOptimizer):
    """PyTorch's Adagrad (Duchi et al., 2011). At step t, for each parameter p with gradient g:

    g <- g + weight_decay * p
    s <- s + g^2                       (s starts at initial_accumulator_value)
    p <- p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)

    ``foreach`` and ``fused`` choose the flat step (the default) or ``foreach=False`` the per-parameter one:
    see ``FlatOptimizer``; both give the same bits.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                lr_decay=lr_decay,
                weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value,
                eps=eps,
                foreach=foreach,
                maximize=maximize,
                fused=fused,
            ),
        )

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        if group["lr_decay"] < 0 or group["eps"] < 0 or group["initial_accumulator_value"] < 0:
            raise ValueError("Adagrad: lr_decay, eps and initial_accumulator_value must be >= 0")

    def rule(self, p: np.ndarray, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p
        if not state:
            state.update(step=0, sum=np.full_like(p, group["initial_accumulator_value"]))
        state["step"] += 1
        lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        p -= lr * grad / (np.sqrt(state["sum"]) + group["eps"])
