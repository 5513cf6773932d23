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

    @classmethod
    def lecun1998_scaled(cls, optimizer: Optimizer) -> "PiecewiseConstantLR":
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

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1 or total_iters < 1:
            raise ValueError("LinearLR: need 0 < start_factor <= 1, 0 <= end_factor <= 1 and total_iters >= 1, got "
                             f"{start_factor}, {end_factor}, {total_iters}")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing that restarts: cycle i lasts T_0 T_mult^i epochs; within a cycle, after
    T_cur of its T_i epochs, lr = eta_min + (base_lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2."""

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if T_0 < 1 or T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"CosineAnnealingWarmRestarts: need T_0 >= 1 and an integer T_mult >= 1, got {T_0}, {T_mult}")
        self.T_0, self.T_mult, self.eta_min = T_0, T_mult, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        t_cur, t_i = epoch, self.T_0
        while t_cur >= t_i:  # walk through the finished cycles (integer arithmetic: exact)
            t_cur, t_i = t_cur - t_i, t_i * self.T_mult
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


class SequentialLR(LRScheduler):
    """``schedulers[i]`` from epoch ``milestones[i-1]`` on, each counting its epochs from there."""

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int],
                 last_epoch: int = -1) -> None:
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR: need one milestone fewer than schedulers, got {len(milestones)} milestones "
                             f"and {len(schedulers)} schedulers")
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
        for scheduler, state in zip(self.schedulers, state_dict["schedulers"]):
            scheduler.load_state_dict(state)
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "schedulers"})


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith, 2018), stepped once per batch: lr rises from max_lr / div_factor to
    ``max_lr`` over the first ``pct_start`` of ``total_steps``, then anneals to
    max_lr / (div_factor final_div_factor); momentum (or Adam's beta1) moves the opposite way
    between ``max_momentum`` and ``base_momentum``. Cosine or linear annealing, as PyTorch."""

    def __init__(self, optimizer: Optimizer, max_lr: float, total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: float = 0.85, max_momentum: float = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
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
        self.phases = ([(up, initial, peak, max_momentum, base_momentum),
                        (2 * up, peak, initial, base_momentum, max_momentum),
                        (total_steps - 1, initial, final, max_momentum, max_momentum)] if three_phase else
                       [(up, initial, peak, max_momentum, base_momentum),
                        (total_steps - 1, peak, final, base_momentum, max_momentum)])
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
        """(lr, momentum) at ``step``."""
        if step >= self.total_steps:
            raise ValueError(f"OneCycleLR: stepped {step + 1} times, more than total_steps={self.total_steps}")
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


class ReduceLROnPlateau:
    """Multiply the lr by ``factor`` when a metric has not improved for ``patience`` epochs:
    ``scheduler.step(val_loss)`` once per epoch. As PyTorch: ``mode`` min or max, ``threshold``
    relative or absolute, ``cooldown`` epochs after a reduction, ``min_lr`` as a floor, and a
    reduction smaller than ``eps`` is skipped."""

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | Sequence[float] = 0.0, eps: float = 1e-8) -> None:
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1, got {factor}")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: mode must be min or max and threshold_mode rel or abs, got {mode}, "
                             f"{threshold_mode}")
        self.optimizer, self.mode, self.factor, self.patience = optimizer, mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown, self.eps = threshold, threshold_mode, cooldown, eps
        groups = len(optimizer.param_groups)
        self.min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * groups
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs, self.cooldown_counter, self.last_epoch = 0, 0, 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def _better(self, value: float) -> bool:
        if self.mode == "min":
            bound = self.best * (1 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return value < bound
        bound = self.best * (1 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return value > bound

    def step(self, metrics: float) -> None:
        value = float(metrics)
        self.last_epoch += 1
        if self._better(value):
            self.best, self.num_bad_epochs = value, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, floor in zip(self.optimizer.param_groups, self.min_lrs):
                new = max(group["lr"] * self.factor, floor)
                if group["lr"] - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
