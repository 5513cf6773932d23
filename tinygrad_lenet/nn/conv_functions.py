"""Convolutions beyond conv2d: conv1d, conv3d, conv_transpose1d/2d/3d, unfold and fold.

Each is composed of the N-d window ops of ``ops/conv_nd.py`` (``Unfold`` / ``Fold``, each the
other's gradient) and one batched matrix product per group, so the gradients come from those.
Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

from ..base.errors import ShapeError
from ..ops.conv_nd import Fold, Unfold, grid_size
from ..tensor.tensor import Tensor

__all__ = ["conv1d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold"]

Size = int | Sequence[int]


def ntuple(value: Size, d: int, name: str, op: str, minimum: int = 0) -> tuple[int, ...]:
    """``3 -> (3,) * d``; a sequence of d ints stays; each must be at least ``minimum``."""
    out = (value,) * d if isinstance(value, int) else tuple(value)
    if len(out) == 1 and d > 1:
        out = out * d
    if len(out) != d or not all(isinstance(v, int) and not isinstance(v, bool) for v in out):
        raise TypeError(f"{op}: {name} must be an int or {d} ints, got {value!r}")
    if min(out) < minimum:
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {value!r}")
    return out


SPATIAL = {1: "L", 2: "H, W", 3: "D, H, W"}


def check_spatial_rank(input: Tensor, d: int, op: str) -> None:
    """Raise a ShapeError naming ``op`` unless ``input`` is (C, *spatial) or (N, C, *spatial) with d spatial dims."""
    if input.ndim not in (d + 1, d + 2):
        raise ShapeError(
            f"{op}: expected a {d + 1}-D (C, {SPATIAL[d]}) or {d + 2}-D (N, C, {SPATIAL[d]}) input, got shape "
            f"{input.shape}"
        )


def batched(input: Tensor, d: int, op: str) -> tuple[Tensor, bool]:
    """An (N, C, *spatial) view of ``input`` with d spatial dims, adding a batch of 1 to (C, *spatial)."""
    check_spatial_rank(input, d, op)
    return (input.unsqueeze(0), True) if input.ndim == d + 1 else (input, False)


def _same_padding(x: Tensor, kernel: tuple[int, ...], dilation: tuple[int, ...]) -> tuple[Tensor, tuple[int, ...]]:
    """'same': pad d (k - 1) in total along each axis, the odd pixel after (PyTorch's split)."""
    from .functional import pad

    totals = [dl * (k - 1) for dl, k in zip(dilation, kernel)]
    if any(t % 2 for t in totals):
        widths = [w for t in reversed(totals) for w in (t // 2, t - t // 2)]
        return pad(x, widths), (0,) * len(kernel)
    return x, tuple(t // 2 for t in totals)


def conv_nd(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Size,
    padding: Size | str,
    dilation: Size,
    groups: int,
    d: int,
    op: str,
) -> Tensor:
    """Cross-correlation in d spatial dims: the windows (N, G, C/G prod(k), P) times the weight
    (G, O/G, C/G prod(k)), one matrix product per group."""
    x, unbatched = batched(input, d, op)
    if weight.ndim != d + 2:
        raise ShapeError(f"{op}: expected a {d + 2}-D weight (out, in / groups, *kernel), got {weight.shape}")
    o, cg, kernel = weight.shape[0], weight.shape[1], tuple(weight.shape[2:])
    strides, dilations = ntuple(stride, d, "stride", op, 1), ntuple(dilation, d, "dilation", op, 1)
    if groups < 1 or x.shape[1] != cg * groups or o % groups:
        raise ShapeError(
            f"{op}: input {x.shape} and weight {weight.shape} do not match for groups={groups}: the input needs "
            f"in / groups * groups channels and groups must divide the {o} output channels"
        )
    if padding == "same":
        if strides != (1,) * d:
            raise ValueError(f"{op}: padding='same' needs stride 1, got stride={stride}")
        x, pads = _same_padding(x, kernel, dilations)
    elif padding == "valid":
        pads = (0,) * d
    elif isinstance(padding, str):
        raise ValueError(f"{op}: padding must be ints, 'valid' or 'same', got {padding!r}")
    else:
        pads = ntuple(padding, d, "padding", op)
    grid = grid_size(tuple(x.shape[2:]), kernel, strides, pads, dilations)
    if min(grid) < 1:
        raise ShapeError(f"{op}: kernel {kernel} (dilation {dilations}) is larger than the padded input {x.shape}")
    x, w = x._operands(weight)
    cols = Unfold.apply(x, kernel=kernel, stride=strides, padding=pads, dilation=dilations)
    n = x.shape[0]
    out = w.reshape(groups, o // groups, -1) @ cols.reshape(n, groups, cg * prod(kernel), prod(grid))
    out = out.reshape((n, o) + grid)
    if bias is not None:
        out = out + bias.astype(out.dtype).reshape((o,) + (1,) * d)
    return out.squeeze(0) if unbatched else out


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
    groups: int = 1,
) -> Tensor:
    """1-D cross-correlation of (N, C, L) input with (out, C / groups, k) weight, as ``torch.nn.functional.conv1d``."""
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
    groups: int = 1,
) -> Tensor:
    """3-D cross-correlation of (N, C, D, H, W) input with (out, C / groups, kd, kh, kw) weight."""
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_transpose_nd(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Size,
    padding: Size,
    output_padding: Size,
    groups: int,
    dilation: Size,
    d: int,
    op: str,
) -> Tensor:
    """The adjoint of conv_nd in its input: each input pixel times the weight (C_in, C_out / groups,
    *k) is added into a window of the output (col2im), then ``padding`` is cut off each side."""
    x, unbatched = batched(input, d, op)
    if weight.ndim != d + 2 or groups < 1 or weight.shape[0] != x.shape[1] or x.shape[1] % groups:
        raise ShapeError(
            f"{op}: expected a weight (in={x.shape[1]}, out / groups, *kernel) with groups={groups} dividing the "
            f"input channels, got input {x.shape} and weight {weight.shape}"
        )
    strides, dilations = ntuple(stride, d, "stride", op, 1), ntuple(dilation, d, "dilation", op, 1)
    pads, extra = ntuple(padding, d, "padding", op), ntuple(output_padding, d, "output_padding", op)
    if any(e >= s and e >= dl for e, s, dl in zip(extra, strides, dilations)):
        raise ValueError(f"{op}: output_padding {extra} must be smaller than the stride or the dilation")
    n, c, grid = x.shape[0], x.shape[1], tuple(x.shape[2:])
    og, kernel = weight.shape[1], tuple(weight.shape[2:])
    size = tuple(
        (g - 1) * s - 2 * p + dl * (k - 1) + e + 1
        for g, s, p, dl, k, e in zip(grid, strides, pads, dilations, kernel, extra)
    )
    if min(size) < 1:
        raise ShapeError(f"{op}: the output size {size} is not positive (input {x.shape}, padding {pads})")
    x, w = x._operands(weight)
    w_t = w.reshape(groups, c // groups, og * prod(kernel)).transpose(1, 2)
    cols = w_t @ x.reshape(n, groups, c // groups, prod(grid))
    out = Fold.apply(
        cols.reshape((n, groups * og) + kernel + grid), size=size, stride=strides, padding=pads, dilation=dilations
    )
    if bias is not None:
        out = out + bias.astype(out.dtype).reshape((groups * og,) + (1,) * d)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> Tensor:
    """Transposed 1-D convolution (the gradient of conv1d in its input), weight (in, out / groups, k)."""
    return conv_transpose_nd(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> Tensor:
    """Transposed 2-D convolution (the gradient of conv2d in its input), weight (in, out / groups, kh, kw)."""
    return conv_transpose_nd(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )


def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> Tensor:
    """Transposed 3-D convolution (the gradient of conv3d in its input), weight (in, out / groups, kd, kh, kw)."""
    return conv_transpose_nd(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d"
    )


def unfold(input: Tensor, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1) -> Tensor:
    """The sliding blocks of (N, C, H, W) input as columns (N, C kh kw, L), as ``torch.nn.functional.unfold``."""
    x, unbatched = batched(input, 2, "unfold")
    kernel = ntuple(kernel_size, 2, "kernel_size", "unfold", 1)
    strides, dilations = ntuple(stride, 2, "stride", "unfold", 1), ntuple(dilation, 2, "dilation", "unfold", 1)
    pads = ntuple(padding, 2, "padding", "unfold")
    grid = grid_size(tuple(x.shape[2:]), kernel, strides, pads, dilations)
    if min(grid) < 1:
        raise ShapeError(f"unfold: kernel {kernel} (dilation {dilations}) is larger than the padded input {x.shape}")
    cols = Unfold.apply(x, kernel=kernel, stride=strides, padding=pads, dilation=dilations)
    out = cols.reshape(x.shape[0], x.shape[1] * prod(kernel), prod(grid))
    return out.squeeze(0) if unbatched else out


def fold(
    input: Tensor, output_size: Size, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1
) -> Tensor:
    """Sum columns (N, C kh kw, L) back into (N, C, *output_size), the adjoint of ``unfold``."""
    if input.ndim not in (2, 3):
        raise ShapeError(f"fold: expected a (N, C * prod(kernel), L) or (C * prod(kernel), L) input, got {input.shape}")
    x, unbatched = (input.unsqueeze(0), True) if input.ndim == 2 else (input, False)
    size = ntuple(output_size, 2, "output_size", "fold", 1)
    kernel = ntuple(kernel_size, 2, "kernel_size", "fold", 1)
    strides, dilations = ntuple(stride, 2, "stride", "fold", 1), ntuple(dilation, 2, "dilation", "fold", 1)
    pads = ntuple(padding, 2, "padding", "fold")
    grid = grid_size(size, kernel, strides, pads, dilations)
    if x.shape[1] % prod(kernel) or prod(grid) != x.shape[2] or min(grid) < 1:
        raise ShapeError(
            f"fold: input {x.shape} needs C * {prod(kernel)} rows and {prod(grid)} columns (blocks {grid} of "
            f"kernel {kernel} in output {size})"
        )
    cols = x.reshape((x.shape[0], x.shape[1] // prod(kernel)) + kernel + grid)
    out = Fold.apply(cols, size=size, stride=strides, padding=pads, dilation=dilations)
    return out.squeeze(0) if unbatched else out
