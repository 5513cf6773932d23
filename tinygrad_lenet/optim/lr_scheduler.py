"""Learning-rate schedules by epoch, with PyTorch's names: call ``scheduler.step()`` once per epoch.

Each schedule is a closed form ``lr(epoch)`` of the group's initial lr; ``step()`` advances the
epoch counter and writes the new lr into every parameter group of the optimizer.
"""

from __future__ import annotations

import bisect
import math
from typing import Any, Callable, Sequence

from .optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses define ``lr_at(epoch, base_lr)``."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, epoch: int, base_lr: float) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Move to the next epoch and set its learning rate in every parameter group."""
        self.last_epoch += 1
        self._last_lr = [self.lr_at(self.last_epoch, base) for base in self.base_lrs]
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as last set by ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer and functions (a LambdaLR's lambda is not saved)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer" and not callable(v)}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)


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

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1, last_epoch: int = -1) -> None:
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

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], values: Sequence[float], last_epoch: int = -1) -> None:
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
    def lecun1998(cls, optimizer: Optimizer) -> "PiecewiseConstantLR":
        """The global learning-rate schedule of LeCun et al. (1998), section III-B / appendix C."""
        milestones, values = cls.LECUN_1998
        return cls(optimizer, milestones, values)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return self.values[bisect.bisect_right(self.milestones, epoch)]
