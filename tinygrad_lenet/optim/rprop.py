"""Rprop: each weight's own step size, grown while its gradient keeps its sign and shrunk when it flips."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from .optimizer import Optimizer


class Rprop(Optimizer):
    """PyTorch's Rprop (Riedmiller & Braun, 1993), for full-batch training. For each weight, with its previous
    gradient g' (0 at the start) and its step size s (``lr`` at the start):

        s <- clip(s eta_plus, step_min, step_max)      if g g' > 0   (same sign: speed up)
        s <- clip(s eta_minus, step_min, step_max)     if g g' < 0   (the minimum was overshot: slow down,
             g <- 0                                                   and take no step this time)
        p <- p - sign(g) s,   g' <- g

    Only the sign of the gradient is used, never its size. ``etas`` = (eta_minus, eta_plus),
    ``step_sizes`` = (step_min, step_max).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50.0),
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize))

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        eta_minus, eta_plus = group["etas"]
        if not 0.0 < eta_minus < 1.0 < eta_plus:
            raise ValueError(f"Rprop: etas must satisfy 0 < eta_minus < 1 < eta_plus, got {group['etas']}")

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        eta_minus, eta_plus = group["etas"]
        step_min, step_max = group["step_sizes"]
        if not state:
            state.update(step=0, prev=np.zeros_like(p._array), step_size=np.full_like(p._array, group["lr"]))
        state["step"] += 1
        sign = np.sign(grad * state["prev"])
        factor = np.select([sign > 0, sign < 0, sign == 0], [eta_plus, eta_minus, 1.0], default=sign).astype(p.dtype)
        step_size = state["step_size"]
        step_size *= factor
        np.clip(step_size, step_min, step_max, out=step_size)
        grad = np.where(sign < 0, 0.0, grad)
        p._array -= np.sign(grad) * step_size
        state["prev"] = grad.astype(p.dtype, copy=False)
