"""RAdam: Adam whose adaptive step is switched on gradually, as the variance of its estimate allows."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from .adam import check_betas_and_eps
from .optimizer import Optimizer


class RAdam(Optimizer):
    """PyTorch's RAdam (Liu et al., 2020, "On the Variance of the Adaptive Learning Rate"). At step t:

        g <- g + weight_decay * p            (with decoupled_weight_decay: p <- p (1 - lr weight_decay) instead)
        m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2,   m_hat = m / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1,   rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        p <- p - lr m_hat r_t sqrt(1 - beta2^t) / (sqrt(v) + eps)      if rho_t > 5
        p <- p - lr m_hat                                              otherwise (SGD with momentum)

    where r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)) rectifies the variance
    of the adaptive step while few gradients have been averaged.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=tuple(betas),
                eps=eps,
                weight_decay=weight_decay,
                decoupled_weight_decay=decoupled_weight_decay,
                maximize=maximize,
            ),
        )

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_betas_and_eps(type(self).__name__, group)

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p._array), exp_avg_sq=np.zeros_like(p._array))
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        if wd and group["decoupled_weight_decay"]:
            p._array *= 1 - lr * wd
        elif wd:
            grad = grad + wd * p._array
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        correction1, correction2 = 1 - beta1**t, 1 - beta2**t
        m_hat = m / correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / correction2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            p._array -= m_hat * lr * (math.sqrt(correction2) / (np.sqrt(v) + group["eps"])) * rect
        else:
            p._array -= m_hat * lr
