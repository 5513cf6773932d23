"""Normalization functions: layer_norm, group_norm, instance_norm, rms_norm, batch_norm, local_response_norm, normalize.

Re-exported by ``nn.functional`` (this module's ``__all__``). Each is composed of primitive ops (mean,
biased variance, sqrt, ...), so its gradient needs no rule of its own, except layer_norm, which
transformers call often: one op with its own backward (``ops/layer_norm.py``). The ``native_*`` functions are
``torch.native_batch_norm`` / ``native_layer_norm`` / ``native_group_norm``: the normalized output
with the statistics they computed (mean and 1/sqrt(var + eps)).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..base.dims import normalize_dim
from ..base.errors import ShapeError
from ..base.recording import note_graph_break
from ..ops.layer_norm import LayerNorm as LayerNormOp
from ..ops.layer_norm import layer_norm_stats
from ..ops.movement import Pad
from ..tensor.tensor import Tensor

__all__: list[str] = [
    "batch_norm",
    "group_norm",
    "instance_norm",
    "layer_norm",
    "local_response_norm",
    "native_batch_norm",
    "native_group_norm",
    "native_layer_norm",
    "normalize",
    "rms_norm",
]


def _moments(x: Tensor, axes: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor]:
    """The mean and 1 / sqrt(biased variance + eps) over ``axes``, kept as size-1 dims."""
    return x.mean(axes, keepdim=True), 1.0 / (x.var(axes, keepdim=True, correction=0) + eps).sqrt()


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]) -> Tensor:
    """out * weight + bias, each (when given) reshaped to ``shape`` to broadcast."""
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _channel_shape(input: Tensor, op: str) -> tuple[int, ...]:
    """(1, C, 1, ...): a per-channel vector's shape for broadcasting against (N, C, ...) input."""
    if input.ndim < 2:
        raise ShapeError(f"{op}: expected input of shape (N, C, ...), got {input.shape}")
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


RUNNING_STATS_BREAK = (
    "batch norm updated its running statistics (buffers) in training mode: a replay would not update them"
)
"""Why ``tl.compile`` runs a call eagerly that updates batch-norm statistics (the buffers change outside the ops)."""


def _update_running(running: Tensor | None, batch: np.ndarray, momentum: float | None) -> None:
    """running = (1 - momentum) running + momentum batch, in place (momentum None: left as is)."""
    if running is not None and momentum is not None:
        note_graph_break(RUNNING_STATS_BREAK)
        running.copy_(Tensor._make((1 - momentum) * running._array + momentum * batch))


def native_batch_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    training: bool,
    momentum: float,
    eps: float,
) -> tuple[Tensor, Tensor, Tensor]:
    """Batch norm per channel (dim 1) and, in training, the batch mean and 1/sqrt(var + eps) per
    channel (outside the graph); in eval those two are empty, as PyTorch's."""
    shape = _channel_shape(input, "batch_norm")
    if training:
        axes = (0,) + tuple(range(2, input.ndim))
        count = input.numel() // max(input.shape[1], 1)
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, got {input.shape}")
        mean, inv_std = _moments(input, axes, eps)
        batch_var = input.var(axes, correction=1)._array
        _update_running(running_mean, mean._array.reshape(-1), momentum)
        _update_running(running_var, batch_var, momentum)
        stats = (mean.detach().reshape(-1), inv_std.detach().reshape(-1))
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when not training")
        mean = running_mean.detach().reshape(shape)
        inv_std = 1.0 / (running_var.detach().reshape(shape) + eps).sqrt()
        empty = Tensor._make(np.zeros(0, dtype=input.dtype))
        stats = (empty, empty)
    return (_affine((input - mean) * inv_std, weight, bias, shape), *stats)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias per channel (dim 1): the batch's statistics in
    training (moving the running ones, when given, towards them by ``momentum``; the running
    variance takes the unbiased batch variance), the running ones otherwise."""
    if input.numel() == 0 and input.ndim < 2:  # PyTorch passes an empty 1-d input through
        return input * 1.0
    return native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)[0]


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalize each (sample, channel) over its spatial dims; with ``use_input_stats=False`` the
    running statistics are used instead (and, when given with input statistics, move towards the
    batch-averaged ones)."""
    shape = _channel_shape(input, "instance_norm")
    if input.ndim < 3:
        raise ShapeError(f"instance_norm: expected input of shape (N, C, d1, ...), got {input.shape}")
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    axes = tuple(range(2, input.ndim))
    mean, inv_std = _moments(input, axes, eps)
    _update_running(running_mean, mean._array.mean(0).reshape(-1), momentum)
    _update_running(running_var, input.var(axes, correction=1)._array.mean(0), momentum)
    return _affine((input - mean) * inv_std, weight, bias, shape)


def _trailing_axes(input: Tensor, normalized_shape: int | Sequence[int], op: str) -> tuple[int, ...]:
    """The last len(normalized_shape) axes, checked to have exactly those sizes."""
    sizes = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not sizes or len(sizes) > input.ndim or input.shape[input.ndim - len(sizes) :] != sizes:
        raise ShapeError(f"{op}: normalized_shape {sizes} must be the last dims of the input, got {input.shape}")
    return tuple(range(input.ndim - len(sizes), input.ndim))


def _layer_norm(
    input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None, bias: Tensor | None, eps: float
) -> tuple[Tensor, tuple[int, ...]]:
    """Layer norm as one op (``ops/layer_norm.py``, its own backward), and the axes it normalised."""
    axes = _trailing_axes(input, normalized_shape, "layer_norm")
    sizes = tuple(input.shape[a] for a in axes)
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and param.shape != sizes:
            raise ShapeError(f"layer_norm: {name} must have the normalized shape {sizes}, got {param.shape}")
    affine = [p for p in (weight, bias) if p is not None]
    flags = {"weight": weight is not None, "bias": bias is not None}
    return LayerNormOp.apply(input, *affine, ndim=len(axes), eps=eps, **flags), axes


def native_layer_norm(
    input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None, bias: Tensor | None, eps: float
) -> tuple[Tensor, Tensor, Tensor]:
    """Layer norm over the last dims, and the mean and 1/sqrt(var + eps) of each (size-1 dims kept,
    outside the graph, as PyTorch's)."""
    out, axes = _layer_norm(input, normalized_shape, weight, bias, eps)
    mean, inv_std = layer_norm_stats(input._array, axes, eps)
    return out, Tensor._make(mean), Tensor._make(inv_std)


def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias, the statistics over the last dims (``normalized_shape``)."""
    return _layer_norm(input, normalized_shape, weight, bias, eps)[0]


def rms_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """x / sqrt(mean(x^2) + eps) * weight over the last dims; eps defaults to the dtype's machine epsilon."""
    axes = _trailing_axes(input, normalized_shape, "rms_norm")
    eps = float(np.finfo(input.dtype).eps) if eps is None else eps
    out = input / ((input * input).mean(axes, keepdim=True) + eps).sqrt()
    return _affine(out, weight, None, tuple(input.shape[a] for a in axes))


def native_group_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    N: int,
    C: int,
    HxW: int,
    group: int,
    eps: float,
) -> tuple[Tensor, Tensor, Tensor]:
    """Group norm, and the (N, group) mean and 1/sqrt(var + eps) of each group (in the graph, as PyTorch's)."""
    if input.numel() != N * C * HxW or C % group:
        raise ShapeError(
            f"group_norm: input {input.shape} must hold N={N} x C={C} x HxW={HxW} values, C divisible by group={group}"
        )
    grouped = input.reshape(N, group, (C // group) * HxW)
    mean, inv_std = _moments(grouped, (2,), eps)
    out = ((grouped - mean) * inv_std).reshape(*input.shape)
    shape = (1, C) + (1,) * (input.ndim - 2)
    return _affine(out, weight, bias, shape), mean.reshape(N, group), inv_std.reshape(N, group)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Split the channels (dim 1) into ``num_groups`` groups and normalize each group of each sample."""
    _channel_shape(input, "group_norm")
    n, c = input.shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise ValueError(f"group_norm: num_groups ({num_groups}) must be positive and divide the {c} channels")
    return native_group_norm(input, weight, bias, n, c, math.prod(input.shape[2:]), num_groups, eps)[0]


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """x / (k + alpha / size * sum of x^2 over ``size`` neighbouring channels)^beta (zeros beyond the edges)."""
    if input.ndim < 3:
        raise ShapeError(f"local_response_norm: expected input of shape (N, C, d1, ...), got {input.shape}")
    channels = input.shape[1]
    widths = ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (input.ndim - 2)
    padded = Pad.apply(input * input, widths=widths, value=0.0)
    window = padded[:, 0:channels]
    for i in range(1, size):
        window = window + padded[:, i : i + channels]
    return input / (window * (alpha / size) + k) ** beta


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``."""
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    axis = normalize_dim(dim, max(input.ndim, 1), "normalize")
    x = input.reshape(1) if input.ndim == 0 else input
    if p == 0:
        norm = Tensor._make((x._array != 0).sum(axis, keepdims=True).astype(x.dtype))
    elif math.isinf(p):
        norm = x.abs().amax(axis, keepdim=True) if p > 0 else x.abs().amin(axis, keepdim=True)
    else:
        norm = (x.abs() ** p).sum(axis, keepdim=True) ** (1.0 / p)
    return (x / norm.clamp(min=eps)).reshape(*input.shape)
