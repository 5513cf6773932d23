"""tinygrad_lenet: a small autograd framework on numpy, shaped after PyTorch.

    >>> import tinygrad_lenet as tl
    >>> x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

from .tensor import Tensor  # first: the ops import the tensor module while it loads

from .allocator import tune_allocator

ALLOCATOR_TUNED = tune_allocator()  # see allocator.py: about twice the training speed on glibc

from . import data, nn, optim, viz
from .checkpoint import load, save
from .dtypes import bool_, double, float16, float32, float64, int32, int64, long, uint8
from .errors import (
    AnomalyError, CheckpointError, DataError, DTypeError, GradcheckError, GradError, ShapeError, StateDictError,
    GraphvizNotFound, TinygradLenetError, TrainingDiverged,
)
from .factories import (
    arange, eye, full, full_like, ones, ones_like, rand, rand_like, randn, randn_like, tensor, zeros, zeros_like,
)
from .function import Function
from .grad_mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .gradcheck import gradcheck
from .random import get_rng_state, manual_seed, set_rng_state
from .tensor_arith import maximum, minimum, where
from .tensor_shape import cat, stack

__version__ = "0.1.0"

__all__ = [
    "AnomalyError", "CheckpointError", "GraphvizNotFound", "DataError", "DTypeError", "Function", "GradError", "GradcheckError", "ShapeError", "Tensor",
    "TinygradLenetError", "TrainingDiverged", "arange", "bool_", "cat", "data", "detect_anomaly", "double", "enable_grad", "eye",
    "float16", "float32", "float64", "full", "full_like", "gradcheck", "int32", "int64", "is_grad_enabled",
    "load", "get_rng_state", "long", "manual_seed", "maximum", "minimum", "nn", "no_grad", "optim", "ones", "ones_like", "rand", "rand_like",
    "randn", "randn_like", "save", "set_rng_state", "stack", "StateDictError", "tensor", "uint8", "viz", "where", "zeros", "zeros_like",
]
