"""Reading a training checkpoint (what ``fit`` saves) with every check a user's file needs.

A training checkpoint is a checkpoint (``tl.save``) holding ``model`` (a state dict),
``optimizer``, ``scheduler``, ``history``, ``rng`` and ``metadata`` (model name and options,
data, configuration, epoch). It is refused, with one line naming the file, when any of these is
missing or when a model weight is NaN or infinite: such a model would predict nonsense, and a
run resumed from it would go on from a diverged state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..base.errors import CheckpointError
from ..serialization.checkpoint import load

TO_RESUME = ("model", "optimizer", "history", "rng")
TO_RESTORE = ("model", "metadata")  # a model built by name from the metadata


def load_training_checkpoint(path: str | os.PathLike[str], parts: tuple[str, ...] = TO_RESUME) -> dict[str, Any]:
    """The checkpoint at ``path``, checked to hold ``parts`` (``metadata`` with a model name) and
    only finite model weights."""
    state = load(path)
    if "metadata" in parts and not (isinstance(state.get("metadata"), dict) and "model" in state["metadata"]):
        raise CheckpointError(f"{path}: not a training checkpoint of tinygrad-lenet (no model name in its metadata)")
    missing = [part for part in parts if part not in state]
    if missing:
        raise CheckpointError(
            f"{path}: not a training checkpoint of tinygrad-lenet (it has no {', '.join(missing)}); "
            "it cannot be " + ("resumed" if "optimizer" in missing else "used")
        )
    if not isinstance(state["model"], dict):
        raise CheckpointError(f"{path}: its 'model' is not a state dict of named weights")
    for name, array in state["model"].items():
        values = np.asarray(array)
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            bad = int((~np.isfinite(values)).sum())
            raise CheckpointError(
                f"{Path(path)}: weight {name!r} holds {bad:,} NaN or infinite values of {values.size:,}: the training "
                "had diverged when it was saved, so this checkpoint is refused; use an earlier one"
            )
    return state
