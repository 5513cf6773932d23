"""Learning-rate schedules by epoch, with PyTorch's names: call ``scheduler.step()`` once per epoch.

Each schedule is a closed form ``lr(epoch)`` of the group's initial lr; ``step()`` advances the
epoch counter and writes the new lr into every parameter group of the optimizer. The base class
is in ``scheduler_base.py``; OneCycleLR (stepped per batch) and ReduceLROnPlateau (stepped with a
metric) have files of their own and are here under their PyTorch names too.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from typing import Any

from .one_cycle import OneCycleLR
from .optimizer import Optimizer
from .plateau import ReduceLROnPlateau
from .scheduler_base import LRScheduler

__all__ = [
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "PiecewiseConstantLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size): e.g. x0.1 every 10 epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        if step_size < 1:
            raise ValueError(f"StepLR: step_size must be >= 1, got {step_size}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class MultiStepLR(LRScheduler):
    """lr = base_lr * gamma ** (number of milestones <= epoch)."""

    def __init__(
        self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.milestones, self.gamma = sorted(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) (1 + cos(pi epoch / T_max)) / 2."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be >= 1, got {T_max}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch), e.g. ``lambda e: 1 / (1 + 0.1 * e)`` for 1/(1+decay) decay."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float], last_epoch: int = -1) -> None:
        self.lr_lambda = lr_lambda
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.lr_lambda(epoch)


class PiecewiseConstantLR(LRScheduler):
    """lr = values[k] for epochs from milestones[k-1] up to milestones[k] (absolute values, every group).

    ``values`` has one entry more than ``milestones``. The 1998 LeNet-5 paper's schedule over 20
    passes is ``PiecewiseConstantLR.lecun1998(optimizer)``: 5e-4 for epochs 0-1, 2e-4 for 2-4,
    1e-4 for 5-7, 5e-5 for 8-11 and 1e-5 from 12 on (epochs counted from 0).
    """

    LECUN_1998 = ((2, 5, 8, 12), (5e-4, 2e-4, 1e-4, 5e-5, 1e-5))

    def __init__(
        self, optimizer: Optimizer, milestones: Sequence[int], values: Sequence[float], last_epoch: int = -1
    ) -> None:
        if len(values) != len(milestones) + 1:
            raise ValueError(
                f"PiecewiseConstantLR: need one value more than milestones, got {len(milestones)} milestones "
                f"and {len(values)} values"
            )
        if list(milestones) != sorted(milestones):
            raise ValueError(f"PiecewiseConstantLR: milestones must be increasing, got {list(milestones)}")
        self.milestones, self.values = list(milestones), list(values)
        super().__init__(optimizer, last_epoch)

    @classmethod
    def lecun1998(cls, optimizer: Optimizer) -> PiecewiseConstantLR:
        """The global learning-rate schedule of LeCun et al. (1998), section III-B / appendix C."""
        milestones, values = cls.LECUN_1998
        return cls(optimizer, milestones, values)

    @classmethod
    def lecun1998_scaled(cls, optimizer: Optimizer) -> PiecewiseConstantLR:
        """The paper's schedule times (the optimizer's lr / 5e-4): the same steps down by pass,
        from the optimizer's own lr (the paper's 5e-4 diverges here, see docs/lenet5-1998.md)."""
        milestones, values = cls.LECUN_1998
        scale = optimizer.param_groups[0]["lr"] / values[0]
        return cls(optimizer, milestones, [v * scale for v in values])

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return self.values[bisect.bisect_right(self.milestones, epoch)]


class LinearLR(LRScheduler):
    """lr = base_lr * factor, the factor going linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` epochs and staying there (a warm-up)."""

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1 or total_iters < 1:
            raise ValueError(
                "LinearLR: need 0 < start_factor <= 1, 0 <= end_factor <= 1 and total_iters >= 1, got "
                f"{start_factor}, {end_factor}, {total_iters}"
            )
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing that restarts: cycle i lasts T_0 T_mult^i epochs; within a cycle, after
    T_cur of its T_i epochs, lr = eta_min + (base_lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2."""

    def __init__(
        self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if T_0 < 1 or T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(
                f"CosineAnnealingWarmRestarts: need T_0 >= 1 and an integer T_mult >= 1, got {T_0}, {T_mult}"
            )
        self.T_0, self.T_mult, self.eta_min = T_0, T_mult, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        t_cur, t_i = epoch, self.T_0
        while t_cur >= t_i:  # walk through the finished cycles (integer arithmetic: exact)
            t_cur, t_i = t_cur - t_i, t_i * self.T_mult
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


class SequentialLR(LRScheduler):
    """``schedulers[i]`` from epoch ``milestones[i-1]`` on, each counting its epochs from there."""

    def __init__(
        self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int], last_epoch: int = -1
    ) -> None:
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR: need one milestone fewer than schedulers, got {len(milestones)} milestones "
                f"and {len(schedulers)} schedulers"
            )
        if any(s.optimizer is not optimizer for s in schedulers):
            raise ValueError("SequentialLR: every scheduler must belong to the optimizer given")
        self.schedulers, self.milestones = list(schedulers), list(milestones)
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        index = bisect.bisect_right(self.milestones, epoch)
        start = self.milestones[index - 1] if index else 0
        return self.schedulers[index].lr_at(epoch - start, base_lr)

    def state_dict(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "schedulers") and not callable(v)}
        return {**state, "schedulers": [s.state_dict() for s in self.schedulers]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state of every scheduler in the sequence and the position in it (from ``state_dict()``)."""
        for scheduler, state in zip(self.schedulers, state_dict["schedulers"]):
            scheduler.load_state_dict(state)
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "schedulers"})
