"""Using a trained model: restore it from a training checkpoint and predict class probabilities."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..checkpoint import load
from ..data import input_transform
from ..errors import CheckpointError
from ..grad_mode import no_grad
from ..models import create_model
from ..nn import Module
from ..tensor import Tensor


def restore_model(checkpoint: str | os.PathLike[str]) -> tuple[Module, dict[str, Any]]:
    """The model saved in a training checkpoint, in eval mode, and the checkpoint's metadata."""
    state = load(checkpoint)
    metadata = state.get("metadata") if isinstance(state.get("metadata"), dict) else None
    if metadata is None or "model" not in metadata or "model" not in state:
        raise CheckpointError(f"{checkpoint}: not a training checkpoint of tinygrad-lenet (no model name in its metadata)")
    model = create_model(metadata["model"], **metadata.get("model_options", {}))
    model.load_state_dict(state["model"])
    return model.eval(), metadata


@no_grad()
def predict_probabilities(model: Module, images: np.ndarray, input_size: int, batch_size: int = 1000) -> np.ndarray:
    """Class probabilities for uint8 28x28 images (N, 28, 28), preprocessed as in training."""
    model.eval()
    transform = input_transform(input_size)
    chunks = [model(Tensor(transform(images[i : i + batch_size][:, None]))).softmax(1).numpy()
              for i in range(0, len(images), batch_size)]
    return np.concatenate(chunks)
