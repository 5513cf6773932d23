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
import sys
from typing import Any

from . import autograd, data, nn, optim, utils
from .autodiff.function import Function
from .autodiff.grad_mode import detect_anomaly, enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.gradcheck import gradcheck
from .base.allocator import tune_allocator
from .base.devices import (
    accelerator,
    backends,
    channels_last,
    channels_last_3d,
    contiguous_format,
    cuda,
    device,
    get_default_device,
    preserve_format,
    set_default_device,
)
from .base.dims import Size
from .base.dtypes import (
    bfloat16,
    bool,
    bool_,
    double,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from .base.errors import (
    AnomalyError,
    CheckpointError,
    DataError,
    DTypeError,
    EmptyReductionError,
    GradcheckError,
    GradError,
    GraphvizNotFound,
    ResumeError,
    RunFolderError,
    ShapeError,
    StateDictError,
    TinygradLenetError,
    TrainingDiverged,
)
from .base.random import Generator, get_rng_state, manual_seed, set_rng_state
from .base.threads import get_num_threads, set_num_threads
from .compiler import compile
from .nn.distance_functions import cdist
from .nn.normalization_functions import native_batch_norm, native_group_norm, native_layer_norm
from .nn.resampling_functions import constant_pad_nd, grid_sampler_2d, grid_sampler_3d
from .serialization.checkpoint import load, save
from .tensor.factories import (
    arange,
    as_tensor,
    empty,
    empty_like,
    empty_permuted,
    empty_strided,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    normal,
    ones,
    ones_like,
    poisson,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    scalar_tensor,
    tensor,
    tril_indices,
    triu_indices,
    zeros,
    zeros_like,
)

# torch._foreach_* (re-exported under their own names, PyTorch's private spelling)
from .tensor.foreach import _foreach_add_ as _foreach_add_
from .tensor.foreach import _foreach_lerp_ as _foreach_lerp_
from .tensor.foreach import _foreach_mul_ as _foreach_mul_
from .tensor.functions import (
    abs,
    allclose,
    argmax,
    argmin,
    bmm,
    cat,
    clamp,
    clip,
    equal,
    exp,
    flatten,
    flip,
    is_tensor,
    isclose,
    log,
    log_softmax,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    numel,
    relu,
    sigmoid,
    softmax,
    sqrt,
    stack,
    std,
    sum,
    tanh,
    topk,
    var,
    where,
)
from .tensor.tensor import Tensor

# the torch.* functions of each op family: every module's __all__ (the families' names are listed there)
from .tensor import binary, conversions, indexing, pointwise, products, reductions, structure  # isort: skip
from .tensor.binary import *  # noqa: F403  # the family's __all__
from .tensor.conversions import *  # noqa: F403  # the family's __all__
from .tensor.indexing import *  # noqa: F403  # the family's __all__
from .tensor.pointwise import *  # noqa: F403  # the family's __all__
from .tensor.products import *  # noqa: F403  # the family's __all__
from .tensor.reductions import *  # noqa: F403  # the family's __all__
from .tensor.structure import *  # noqa: F403  # the family's __all__

__version__ = "0.1.0"

_MOVED_MODULES = {
    **{name: f"base.{name}" for name in ("errors", "dtypes", "dims", "random", "file_io", "module_stack", "allocator")},
    **{name: f"base.{name}" for name in ("devices", "threads")},
    **{name: f"autodiff.{name}" for name in ("grad_mode", "function", "engine", "second_order")},
    "tensor_math": "tensor.math",
    "tensor_movement": "tensor.movement",
    "tensor_inplace": "tensor.inplace",
    "tensor_autograd": "tensor.grad",
    "factories": "tensor.factories",
    "tensor_functions": "tensor.functions",
    "gradcheck": "autograd.gradcheck",
    "checkpoint": "serialization.checkpoint",
    "torch_checkpoint": "serialization.torch_checkpoint",
}
"""Modules of layers 0-2 that lived in the package root before they moved into folders, by old name -> new
path: the old dotted paths (``from tinygrad_lenet.function import Function``) still import the same module."""
for _old, _new in _MOVED_MODULES.items():
    sys.modules[f"{__name__}.{_old}"] = importlib.import_module(f".{_new}", __name__)
del _old, _new

LAZY_SUBMODULES = ("viz", "train", "models", "vision", "onnx", "amp", "distributed")
"""Subpackages imported on first attribute access: ``tl.viz`` works without ``import tinygrad_lenet.viz``."""


def __getattr__(name: str) -> Any:
    if name in LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tinygrad_lenet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *LAZY_SUBMODULES])


__all__ = [
    "channels_last",
    "channels_last_3d",
    "contiguous_format",
    "preserve_format",
    "get_default_device",
    "set_default_device",
    "bfloat16",
    "get_default_dtype",
    "set_default_dtype",
    "empty_permuted",
    "empty_strided",
    "logspace",
    "normal",
    "poisson",
    "randint_like",
    "scalar_tensor",
    "tril_indices",
    "triu_indices",
    "amp",
    "distributed",
    "get_num_threads",
    "set_num_threads",
    "autograd",
    "AnomalyError",
    "CheckpointError",
    "DTypeError",
    "DataError",
    "EmptyReductionError",
    "Function",
    "Generator",
    "GradError",
    "GradcheckError",
    "GraphvizNotFound",
    "ResumeError",
    "RunFolderError",
    "ShapeError",
    "Size",
    "StateDictError",
    "Tensor",
    "TinygradLenetError",
    "TrainingDiverged",
    "abs",
    "accelerator",
    "allclose",
    "arange",
    "argmax",
    "argmin",
    "as_tensor",
    "backends",
    "bmm",
    "bool",
    "bool_",
    "cat",
    "clamp",
    "clip",
    "cuda",
    "data",
    "detect_anomaly",
    "device",
    "double",
    "empty",
    "empty_like",
    "enable_grad",
    "equal",
    "exp",
    "eye",
    "flatten",
    "flip",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "get_rng_state",
    "gradcheck",
    "compile",
    "half",
    "inference_mode",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_grad_enabled",
    "is_tensor",
    "isclose",
    "linspace",
    "load",
    "log",
    "log_softmax",
    "long",
    "manual_seed",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "models",
    "nn",
    "no_grad",
    "numel",
    "ones",
    "ones_like",
    "optim",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "relu",
    "save",
    "set_grad_enabled",
    "set_rng_state",
    "short",
    "sigmoid",
    "softmax",
    "sqrt",
    "stack",
    "std",
    "sum",
    "tanh",
    "tensor",
    "topk",
    "train",
    "tune_allocator",
    "uint8",
    "utils",
    "var",
    "vision",
    "viz",
    "where",
    "zeros",
    "zeros_like",
    "cdist",
    "constant_pad_nd",
    "grid_sampler_2d",
    "grid_sampler_3d",
    "native_batch_norm",
    "native_group_norm",
    "native_layer_norm",
    *binary.__all__,
    *conversions.__all__,
    *indexing.__all__,
    *pointwise.__all__,
    *products.__all__,
    *reductions.__all__,
    *structure.__all__,
]
del binary, conversions, indexing, pointwise, products, reductions, structure
