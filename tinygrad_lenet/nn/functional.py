"""Stateless network functions with PyTorch's names and signatures (``import ... as F``).

Convolution and pooling are primitive ops (``tinygrad_lenet.ops.conv`` / ``ops.pool``). The
losses live in ``nn/loss_functions.py`` and the activations beyond ReLU, sigmoid and tanh in
``nn/activation.py``; this module is where code finds all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, overload

import numpy as np

from ..autodiff.function import Function
from ..base.dims import pair
from ..base.errors import DTypeError, ShapeError
from ..ops.conv import Conv2d
from ..ops.linear import Linear as LinearOp
from ..ops.pool import AvgPool2d, MaxPool2d
from ..tensor.functions import log_softmax, relu, sigmoid, softmax, tanh
from ..tensor.tensor import Tensor
from .activation import (
    _dropout,
    alpha_dropout,
    celu,
    dropout3d,
    elu,
    feature_alpha_dropout,
    gelu,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    logsigmoid,
    mish,
    prelu,
    relu6,
    rrelu,
    selu,
    silu,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from .loss_functions import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    linear_cross_entropy,
    margin_ranking_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
)
from .rbf import rbf_map_loss, rbf_simple_loss

# each family module's __all__ (the names are listed there)
from . import attention_functions, conv_functions, distance_functions, normalization_functions  # isort: skip
from . import ctc_functions  # isort: skip
from . import pool_functions, resampling_functions  # isort: skip
from . import multi_head_attention_functions  # isort: skip
from .attention_functions import *  # noqa: F403  # the family's __all__
from .conv_functions import *  # noqa: F403  # the family's __all__
from .ctc_functions import *  # noqa: F403  # the family's __all__
from .distance_functions import *  # noqa: F403  # the family's __all__
from .multi_head_attention_functions import *  # noqa: F403  # the family's __all__
from .normalization_functions import *  # noqa: F403  # the family's __all__
from .pool_functions import *  # noqa: F403  # the family's __all__
from .resampling_functions import *  # noqa: F403  # the family's __all__

__all__ = [
    "rbf_map_loss",
    "rbf_simple_loss",
    "adaptive_avg_pool2d",
    "alpha_dropout",
    "avg_pool2d",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "celu",
    "elu",
    "feature_alpha_dropout",
    "gelu",
    "glu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "logsigmoid",
    "linear",
    "linear_cross_entropy",
    "log_softmax",
    "margin_ranking_loss",
    "max_pool2d",
    "mish",
    "mse_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "one_hot",
    "pad",
    "poisson_nll_loss",
    "prelu",
    "relu",
    "relu6",
    "rrelu",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "soft_margin_loss",
    "softmax",
    "softmin",
    "gumbel_softmax",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
    *attention_functions.__all__,
    *conv_functions.__all__,
    *ctc_functions.__all__,
    *distance_functions.__all__,
    *multi_head_attention_functions.__all__,
    *normalization_functions.__all__,
    *pool_functions.__all__,
    *resampling_functions.__all__,
]

IntPair = int | tuple[int, int]


def _batched(input: Tensor, op: str) -> tuple[Tensor, bool]:
    """Accept an unbatched (C, H, W) image by adding a batch dim of 1."""
    if input.ndim == 3:
        return input.unsqueeze(0), True
    if input.ndim != 4:
        raise ShapeError(f"{op}: expected input of shape (N, C, H, W) or (C, H, W), got {input.shape}")
    return input, False


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntPair = 1,
    padding: IntPair | str = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) input with (out, C / groups, kh, kw) weight, by im2col.

    ``padding`` may be ``"valid"`` (none) or ``"same"`` (output as large as the input; stride 1
    only, the extra pixel of an even total going right and below, as PyTorch).
    """
    x, unbatched = _batched(input, "conv2d")
    strides, dilations = pair(stride, "stride", "conv2d"), pair(dilation, "dilation", "conv2d")
    if padding == "valid":
        padding = 0
    elif padding == "same":
        if strides != (1, 1):
            raise ValueError(f"conv2d: padding='same' needs stride 1, got stride={stride}")
        totals = [d * (k - 1) for d, k in zip(dilations, weight.shape[2:])]
        before = [t // 2 for t in totals]
        if any(t % 2 for t in totals):
            x = pad(x, (before[1], totals[1] - before[1], before[0], totals[0] - before[0]))
            before = [0, 0]
        padding = tuple(before)
    elif isinstance(padding, str):
        raise ValueError(f"conv2d: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    args = (x, weight) if bias is None else (x, weight, bias)
    out = Conv2d.apply(
        *args, stride=strides, padding=pair(padding, "padding", "conv2d"), dilation=dilations, groups=groups
    )
    return out.squeeze(0) if unbatched else out


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b, with W of shape (out_features, in_features), as ``torch.nn.functional.linear``
    (one op, ``ops/linear.py``; the operands are first brought to one dtype as PyTorch promotes)."""
    x, w = input._operands(weight)
    if bias is None:
        return LinearOp.apply(x, w)
    x, b = x._operands(bias)
    return LinearOp.apply(x, w.astype(x.dtype), b)


def _pool(op: type[Function], input: Tensor, kernel_size: IntPair, stride: IntPair | None, padding: IntPair) -> Tensor:
    name = op.__name__
    x, unbatched = _batched(input, name)
    kernel = pair(kernel_size, "kernel_size", name)
    strides = kernel if stride is None else pair(stride, "stride", name)
    out = op.apply(x, kernel=kernel, stride=strides, padding=pair(padding, "padding", name))
    return out.squeeze(0) if unbatched else out


@overload
def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
    return_indices: Literal[False] = False,
) -> Tensor: ...


@overload
def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
    *,
    return_indices: Literal[True],
) -> tuple[Tensor, Tensor]: ...


def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Maximum of each window; ``stride`` defaults to ``kernel_size``. Padding is -inf. With
    ``return_indices`` also the flat index in H W of each maximum; dilation, ceil_mode and
    return_indices take the general N-d path (pool_functions), the rest the fast 2-D op."""
    if dilation == 1 and not ceil_mode and not return_indices and stride != []:
        return _pool(MaxPool2d, input, kernel_size, stride, padding)
    return pool_functions.max_pool_nd(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d"
    )


def avg_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean of each window; ``stride`` defaults to ``kernel_size``. Zero padding is counted unless
    ``count_include_pad`` is False; ``divisor_override`` replaces the window size as the divisor."""
    if not ceil_mode and divisor_override is None and (count_include_pad or padding in (0, (0, 0))) and stride != []:
        return _pool(AvgPool2d, input, kernel_size, stride, padding)
    return pool_functions.avg_pool_nd(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2, "avg_pool2d"
    )


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims; ``pad`` lists (before, after) from the last dim back.
    Modes constant (``value``, default 0; negative widths crop), reflect, replicate and circular
    (resampling_functions.pad_nd)."""
    return resampling_functions.pad_nd(input, pad, mode, value)


def one_hot(target: Tensor, num_classes: int = -1) -> Tensor:
    """(N,) class indices to (N, num_classes) rows of 0s with a 1 at the class (int64)."""
    t = np.asarray(target._array if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu":
        raise DTypeError(f"one_hot: expected integer class indices, got dtype {t.dtype}")
    n = int(t.max()) + 1 if num_classes < 0 else num_classes
    if t.size and (t.min() < 0 or t.max() >= n):
        raise ValueError(f"one_hot: class indices must be in [0, {n - 1}], found {t.min()}..{t.max()}")
    return Tensor(np.eye(n, dtype=np.int64)[t])


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (in training)."""
    return _dropout(input, p, training, input.shape, "dropout")


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) input with probability ``p``, scaling the rest by 1/(1-p)."""
    if input.ndim not in (2, 3):
        raise ShapeError(f"dropout1d expects (N, C, L) or (C, L) input, got shape {input.shape}")
    return _dropout(input, p, training, input.shape[:-1] + (1,), "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) input with probability ``p``, scaling the rest by 1/(1-p)."""
    if input.ndim not in (3, 4):
        raise ShapeError(f"dropout2d expects (N, C, H, W) or (C, H, W) input, got shape {input.shape}")
    return _dropout(input, p, training, input.shape[:-2] + (1, 1), "dropout2d")


def adaptive_avg_pool2d(input: Tensor, output_size: int | tuple[int | None, int | None]) -> Tensor:
    """Average over the bins that divide (H, W) into ``output_size`` cells, as PyTorch: cell i along an
    axis of n covers [floor(i n / out), ceil((i + 1) n / out)). Evenly divisible sizes take the
    average-pooling op, the rest one averaging matrix per axis (pool_functions)."""
    x, unbatched = _batched(input, "adaptive_avg_pool2d")
    h, w = x.shape[2:]
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else output_size
    oh, ow = oh or h, ow or w
    if oh and ow and h % oh == 0 and w % ow == 0 and h and w:
        out = avg_pool2d(x, (h // oh, w // ow))
    else:
        out = pool_functions.adaptive_avg_pool_nd(x, (oh, ow), 2, "adaptive_avg_pool2d")
    return out.squeeze(0) if unbatched else out
