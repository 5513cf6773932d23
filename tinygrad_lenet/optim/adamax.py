"""Adamax and NAdam: Adam with the infinity norm, and Adam with Nesterov momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from .adam import check_betas_and_eps
from .optimizer import Optimizer


class Adamax(Optimizer):
    """PyTorch's Adamax (Kingma & Ba, 2015, section 7). At step t, for each parameter p with gradient g:

    g <- g + weight_decay * p
    m <- beta1 m + (1 - beta1) g,   u <- max(beta2 u, |g| + eps)
    p <- p - lr / (1 - beta1^t) * m / u
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize))

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_betas_and_eps(type(self).__name__, group)

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p._array
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p._array), exp_inf=np.zeros_like(p._array))
        state["step"] += 1
        m = state["exp_avg"]
        m *= beta1
        m += (1 - beta1) * grad
        state["exp_inf"] = u = np.maximum(beta2 * state["exp_inf"], np.abs(grad) + eps)
        p._array -= lr / (1 - beta1 ** state["step"]) * m / u


class NAdam(Optimizer):
    """PyTorch's NAdam (Dozat, 2016). At step t, with momentum schedule mu_t = beta1 (1 - 0.5 0.96^(t psi))
    (psi = ``momentum_decay``) and P_t = mu_1 ... mu_t:

        g <- g + weight_decay * p   (with decoupled_weight_decay, NAdamW: p <- p (1 - lr weight_decay) instead)
        m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2,   d = sqrt(v / (1 - beta2^t)) + eps
        p <- p - lr (1 - mu_t) / (1 - P_t) g / d - lr mu_(t+1) / (1 - P_t mu_(t+1)) m / d
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=tuple(betas),
                eps=eps,
                weight_decay=weight_decay,
                momentum_decay=momentum_decay,
                maximize=maximize,
                decoupled_weight_decay=decoupled_weight_decay,
            ),
        )

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_betas_and_eps(type(self).__name__, group)

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps, psi = group["lr"], group["betas"], group["eps"], group["momentum_decay"]
        if group["weight_decay"] and group.get("decoupled_weight_decay"):  # NAdamW: decay the weights, not the grad
            p._array *= 1 - lr * group["weight_decay"]
        elif group["weight_decay"]:
            grad = grad + group["weight_decay"] * p._array
        if not state:
            state.update(step=0, mu_product=1.0, exp_avg=np.zeros_like(p._array), exp_avg_sq=np.zeros_like(p._array))
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu
        product = state["mu_product"]
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        v += (1 - beta2) * grad * grad
        denom = np.sqrt(v / (1 - beta2**t)) + eps
        p._array -= lr * (1 - mu) / (1 - product) * grad / denom
        p._array -= lr * mu_next / (1 - product * mu_next) * m / denom
