"""tinygrad_lenet: a small autograd framework on numpy, shaped after PyTorch.

    >>> import tinygrad_lenet as tl
    >>> x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])

Importing the package loads numpy and the package's own core and changes no process-wide
state. ``viz``, ``train`` and ``models`` are imported when first used (``tl.viz.draw_graph``),
and the libraries behind drawing, progress bars, plots and checkpoints load when a function
needs them. ``tune_allocator()`` is the one process-wide setting, made only when called.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import data, nn, optim
from .allocator import tune_allocator
from .checkpoint import load, save
from .dtypes import bool_, double, float16, float32, float64, int32, int64, long, uint8
from .errors import (
    AnomalyError, CheckpointError, DataError, DTypeError, EmptyReductionError, GradcheckError, GradError,
    GraphvizNotFound, ResumeError, RunFolderError, ShapeError, StateDictError, TinygradLenetError, TrainingDiverged,
)
from .factories import (
    arange, eye, full, full_like, ones, ones_like, rand, rand_like, randn, randn_like, tensor, zeros, zeros_like,
)
from .function import Function
from .grad_mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .gradcheck import gradcheck
from .random import get_rng_state, manual_seed, set_rng_state
from .tensor import Tensor
from .tensor_functions import cat, maximum, minimum, stack, where

__version__ = "0.1.0"

LAZY_SUBMODULES = ("viz", "train", "models")
"""Subpackages imported on first attribute access: ``tl.viz`` works without ``import tinygrad_lenet.viz``."""


def __getattr__(name: str) -> Any:
    if name in LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tinygrad_lenet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *LAZY_SUBMODULES])


__all__ = [
    "AnomalyError", "CheckpointError", "DTypeError", "DataError", "EmptyReductionError", "Function", "GradError", "GradcheckError",
    "GraphvizNotFound", "ResumeError", "RunFolderError", "ShapeError", "StateDictError", "Tensor", "TinygradLenetError", "TrainingDiverged", "arange",
    "bool_", "cat", "data", "detect_anomaly", "double", "enable_grad", "eye", "float16", "float32", "float64", "full",
    "full_like", "get_rng_state", "gradcheck", "int32", "int64", "is_grad_enabled", "load", "long", "manual_seed",
    "maximum", "minimum", "models", "nn", "no_grad", "ones", "ones_like", "optim", "rand", "rand_like", "randn",
    "randn_like", "save", "set_rng_state", "stack", "tensor", "train", "tune_allocator", "uint8", "viz", "where",
    "zeros", "zeros_like",
]
