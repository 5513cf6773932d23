"""Models by name, each with the options it takes, declared once: the command line's ``--model``
choices, its model options, their help and the check of which options fit which model all come
from ``MODELS``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tinygrad_lenet.data import LECUN1998_DISTORTIONS

from .knn import KNearestNeighbors
from .lenet5 import ACTIVATIONS, POOLING, LeNet5
from .lenet5_1998 import LeNet5_1998
from .mlp import MLP, SoftmaxRegression


@dataclass(frozen=True)
class ModelOption:
    """One option of a model's constructor, as the command line offers it (``--name``).

    ``keyword`` is the constructor argument it sets (default: ``name``) and ``convert`` turns the
    command-line value into that argument's value (e.g. hidden sizes into the MLP's ``sizes``).
    ``type`` is ``bool`` for a flag; ``nargs`` as in argparse. ``default`` is only for the help:
    the constructor's own default applies when the option is not given.
    """

    name: str
    help: str
    type: Callable[[str], Any] = str
    choices: tuple[str, ...] | None = None
    nargs: int | str | None = None
    metavar: str | tuple[str, ...] | None = None
    keyword: str | None = None
    convert: Callable[[Any], Any] = lambda value: value
    default: Any = None

    def to_keyword(self, value: Any) -> tuple[str, Any]:
        """The constructor argument (name, value) that the command-line ``value`` stands for."""
        return self.keyword or self.name, self.convert(value)


@dataclass(frozen=True)
class ModelSpec:
    """How to build a model, what input it takes, and which options it has."""

    build: Callable[..., Any]
    input_size: int  # the side of the square input image: 32 (MNIST padded by 2) or 28
    description: str
    options: tuple[ModelOption, ...] = field(default=())
    trainable: bool = True  # False for k-NN, which is fitted, not trained by gradient descent
    augmentation: dict[str, Any] | None = None  # RandomAffine ranges of --augment (None: data.AUGMENTATION)

    def option_default(self, option: ModelOption) -> Any:
        """What the model uses when ``option`` is not given: the declared help default, else the
        constructor's default for the argument."""
        if option.default is not None:
            return option.default
        parameter = inspect.signature(self.build).parameters.get(option.keyword or option.name)
        return None if parameter is None or parameter.default is inspect.Parameter.empty else parameter.default


def positive_int(text: str) -> int:
    """A size on the command line: an int >= 1 (argparse reports anything else as a usage error)."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def probability(text: str) -> float:
    """A dropout probability on the command line: a number in [0, 1)."""
    value = float(text)
    if not 0 <= value < 1:
        raise ValueError(text)
    return value


ACTIVATION = ModelOption("activation", "activation function", choices=tuple(ACTIVATIONS))
DROPOUT = ModelOption("dropout", "dropout probability in [0, 1)", type=probability)

MODELS: dict[str, ModelSpec] = {
    "lenet5": ModelSpec(
        LeNet5,
        32,
        "LeNet-5 as the lab reports built it: 2 conv + 3 linear layers, 61,706 parameters",
        options=(
            ACTIVATION,
            ModelOption("pooling", "pooling after each convolution", choices=tuple(POOLING)),
            ModelOption(
                "channels",
                "channels of the two convolutions",
                type=positive_int,
                nargs=2,
                metavar=("C1", "C2"),
                convert=tuple,
            ),
            DROPOUT,
        ),
    ),
    "lenet5-1998": ModelSpec(
        LeNet5_1998,
        32,
        "LeNet-5 as published in 1998: scaled tanh, trainable subsampling, the C3 table, RBF "
        "outputs to fixed digit bitmaps; 60,000 parameters (docs/lenet5-1998.md)",
        augmentation=LECUN1998_DISTORTIONS,
    ),
    "mlp": ModelSpec(
        MLP,
        28,
        "fully connected network, sizes e.g. 784-256-10",
        options=(
            ModelOption(
                "hidden",
                "hidden layer sizes",
                type=positive_int,
                nargs="*",
                metavar="N",
                keyword="sizes",
                convert=lambda hidden: [784, *hidden, 10],
                default=[256],
            ),
            ModelOption("batchnorm", "BatchNorm after each hidden layer", type=bool),
            ACTIVATION,
            DROPOUT,
        ),
    ),
    "softmax": ModelSpec(SoftmaxRegression, 28, "softmax regression: one linear layer 784-10"),
    "knn": ModelSpec(
        KNearestNeighbors,
        28,
        "k-nearest neighbours on raw pixels (a baseline)",
        trainable=False,
        options=(ModelOption("k", "number of neighbours", type=positive_int),),
    ),
}
"""The models the command line trains, by name (``--model``): each a ``ModelSpec`` with its class,
options and input size."""


def create_model(name: str, **options: Any) -> Any:
    """``create_model("mlp", sizes=[784, 1024, 128, 10])``; raises ValueError for unknown names."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name].build(**options)
