"""Model definitions written with tinygrad_lenet's public API only, as a user would write them."""

from .knn import KNearestNeighbors
from .lenet5 import LeNet5
from .mlp import MLP, SoftmaxRegression
from .registry import MODELS, ModelSpec, create_model

__all__ = ["MLP", "MODELS", "KNearestNeighbors", "LeNet5", "ModelSpec", "SoftmaxRegression", "create_model"]
