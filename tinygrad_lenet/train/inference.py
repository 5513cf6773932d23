"""Using a trained model: restore it from a training checkpoint and predict class probabilities."""

from __future__ import annotations

import inspect
import os
from typing import Any

import numpy as np

from ..autodiff.grad_mode import no_grad
from ..base.errors import CheckpointError
from ..data import input_transform
from ..models import MODELS, create_model
from ..nn import Module
from ..tensor.tensor import Tensor
from .history import COLUMNS, History
from .training_checkpoint import TO_RESTORE, load_training_checkpoint


def restore_model(checkpoint: str | os.PathLike[str]) -> tuple[Module, dict[str, Any]]:
    """The model saved in a training checkpoint, in eval mode, and the checkpoint's metadata.
    (:func:`restore_run` gives the run's history too.)
    """
    model, metadata, _ = restore_run(checkpoint)
    return model, metadata


def restore_run(checkpoint: str | os.PathLike[str]) -> tuple[Module, dict[str, Any], History]:
    """The model saved in a training checkpoint, in eval mode, the checkpoint's metadata, and the
    history of the run up to it (empty if the checkpoint holds none).

    The model is built by its registry name from the metadata; a name, an option or a value that
    cannot build it (a crafted or foreign file) is a :class:`CheckpointError` naming the file,
    as are NaN or infinite weights. ``metadata["input_size"]`` is the registry's for the model.
    """
    state = load_training_checkpoint(checkpoint, TO_RESTORE)
    metadata = state["metadata"]
    name, options = metadata["model"], metadata.get("model_options", {})
    spec = MODELS.get(name) if isinstance(name, str) else None
    if spec is None or not spec.trainable:
        raise CheckpointError(
            f"{checkpoint}: its metadata names the model {name!r}, which is not one of the trained "
            f"models ({', '.join(n for n, s in MODELS.items() if s.trainable)})"
        )
    accepted = inspect.signature(spec.build).parameters
    unknown = sorted(set(options) - set(accepted)) if isinstance(options, dict) else ["(not a dict)"]
    if unknown:
        raise CheckpointError(f"{checkpoint}: its metadata gives {name} options it does not take: {', '.join(unknown)}")
    try:
        model = create_model(name, **options)
    except (TypeError, ValueError) as e:
        raise CheckpointError(
            f"{checkpoint}: its metadata asks for {name} with {options}, which cannot be built: {e}"
        ) from None
    model.load_state_dict(state["model"])
    rows = state.get("history")
    plotted = set(COLUMNS) - {"lr", "seconds"}
    if not (isinstance(rows, list) and all(isinstance(row, dict) and plotted <= row.keys() for row in rows)):
        rows = []  # a best.safetensors of an old release, or a file not written by fit: no curves
    return model.eval(), {**metadata, "input_size": spec.input_size}, History(rows)


@no_grad()
def predict_probabilities(model: Module, images: np.ndarray, input_size: int, batch_size: int = 1000) -> np.ndarray:
    """Class probabilities for uint8 28x28 images (N, 28, 28), preprocessed as in training."""
    model.eval()
    transform = input_transform(input_size)
    chunks = [
        model(Tensor(transform(images[i : i + batch_size][:, None]))).softmax(1).numpy()
        for i in range(0, len(images), batch_size)
    ]
    return np.concatenate(chunks)
