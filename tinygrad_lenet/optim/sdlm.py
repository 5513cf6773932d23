"""Stochastic diagonal Levenberg-Marquardt (LeCun et al., 1998, appendix C): a step size per parameter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..base.errors import GradError
from ..tensor.tensor import Tensor
from .optimizer import Optimizer


class SDLM(Optimizer):
    """p <- p - lr * batch_size / (mu + h_p) * g, per parameter element.

    h_p is the diagonal Gauss-Newton estimate of d2E/dp2 for one pattern, averaged over a set
    of samples (the paper: 500) by ``estimate_curvature(closure)``, where ``closure()`` returns
    the mean loss over those samples; it runs ``loss.backward_diag_gn()`` and keeps each
    parameter's ``.diag_gn`` fixed until the next estimate. The paper estimates before every
    pass on ``curvature_samples`` (500) random training patterns: ``before_epoch``, which
    ``train.fit`` calls before every epoch, does so. ``mu`` keeps steps bounded where the
    curvature is small.

    The paper updates after every pattern (``batch_size=1``). With mini-batches of B patterns
    and a mean loss, ``batch_size=B`` scales the step by B, so that one step moves as far as the
    B per-pattern steps it replaces would (to first order): the same ``lr`` then means the same.
    """

    curvature_samples = 500
    """How many random training patterns ``before_epoch`` estimates the curvature on (the paper's 500)."""

    def __init__(self, params: Iterable[Any], lr: float = 5e-4, mu: float = 0.02, batch_size: int = 1) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"SDLM: batch_size must be an int >= 1, got {batch_size!r}")
        super().__init__(params, dict(lr=lr, mu=mu, batch_size=batch_size))

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        if not group["mu"] > 0:
            raise ValueError(f"SDLM: mu must be > 0, got {group['mu']}")

    def estimate_curvature(self, closure: Callable[[], Tensor]) -> Tensor:
        """Set every parameter's h from one ``backward_diag_gn()`` of ``closure()``; returns the loss."""
        params = self._all_params()
        for p in params:
            p.grad = p.diag_gn = None
        loss = closure()
        loss.backward_diag_gn()
        for p in params:
            if p.diag_gn is not None:
                self.state.setdefault(p, {})["h"] = p.diag_gn._array.copy()  # >= 0: a sum of squares and curvatures
            p.grad = p.diag_gn = None
        return loss

    def before_epoch(self, sample_loss: Callable[[int], Tensor]) -> None:
        """Re-estimate the curvature on ``curvature_samples`` random training patterns before a pass."""
        self.estimate_curvature(lambda: sample_loss(self.curvature_samples))

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        if "h" not in state:
            raise GradError(
                "SDLM: no curvature estimate yet: call optimizer.estimate_curvature(closure) before "
                "the first step (train.fit does it before every pass)"
            )
        p._array -= (group["lr"] * group["batch_size"]) / (group["mu"] + state["h"]) * grad
