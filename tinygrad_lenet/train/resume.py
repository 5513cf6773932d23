"""What ``--resume`` does with the options given beside it: keep the run's, apply changes visibly,
or refuse them with the reason.

A resumed run continues with the configuration saved in its checkpoint; only the options the
user gave change anything. Some cannot change without making it another run (the model, the
optimizer's type, the loss, the data, the seed): they are refused. The others apply from the
next epoch, each with a note: a new learning rate or other optimizer setting is written into the
optimizer's state, and the schedule is rebuilt for the new settings and the new total of epochs,
at the epoch the run had reached (schedules are functions of the epoch, so an unchanged schedule
is rebuilt exactly as it was).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from ..base.errors import ResumeError
from ..nn.module import Module
from ..optim import default_lr
from ..optim.lr_scheduler import LRScheduler
from ..optim.optimizer import Optimizer
from .run_config import RunConfig

KEPT = ("model", "model_options", "optimizer", "loss", "data", "seed")
"""Options a resumed run cannot change: they would make it another run."""

CHANGEABLE = (
    "epochs",
    "batch_size",
    "lr",
    "momentum",
    "mu",
    "weight_decay",
    "schedule",
    "step_size",
    "gamma",
    "decay",
    "augment",
)
"""Options a resumed run applies from its next epoch, with a note."""

INVOCATION = ("out", "resume", "overwrite", "progress", "procs")
"""Options of one invocation of ``train``, not of the run: a checkpoint does not record them and a
resumed run never takes them from one (``procs``: a run continues with any number of ranks, each
giving the result of one process; the checkpoint's metadata notes the number that wrote it). A
resumed run writes into the folder that holds the checkpoint it continues, wherever that folder is
now (moved, copied, or reached from another working directory), unless ``--out`` is given."""

OPTIMIZER_SETTINGS = ("lr", "momentum", "mu", "weight_decay", "batch_size")  # batch_size: sdlm scales its step by it


def _same(a: Any, b: Any) -> bool:
    """Equal as saved in a checkpoint's JSON (tuples and lists alike)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def merge_config(config: RunConfig, saved: dict[str, Any], given: Iterable[str]) -> tuple[RunConfig, list[str]]:
    """The configuration of the resumed run and the notes saying what changed.

    ``config`` is the new :class:`RunConfig`, ``saved`` the one stored in the checkpoint, and
    ``given`` the names of the options the user set; every other option takes the saved value.
    """
    given = set(given)
    fields = {f.name for f in dataclasses.fields(config)}
    refused = [
        name for name in KEPT if name in given and name in saved and not _same(getattr(config, name), saved[name])
    ]
    if refused:
        name = refused[0]
        raise ResumeError(
            f"--resume {config.resume}: the run was trained with {name.replace('_', ' ')} {saved[name]!r}; "
            f"{getattr(config, name)!r} would make it another run, so it cannot be changed on resume "
            "(start a new run with another --out instead)"
        )
    values = {name: saved[name] for name in fields if name in saved and name not in given and name not in INVOCATION}
    merged = dataclasses.replace(config, **values)
    # a run saved without an lr trained at its optimizer's default (the optimizer is KEPT: merged has the run's)
    before = {**saved, "lr": default_lr(merged.optimizer) if saved.get("lr") is None else saved["lr"]}
    notes = [
        f"{name.replace('_', ' ')} {before[name]!r} -> {getattr(merged, name)!r}"
        for name in CHANGEABLE
        if name in given and name in saved and not _same(getattr(merged, name), before[name])
    ]
    return merged, notes


def resumed_training_state(
    state: dict[str, Any], config: RunConfig, model: Module, given: Iterable[str]
) -> tuple[Optimizer, LRScheduler | None, dict[str, Any]]:
    """The optimizer and scheduler of the resumed run, and the state ``fit`` resumes from.

    The optimizer is built from ``config`` and loads the saved state; the optimizer settings the
    user gave replace the saved ones; the schedule is rebuilt from ``config`` for its total of
    epochs and set to the epoch the run reached.
    """
    given = set(given)
    done = len(state["history"])
    optimizer = config.build_optimizer(model)
    optimizer.load_state_dict(state["optimizer"])
    for group in optimizer.param_groups:
        for name in OPTIMIZER_SETTINGS:
            if name in given and name in group and getattr(config, name) is not None:
                group[name] = getattr(config, name)
        if "lr" in given and config.lr is not None:
            group["initial_lr"] = config.lr
        group["lr"] = group.get("initial_lr", group["lr"])
    optimizer.check_hyperparameters(optimizer.param_groups[0])
    scheduler = config.build_scheduler(optimizer)
    if scheduler is not None:
        scheduler.last_epoch = done - 1
        scheduler.step()
    resumed = {**state, "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict() if scheduler else {}}
    return optimizer, scheduler, resumed
