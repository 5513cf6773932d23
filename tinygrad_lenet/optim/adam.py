"""Adam and AdamW: per-parameter step sizes from running averages of the gradient and its square."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .flat import FlatOptimizer


def check_betas_and_eps(name: str, group: dict[str, Any]) -> None:
    """The range checks of Adam and its relatives: two betas in [0, 1) and eps >= 0."""
    if not all(0.0 <= b < 1.0 for b in group["betas"]) or len(group["betas"]) != 2:
        raise ValueError(f"{name}: betas must be two numbers in [0, 1), got {group['betas']}")
    if group["eps"] < 0:
        raise ValueError(f"{name}: invalid eps {group['eps']} (must be >= 0)")


class Adam(FlatOptimizer):
    """PyTorch's Adam (Kingma & Ba, 2015). At step t, for each parameter p with gradient g:

        g <- g + weight_decay * p                       (L2 penalty, folded into the gradient)
        m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    With ``amsgrad``, v in the last line is the largest v so far (Reddi et al., 2018). ``foreach`` and
    ``fused`` choose the flat step (the default) or ``foreach=False`` the per-parameter one: see
    ``FlatOptimizer``; both give the same bits.
    """

    decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=tuple(betas),
                eps=eps,
                weight_decay=weight_decay,
                amsgrad=amsgrad,
                maximize=maximize,
                foreach=foreach,
                fused=fused,
            ),
        )

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_betas_and_eps(type(self).__name__, group)

    def rule(self, p: np.ndarray, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if wd and self.decoupled:
            p *= 1 - lr * wd
        elif wd:
            grad = grad + wd * p
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        scratch = np.empty_like(m)  # every line below writes in place: one temporary per step, not seven
        m *= beta1
        m += np.multiply(grad, 1 - beta1, out=scratch)
        v *= beta2
        v += np.multiply(np.multiply(grad, grad, out=scratch), 1 - beta2, out=scratch)
        if group["amsgrad"]:  # the largest v so far, in place (starting from 0 leaves the first v, >= 0, as it is)
            if "max_exp_avg_sq" not in state:
                state["max_exp_avg_sq"] = np.zeros_like(v)
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        denom = np.sqrt(v, out=scratch)
        denom /= math.sqrt(1 - beta2**t)
        denom += group["eps"]
        p -= np.multiply(np.divide(m, denom, out=scratch), lr / (1 - beta1**t), out=scratch)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): p <- p (1 - lr weight_decay)
    before the Adam step, instead of adding weight_decay * p to the gradient."""

    decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        fused: bool | None = None,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize, fused=fused)
