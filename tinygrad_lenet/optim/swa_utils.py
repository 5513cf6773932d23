"""Weight averaging with PyTorch's ``torch.optim.swa_utils`` names: ``AveragedModel`` keeps a running average
of a model's weights, an exponential one (EMA) or an equal one (SWA, stochastic weight averaging);
``update_bn`` recomputes batch-norm statistics for averaged weights.

With ``w_t`` the model's weights after the t-th call of ``update_parameters`` (counted from 0), the average
``a`` starts as ``a_0 = w_0`` and then moves, by ``n`` the number of models averaged so far:

- SWA (the default): ``a_n = a_{n-1} + (w_n - a_{n-1}) / (n + 1)``, the mean of ``w_0 .. w_n``;
- EMA (``multi_avg_fn=get_ema_multi_avg_fn(decay)``): ``a_n = decay a_{n-1} + (1 - decay) w_n``.

The averages are taken outside the graph (no gradient flows through them). The list functions
(``multi_avg_fn``) update every weight with one ``_foreach_lerp_``, a few numpy operations per weight.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ..autodiff.grad_mode import no_grad
from ..base.devices import check_device
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from ..tensor.foreach import _foreach_lerp_
from ..tensor.tensor import Tensor
from .optimizer import Optimizer
from .scheduler_base import LRScheduler

AvgFn = Callable[[Tensor, Tensor, Any], Tensor]
"""``avg_fn(averaged, current, num_averaged)``: the new average of one weight."""
MultiAvgFn = Callable[[list[Tensor], list[Tensor], Any], None]
"""``multi_avg_fn(averaged, current, num_averaged)``: updates the averages of a list of weights in place."""

__all__ = [
    "SWALR",
    "AveragedModel",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]


def _check_decay(decay: float) -> None:
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """The EMA of one weight: returns ``decay a + (1 - decay) w``."""
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> AvgFn:
    """The equal average of one weight: returns ``a + (w - a) / (n + 1)``."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (int(num_averaged) + 1)

    return swa_update


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    """The EMA of a list of weights: ``a <- decay a + (1 - decay) w``, one ``_foreach_lerp_`` (weight
    ``1 - decay``) for floating weights."""
    one = get_ema_avg_fn(decay)  # (checks the decay)

    def ema_update(ema_param_list: list[Tensor], current_param_list: list[Tensor], n: Any) -> None:
        with no_grad():
            if ema_param_list[0].is_floating_point():
                _foreach_lerp_(ema_param_list, current_param_list, 1 - decay)
            else:
                _each(one, ema_param_list, current_param_list, n)

    return ema_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    """The equal average of a list of weights: ``a <- a + (w - a) / (n + 1)`` after ``n`` averaged (one
    ``_foreach_lerp_`` of weight ``1 / (n + 1)`` for floating weights)."""
    one = get_swa_avg_fn()

    def swa_update(averaged_param_list: list[Tensor], current_param_list: list[Tensor], num_averaged: Any) -> None:
        with no_grad():
            if averaged_param_list[0].is_floating_point():
                _foreach_lerp_(averaged_param_list, current_param_list, 1 / (int(num_averaged) + 1))
            else:  # integer buffers (use_buffers=True): the mean rounded toward zero, as PyTorch's default on the CPU
                _each(one, averaged_param_list, current_param_list, num_averaged)

    return swa_update


def _each(avg_fn: AvgFn, averaged: Sequence[Tensor], current: Sequence[Tensor], num_averaged: Any) -> None:
    """``avg_fn`` one weight at a time, each result written into its average (cast to its dtype)."""
    for a, c in zip(averaged, current, strict=True):
        a.copy_(avg_fn(a, c, num_averaged))


class AveragedModel(Module):
    """A copy of ``model`` (``.module``) whose weights are a running average of ``model``'s, as PyTorch's.

    Call ``update_parameters(model)`` after each optimizer step (or each epoch, for SWA); the first call
    copies the weights, each later one averages them in with ``multi_avg_fn`` (a list function, such as
    ``get_ema_multi_avg_fn(0.999)``) or ``avg_fn`` (one weight at a time), by default the equal average
    (SWA). ``n_averaged`` (a buffer) counts the calls. Calling the AveragedModel runs ``.module``.
    ``use_buffers=True`` averages the buffers too (batch-norm statistics); otherwise they are copied
    from ``model`` at each update (and ``update_bn`` can recompute them for the averaged weights).
    ``device`` must be the CPU. The averaging functions are not part of ``state_dict()``.
    """

    def __init__(
        self,
        model: Module,
        device: Any = None,
        avg_fn: AvgFn | None = None,
        multi_avg_fn: MultiAvgFn | None = None,
        use_buffers: bool = False,
    ) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel: expected a Module to average, got {type(model).__name__}")
        if device is not None:
            check_device(device)
        self.module = copy.deepcopy(model)
        self.register_buffer("n_averaged", Tensor(np.array(0, dtype=np.int64)))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The averaged model's output: ``self.module(*args, **kwargs)``."""
        return self.module(*args, **kwargs)

    def _weights(self, model: Module) -> list[Tensor]:
        """What is averaged: the parameters, and the buffers too with ``use_buffers``."""
        return list(itertools.chain(model.parameters(), model.buffers() if self.use_buffers else ()))

    def update_parameters(self, model: Module) -> None:
        """Average ``model``'s current weights in (the first call copies them); ``n_averaged`` += 1."""
        averaged, current = self._weights(self.module), self._weights(model)
        if len(averaged) != len(current):
            raise ValueError(
                f"AveragedModel.update_parameters: the model has {len(current)} weights to average, "
                f"the averaged copy {len(averaged)}; pass the model this AveragedModel was made from"
            )
        n = int(self.n_averaged._array)
        with no_grad():
            if n == 0:
                for a, c in zip(averaged, current):
                    a.copy_(c)
            elif self.multi_avg_fn is not None or self.avg_fn is None:
                average = self.multi_avg_fn or get_swa_multi_avg_fn()
                for group in _by_dtype(averaged, current):
                    average(*group, self.n_averaged)
            else:
                _each(self.avg_fn, averaged, current, self.n_averaged)
            if not self.use_buffers:
                for b_averaged, b_model in zip(self.module.buffers(), model.buffers(), strict=True):
                    b_averaged.copy_(b_model)
            self.n_averaged.add_(1)


def _by_dtype(averaged: Sequence[Tensor], current: Sequence[Tensor]) -> list[tuple[list[Tensor], list[Tensor]]]:
    """The (averaged, current) pairs grouped by dtype, as PyTorch groups them for the list functions."""
    groups: dict[Any, tuple[list[Tensor], list[Tensor]]] = {}
    for a, c in zip(averaged, current):
        pair = groups.setdefault(a.dtype, ([], []))
        pair[0].append(a)
        pair[1].append(c)
    return list(groups.values())


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute every batch norm's running statistics of ``model`` from one pass over ``loader``.

    The statistics are reset and become the cumulative average over the batches (momentum None) of the
    batch means and variances, as for averaged weights they must be; each batch is a tensor or a
    list/tuple whose first element is the input. Does nothing for a model without batch norm."""
    if device is not None:
        check_device(device)
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm) and module.track_running_stats:
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            model(batch[0] if isinstance(batch, (list, tuple)) else batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """PyTorch's schedule for the SWA phase: from the lr each group has when it starts, anneal to ``swa_lr``
    (one value, or one per group) over ``anneal_epochs`` steps, then hold it.

    With t = min(1, step / anneal_epochs) and alpha = (1 - cos(pi t)) / 2 ("cos") or t ("linear"), the
    lr at each step is swa_lr alpha + lr_0 (1 - alpha), where lr_0 is recovered from the group's current
    lr and the previous step's alpha (so another schedule may have moved the lr before this one starts).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr: float | list[float],
        anneal_epochs: int = 10,
        anneal_strategy: str = "cos",
        last_epoch: int = -1,
    ) -> None:
        swa_lrs = swa_lr if isinstance(swa_lr, (list, tuple)) else [swa_lr] * len(optimizer.param_groups)
        if len(swa_lrs) != len(optimizer.param_groups):
            raise ValueError(
                f"swa_lr must have the same length as optimizer.param_groups. swa_lr has {len(swa_lrs)} values, "
                f"param_groups has {len(optimizer.param_groups)}."
            )
        for value, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must by one of 'cos' or 'linear', instead got {anneal_strategy}")
        if isinstance(anneal_epochs, bool) or not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs, self.anneal_strategy = anneal_epochs, anneal_strategy
        super().__init__(optimizer, last_epoch)

    def _alpha(self, t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2 if self.anneal_strategy == "cos" else t

    def next_lrs(self) -> list[float]:
        """Each group's lr at the new step (see the class docstring), from the lr it has now."""
        step = max(1, self.last_epoch) if self.anneal_epochs == 0 else self.last_epoch
        previous = self._alpha(max(0.0, min(1.0, (step - 1) / max(1, self.anneal_epochs))))
        alpha = self._alpha(max(0.0, min(1.0, step / max(1, self.anneal_epochs))))
        lrs = []
        for group in self.optimizer.param_groups:
            start = group["swa_lr"] if previous == 1 else (group["lr"] - previous * group["swa_lr"]) / (1 - previous)
            lrs.append(group["swa_lr"] * alpha + start * (1 - alpha))
        return lrs
