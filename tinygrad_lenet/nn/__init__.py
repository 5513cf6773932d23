"""Neural-network building blocks with PyTorch's names: modules, layers, losses, init, functional."""

from . import functional, init, utils
from .containers import ModuleList, Sequential
from .layers import (
    AvgPool2d, Conv2d, Dropout, Dropout2d, Flatten, Identity, Linear, LogSoftmax, MaxPool2d, ReLU, Sigmoid, Softmax,
    Tanh,
)
from .loss import BCELoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import IncompatibleKeys, Module, Parameter
from .normalization import BatchNorm1d, BatchNorm2d

__all__ = [
    "AvgPool2d", "BCELoss", "BatchNorm1d", "BatchNorm2d", "Conv2d", "CrossEntropyLoss", "Dropout", "Dropout2d", "Flatten",
    "Identity", "IncompatibleKeys", "L1Loss", "Linear", "LogSoftmax", "MSELoss", "MaxPool2d", "Module",
    "ModuleList", "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh", "functional",
    "init", "utils",
]
