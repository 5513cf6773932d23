"""The configuration of a training run (:class:`RunConfig`) and the optimizer and schedule it asks for.

``train_run`` builds a fresh run's optimizer and schedule from it; a resumed run builds the same
and then loads the saved state into them (see :mod:`resume`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..nn.module import Module
from ..optim import create_optimizer, create_scheduler
from ..optim.lr_scheduler import LRScheduler
from ..optim.optimizer import Optimizer


@dataclass
class RunConfig:
    """Everything that defines a training run (what ``tinygrad-lenet train`` parses into).

    ``out`` defaults to ``runs/MODEL``, or with ``resume`` to the folder of the checkpoint resumed.
    """

    model: str = "lenet5"
    model_options: dict[str, Any] = field(default_factory=dict)
    epochs: int = 10
    batch_size: int = 64
    optimizer: str = "adam"
    lr: float | None = None  # None: the optimizer's default, optim.default_lr(optimizer)
    momentum: float = 0.9
    mu: float = 0.02  # --optimizer sdlm's step lr / (mu + h)
    weight_decay: float = 0.0
    schedule: str = "constant"
    step_size: int = 10
    gamma: float = 0.1
    decay: float = 0.1
    loss: str = "cross_entropy"
    augment: bool = False
    data: str = "auto"
    data_dir: str | None = None
    seed: int = 0
    out: str | None = None
    resume: str | None = None
    overwrite: bool = False
    progress: bool = True
    threads: int | Literal["auto"] | None = None  # numpy's BLAS threads (None: numpy's default), or "auto" (threads.py)
    compile: bool = True  # train and evaluate through tl.compile (record once, replay; docs/performance.md)
    procs: int = 1  # data-parallel ranks, each with its share of every batch (data_parallel.py)

    def build_optimizer(self, model: Module) -> Optimizer:
        """The optimizer this run asks for, over ``model``'s parameters (``lr=None``: the optimizer's default)."""
        return create_optimizer(
            self.optimizer,
            model.parameters(),
            self.lr,
            self.momentum,
            self.weight_decay,
            self.batch_size,
            self.mu,
        )

    def build_scheduler(self, optimizer: Optimizer) -> LRScheduler | None:
        """The learning-rate schedule this run asks for over its ``epochs`` (None for "constant")."""
        return create_scheduler(self.schedule, optimizer, self.epochs, self.step_size, self.gamma, self.decay)
