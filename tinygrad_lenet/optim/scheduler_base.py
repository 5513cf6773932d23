"""The base of the learning-rate schedules: an epoch counter and a closed form ``lr_at(epoch, base_lr)``."""

from __future__ import annotations

from typing import Any

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
        """The learning rate for ``epoch`` (counted from 0) of a group whose initial lr is
        ``base_lr``: the formula each schedule writes here."""
        raise NotImplementedError

    def next_lrs(self) -> list[float]:
        """Each group's learning rate at ``last_epoch`` (just moved on): ``lr_at`` of its initial lr. A
        schedule that follows the groups' current lr instead (``SWALR``) overrides this."""
        return [self.lr_at(self.last_epoch, base) for base in self.base_lrs]

    def step(self) -> None:
        """Move to the next epoch and set its learning rate in every parameter group."""
        self.last_epoch += 1
        self._last_lr = self.next_lrs()
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as last set by ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer and functions (a LambdaLR's lambda is not saved)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer" and not callable(v)}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the scheduler's position and settings from ``state_dict()``."""
        self.__dict__.update(state_dict)
