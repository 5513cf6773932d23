"""Models by name, so that the command line and the examples can say ``--model lenet5``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .knn import KNearestNeighbors
from .lenet5 import LeNet5
from .mlp import MLP, SoftmaxRegression


@dataclass(frozen=True)
class ModelSpec:
    """How to build a model and what input it takes."""

    build: Callable[..., Any]
    input_size: int  # the side of the square input image: 32 (MNIST padded by 2) or 28
    description: str
    trainable: bool = True  # False for k-NN, which is fitted, not trained by gradient descent


MODELS: dict[str, ModelSpec] = {
    "lenet5": ModelSpec(LeNet5, 32, "LeNet-5 as the lab reports built it: 2 conv + 3 linear layers, 61,706 parameters"),
    "mlp": ModelSpec(MLP, 28, "fully connected network, sizes e.g. 784-256-10"),
    "softmax": ModelSpec(SoftmaxRegression, 28, "softmax regression: one linear layer 784-10"),
    "knn": ModelSpec(KNearestNeighbors, 28, "k-nearest neighbours on raw pixels (a baseline)", trainable=False),
}


def create_model(name: str, **options: Any) -> Any:
    """``create_model("mlp", sizes=[784, 1024, 128, 10])``; raises ValueError for unknown names."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name].build(**options)
