"""Model definitions written with tinygrad_lenet's public API only, as a user would write them.

This folder is ``models/`` in the repository and installs as ``tinygrad_lenet.models``.
"""

from .char_lstm import CharLSTM
from .gpt import GPT, GPTConfig
from .knn import KNearestNeighbors
from .lenet5 import LeNet5
from .lenet5_1998 import LeNet5_1998
from .mlp import MLP, SoftmaxRegression
from .registry import MODELS, ModelOption, ModelSpec, create_model

__all__ = [
    "GPT",
    "GPTConfig",
    "CharLSTM",
    "MLP",
    "MODELS",
    "KNearestNeighbors",
    "LeNet5",
    "LeNet5_1998",
    "ModelOption",
    "ModelSpec",
    "SoftmaxRegression",
    "create_model",
]
