"""Optimizers and learning-rate schedules by name, as the command line and the examples ask for them
(``--optimizer momentum --schedule cosine``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import lr_scheduler
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .asgd import ASGD
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sdlm import SDLM
from .sgd import SGD

OPTIMIZERS = (
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "adamw",
    "sdlm",
    "radam",
    "asgd",
    "adafactor",
)
"""The optimizer names ``tinygrad-lenet train --optimizer`` and ``optim.create_optimizer`` accept. Not here:
LBFGS (its step needs a closure the training loop does not give, and it is a full-batch method), Rprop
(full-batch: minibatch gradients flip sign too often for it) and Muon (it refuses the biases and convolution
kernels every model here has, being for 2-D weight matrices only)."""
DEFAULT_LR = {
    "sgd": 0.05,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adagrad": 0.01,
    "rmsprop": 1e-3,
    "adam": 1e-3,
    "adamw": 1e-3,
    "sdlm": 5e-4,
    "radam": 1e-3,
    "asgd": 1e-2,
    "adafactor": 1e-2,
}
"""The learning rate each named optimizer uses when none is given: the one home of these defaults
(``create_optimizer``, the help of ``--lr`` and the notes of a resumed run read it)."""
SCHEDULES = ("constant", "step", "exponential", "cosine", "inverse", "lecun1998", "lecun1998-scaled")
"""The learning-rate schedule names ``tinygrad-lenet train --schedule`` and ``optim.create_scheduler`` accept."""
APPLIES_TO = {
    "momentum": ("momentum", "nesterov"),
    "step_size": ("step",),
    "gamma": ("step", "exponential"),
    "decay": ("inverse",),
    "mu": ("sdlm",),
}
"""The settings that only some optimizers or schedules use, and which ones (the others ignore them)."""


def default_lr(name: str) -> float:
    """The learning rate the optimizer ``name`` uses when none is given (``DEFAULT_LR``)."""
    if name not in DEFAULT_LR:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return DEFAULT_LR[name]


def create_optimizer(
    name: str,
    params: Iterable[Any],
    lr: float | None = None,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    batch_size: int = 1,
    mu: float = 0.02,
) -> Optimizer:
    """An optimizer by name; "momentum" and "nesterov" are SGD with (Nesterov) momentum.

    ``lr=None`` takes the name's default learning rate (``default_lr(name)``). ``batch_size`` and ``mu``
    are for "sdlm", which scales its step by the batch size (the paper's per-pattern steps) and
    divides it by ``mu + h`` (see ``SDLM``).
    """
    lr = default_lr(name) if lr is None else lr
    if name in ("sgd", "momentum", "nesterov"):
        return SGD(
            params,
            lr=lr,
            momentum=0.0 if name == "sgd" else momentum,
            nesterov=name == "nesterov",
            weight_decay=weight_decay,
        )
    if name == "sdlm":
        if weight_decay:
            raise ValueError("sdlm: weight_decay is not part of the paper's method; leave it at 0")
        return SDLM(params, lr=lr, mu=mu, batch_size=batch_size)
    cls = {
        "adagrad": Adagrad,
        "rmsprop": RMSprop,
        "adam": Adam,
        "adamw": AdamW,
        "radam": RAdam,
        "asgd": ASGD,
        "adafactor": Adafactor,
    }[name]
    return cls(params, lr=lr, weight_decay=weight_decay)


def create_scheduler(
    name: str, optimizer: Optimizer, epochs: int, step_size: int = 10, gamma: float = 0.1, decay: float = 0.1
) -> lr_scheduler.LRScheduler | None:
    """A learning-rate schedule by name over ``epochs`` epochs (None for "constant")."""
    if name == "constant":
        return None
    if name == "step":
        return lr_scheduler.StepLR(optimizer, step_size, gamma)
    if name == "exponential":
        return lr_scheduler.ExponentialLR(optimizer, gamma)
    if name == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, max(epochs, 1))
    if name == "inverse":
        return lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0 / (1.0 + decay * epoch))
    if name == "lecun1998":
        return lr_scheduler.PiecewiseConstantLR.lecun1998(optimizer)
    if name == "lecun1998-scaled":
        return lr_scheduler.PiecewiseConstantLR.lecun1998_scaled(optimizer)
    raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
