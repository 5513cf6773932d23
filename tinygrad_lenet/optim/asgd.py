"""ASGD: SGD with a decaying step size that also keeps a running average of the weights it visits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..base.dtypes import get_default_dtype
from ..tensor.tensor import Tensor
from .optimizer import Optimizer


def _scalar(value: float) -> float:
    """``value`` rounded to the default float dtype, the precision PyTorch keeps ASGD's eta and mu in."""
    return float(np.dtype(get_default_dtype()).type(value))


class ASGD(Optimizer):
    """PyTorch's averaged SGD (Polyak & Juditsky, 1992). At step t, with step size eta (``lr`` at the start) and
    averaging weight mu (1 at the start):

        g <- g + weight_decay * p
        p <- p (1 - lambd eta) - eta g
        ax <- ax + mu (p - ax)         (ax <- p while mu = 1)
        eta <- lr / (1 + lambd lr t)^alpha,   mu <- 1 / max(1, t - t0)

    The parameters follow plain (decaying) SGD; ``state[p]["ax"]`` is the average of the iterates since step
    ``t0``, which is the estimate the method is named for (copy it into the model to evaluate it).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, maximize=maximize)
        )

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state.update(step=0, eta=_scalar(lr), mu=1.0, ax=np.zeros_like(p._array))
        state["step"] += 1
        t, eta = state["step"], state["eta"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p._array
        p._array *= 1 - lambd * eta
        p._array -= eta * grad
        if state["mu"] != 1:
            state["ax"] += (p._array - state["ax"]) * state["mu"]
        else:
            state["ax"] = p._array.copy()
        state["eta"] = _scalar(lr / (1 + lambd * lr * t) ** group["alpha"])
        state["mu"] = _scalar(1 / max(1, t - group["t0"]))
