"""OneCycleLR: the 1cycle policy, stepped once per batch."""

from __future__ import annotations

import math

from .optimizer import Optimizer
from .scheduler_base import LRScheduler


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith, 2018), stepped once per batch: lr rises from max_lr / div_factor to
    ``max_lr`` over the first ``pct_start`` of ``total_steps``, then anneals to
    max_lr / (div_factor final_div_factor); momentum (or Adam's beta1) moves the opposite way
    between ``max_momentum`` and ``base_momentum``. Cosine or linear annealing, as PyTorch."""

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
            total_steps = epochs * steps_per_epoch
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.total_steps, self.anneal_strategy, self.cycle_momentum = total_steps, anneal_strategy, cycle_momentum
        initial, peak = max_lr / div_factor, max_lr
        final = initial / final_div_factor
        up = float(pct_start * total_steps) - 1
        self.phases = (
            [
                (up, initial, peak, max_momentum, base_momentum),
                (2 * up, peak, initial, base_momentum, max_momentum),
                (total_steps - 1, initial, final, max_momentum, max_momentum),
            ]
            if three_phase
            else [
                (up, initial, peak, max_momentum, base_momentum),
                (total_steps - 1, peak, final, base_momentum, max_momentum),
            ]
        )
        for group in optimizer.param_groups:
            group["initial_lr"], group["max_lr"], group["min_lr"] = initial, peak, final
        self.uses_betas = cycle_momentum and "betas" in optimizer.defaults
        if cycle_momentum and not self.uses_betas and "momentum" not in optimizer.defaults:
            raise ValueError("OneCycleLR: the optimizer has no momentum or betas to cycle; pass cycle_momentum=False")
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _at(self, step: int) -> tuple[float, float]:
        """(lr, momentum) at ``step``; as PyTorch's, the step after the last batch (``step == total_steps``, the
        scheduler's step at the end of a loop of ``total_steps`` batches) is allowed, one more is not."""
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times; the specified number of total steps is {self.total_steps}"
            )
        start = 0.0
        for end, lr0, lr1, m0, m1 in self.phases:
            if step <= end or end == self.phases[-1][0]:
                pct = (step - start) / (end - start)
                return self._anneal(lr0, lr1, pct), self._anneal(m0, m1, pct)
            start = end
        raise AssertionError("unreachable")

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return self._at(epoch)[0]

    def step(self) -> None:
        super().step()
        if self.cycle_momentum:
            momentum = self._at(self.last_epoch)[1]
            for group in self.optimizer.param_groups:
                if self.uses_betas:
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum
