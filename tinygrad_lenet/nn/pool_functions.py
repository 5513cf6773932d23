"""Pooling in 1, 2 and 3 dims: max/avg pooling with ceil_mode, dilation and return_indices, lp_pool,
adaptive pooling, max_unpool and fractional max pooling.

Max pooling of every kind finds each window's first maximum in numpy (outside the graph) and then
gathers those input elements (``x[n, c, index]``), so the gradient goes to exactly that element,
as in PyTorch. Average pooling sums the windows of ``ops/conv_nd.Unfold``; adaptive average
pooling multiplies by one averaging matrix per axis. Re-exported by ``nn.functional``.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

import numpy as np

from ..base.errors import ShapeError
from ..base.random import generator
from ..ops.conv_nd import Unfold
from ..ops.movement import Pad, SetItem
from ..tensor.tensor import Tensor
from .conv_functions import Size, batched, ntuple

__all__ = [
    "max_pool1d",
    "max_pool3d",
    "avg_pool1d",
    "avg_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "fractional_max_pool2d",
    "fractional_max_pool3d",
]

OutputSize = int | None | Sequence[int | None]


def pool_grid(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """Windows along one axis; with ``ceil_mode`` a last partial window counts if it starts inside
    the input or its left padding (PyTorch's rule)."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _window_args(
    x: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    d: int,
    op: str,
) -> tuple[tuple[int, ...], ...]:
    """kernel, stride (default: the kernel), padding, dilation and the output grid, checked."""
    kernel = ntuple(kernel_size, d, "kernel_size", op, 1)
    strides = kernel if stride is None or stride == [] or stride == () else ntuple(stride, d, "stride", op, 1)
    pads, dilations = ntuple(padding, d, "padding", op), ntuple(dilation, d, "dilation", op, 1)
    if any(2 * p > dl * (k - 1) + 1 for p, k, dl in zip(pads, kernel, dilations)):
        raise ValueError(f"{op}: padding {pads} must be at most half the kernel size {kernel}")
    grid = tuple(
        pool_grid(n, k, s, p, dl, ceil_mode) for n, k, s, p, dl in zip(x.shape[2:], kernel, strides, pads, dilations)
    )
    if min(grid) < 1:
        raise ShapeError(f"{op}: kernel {kernel} is larger than the padded input {x.shape} (padding {pads})")
    return kernel, strides, pads, dilations, grid


def _lowest(dtype: np.dtype) -> float | int:
    """The padding value of max pooling: below every value of ``dtype``."""
    return -np.inf if dtype.kind == "f" else int(np.iinfo(dtype).min)


def window_max(x: Tensor, coords: Sequence[np.ndarray]) -> tuple[Tensor, Tensor]:
    """The first maximum of each window and its flat index into the spatial dims of x (N, C, *S).

    ``coords[a]`` holds the coordinates along spatial axis a of every window member, broadcastable
    to (N, C, *out, *window); coordinates outside the input are padding (never the maximum)."""
    a, d = x._array, len(coords)
    size = a.shape[2:]
    full = np.broadcast_shapes(a.shape[:2] + (1,) * (coords[0].ndim - 2), *(c.shape for c in coords))
    n_ix = np.arange(a.shape[0]).reshape((-1,) + (1,) * (len(full) - 1))
    c_ix = np.arange(a.shape[1]).reshape((1, -1) + (1,) * (len(full) - 2))
    inside = np.ones(full, dtype=bool)
    clipped, flat = [], np.zeros(full, dtype=np.int64)
    for axis in range(d):
        inside &= (coords[axis] >= 0) & (coords[axis] < size[axis])
        clipped.append(np.clip(coords[axis], 0, size[axis] - 1))
        flat = flat * size[axis] + clipped[axis]
    values = np.where(inside, a[tuple([n_ix, c_ix, *clipped])], _lowest(a.dtype))
    out_shape, members = full[: len(full) - d], prod(full[len(full) - d :])
    values, flat = values.reshape(out_shape + (members,)), flat.reshape(out_shape + (members,))
    first = np.argmax(values, axis=-1)[..., None]
    index = np.take_along_axis(flat, first, axis=-1)[..., 0]
    n_out, c_out = n_ix.reshape((-1,) + (1,) * (index.ndim - 1)), c_ix.reshape((1, -1) + (1,) * (index.ndim - 2))
    picked = x.reshape(a.shape[0], a.shape[1], prod(size))[n_out, c_out, index]
    return picked, Tensor(index)


def max_pool_nd(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    return_indices: bool,
    d: int,
    op: str,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max pooling in d spatial dims: window member i of output o sits at s o + d i - padding."""
    x, unbatched = batched(input, d, op)
    kernel, strides, pads, dilations, grid = _window_args(x, kernel_size, stride, padding, dilation, ceil_mode, d, op)
    coords = []
    for axis in range(d):
        shape = [1] * (2 + 2 * d)
        shape[2 + axis], shape[2 + d + axis] = grid[axis], 1
        o = np.arange(grid[axis]).reshape(shape)
        shape[2 + axis], shape[2 + d + axis] = 1, kernel[axis]
        i = np.arange(kernel[axis]).reshape(shape)
        coords.append(o * strides[axis] + i * dilations[axis] - pads[axis])
    out, index = window_max(x, coords)
    if unbatched:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def max_pool1d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Maximum of each window of (N, C, L) input; with ``return_indices`` also its index in L."""
    return max_pool_nd(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1, "max_pool1d")


def max_pool3d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Maximum of each window of (N, C, D, H, W) input; with ``return_indices`` also its flat index in D H W."""
    return max_pool_nd(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3, "max_pool3d")


def avg_pool_nd(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    d: int,
    op: str,
) -> Tensor:
    """The sum of each window of the Unfold op over a divisor: the window's size within the padded
    input (``count_include_pad``), within the input, or ``divisor_override``."""
    x, unbatched = batched(input, d, op)
    kernel, strides, pads, ones, grid = _window_args(x, kernel_size, stride, padding, 1, ceil_mode, d, op)
    if divisor_override is not None and divisor_override == 0:
        raise ValueError(f"{op}: divisor_override must not be zero")
    extra = tuple(
        max(0, (g - 1) * s + k - n - 2 * p) for g, s, k, n, p in zip(grid, strides, kernel, x.shape[2:], pads)
    )
    if any(extra):
        x = Pad.apply(x, widths=((0, 0), (0, 0)) + tuple((0, e) for e in extra), value=0.0)
    cols = Unfold.apply(x, kernel=kernel, stride=strides, padding=pads, dilation=ones)
    sums = cols[(Ellipsis,) + tuple(slice(0, g) for g in grid)].sum(tuple(range(2, 2 + d)))
    if divisor_override is not None:
        out = sums / divisor_override
    else:
        counts = np.ones((), dtype=np.int64)
        for g, s, k, n, p in zip(grid, strides, kernel, input.shape[-d:], pads):
            start = np.arange(g) * s - p
            end = np.minimum(start + k, n + p)
            count = end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0)
            counts = np.multiply.outer(counts, count)
        out = sums / Tensor(counts.astype(sums.dtype))
    return out.squeeze(0) if unbatched else out


def avg_pool1d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """Mean of each window of (N, C, L) input, as ``torch.nn.functional.avg_pool1d``."""
    return avg_pool_nd(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d")


def avg_pool3d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean of each window of (N, C, D, H, W) input, as ``torch.nn.functional.avg_pool3d``."""
    return avg_pool_nd(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3, "avg_pool3d"
    )


def _lp_pool(
    input: Tensor, norm_type: float, kernel_size: Size, stride: Size | None, ceil_mode: bool, d: int, op: str
) -> Tensor:
    """(sum of x^p over each window)^(1/p), as PyTorch: the window mean of x^p times the window size."""
    kernel = ntuple(kernel_size, d, "kernel_size", op, 1)
    mean = avg_pool_nd(input**norm_type, kernel, stride, 0, ceil_mode, True, None, d, op)
    return (mean * prod(kernel)) ** (1.0 / norm_type)


def lp_pool1d(
    input: Tensor, norm_type: float, kernel_size: Size, stride: Size | None = None, ceil_mode: bool = False
) -> Tensor:
    """The p-norm of each window of (N, C, L) input."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "lp_pool1d")


def lp_pool2d(
    input: Tensor, norm_type: float, kernel_size: Size, stride: Size | None = None, ceil_mode: bool = False
) -> Tensor:
    """The p-norm of each window of (N, C, H, W) input."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "lp_pool2d")


def lp_pool3d(
    input: Tensor, norm_type: float, kernel_size: Size, stride: Size | None = None, ceil_mode: bool = False
) -> Tensor:
    """The p-norm of each window of (N, C, D, H, W) input."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, "lp_pool3d")


def adaptive_bins(n: int, m: int) -> list[tuple[int, int]]:
    """The m adaptive-pooling cells along an axis of n: [floor(i n / m), ceil((i + 1) n / m)) for each i."""
    return [(i * n // m, -(-(i + 1) * n // m)) for i in range(m)]


def _output_size(x: Tensor, output_size: OutputSize, d: int, op: str) -> tuple[int, ...]:
    """Adaptive pooling's output size per spatial axis (None keeps the input's)."""
    sizes = (output_size,) * d if output_size is None or isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != d:
        raise ValueError(f"{op}: output_size must be an int or {d} ints (or None), got {output_size!r}")
    out = tuple(n if s is None else int(s) for s, n in zip(sizes, x.shape[2:]))
    if min(out) < 0 or (min(out) == 0 and x.numel()):
        raise ValueError(f"{op}: output_size must be positive, got {output_size!r}")
    return out


def along(x: Tensor, axis: int, matrix: np.ndarray) -> Tensor:
    """x with axis ``axis`` (length n) replaced by ``matrix`` (m, n) times it:
    y[.., i, ..] = sum_j M[i, j] x[.., j, ..]."""
    moved = x.transpose(axis, -1)
    return (moved @ Tensor(np.ascontiguousarray(matrix.T, dtype=x.dtype))).transpose(axis, -1)


def adaptive_avg_pool_nd(input: Tensor, output_size: OutputSize, d: int, op: str) -> Tensor:
    """Average over adaptive bins: one averaging matrix (out, n) with 1 / (bin length) per axis."""
    x, unbatched = batched(input, d, op)
    for axis, (n, m) in enumerate(zip(x.shape[2:], _output_size(x, output_size, d, op))):
        matrix = np.zeros((m, n))
        for i, (lo, hi) in enumerate(adaptive_bins(n, m)):
            matrix[i, lo:hi] = 1.0 / (hi - lo)
        x = along(x, 2 + axis, matrix)
    return x.squeeze(0) if unbatched else x


def adaptive_avg_pool1d(input: Tensor, output_size: OutputSize) -> Tensor:
    """Average over ``output_size`` adaptive bins of (N, C, L) input."""
    return adaptive_avg_pool_nd(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool3d(input: Tensor, output_size: OutputSize) -> Tensor:
    """Average over ``output_size`` adaptive bins of (N, C, D, H, W) input."""
    return adaptive_avg_pool_nd(input, output_size, 3, "adaptive_avg_pool3d")


def _bin_coords(bins: list[tuple[int, int]], axis: int, d: int) -> np.ndarray:
    """(out, longest bin) coordinates, short bins repeating their last element, shaped for axis ``axis``."""
    longest = max(hi - lo for lo, hi in bins)
    table = np.array([[min(lo + j, hi - 1) for j in range(longest)] for lo, hi in bins], dtype=np.int64)
    shape = [1] * (2 + 2 * d)
    shape[2 + axis], shape[2 + d + axis] = table.shape
    return table.reshape(shape)


def _adaptive_max_pool(
    input: Tensor, output_size: OutputSize, return_indices: bool, d: int, op: str
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over adaptive bins: each bin's coordinates, short bins repeating their last element."""
    x, unbatched = batched(input, d, op)
    sizes = _output_size(x, output_size, d, op)
    if min(x.shape[2:]) < 1:
        raise ShapeError(f"{op}: expected non-empty spatial dims, got input {x.shape}")
    coords = [_bin_coords(adaptive_bins(n, m), axis, d) for axis, (n, m) in enumerate(zip(x.shape[2:], sizes))]
    out, index = window_max(x, coords)
    if unbatched:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def adaptive_max_pool1d(
    input: Tensor, output_size: OutputSize, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """Maximum over ``output_size`` adaptive bins of (N, C, L) input."""
    return _adaptive_max_pool(input, output_size, return_indices, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d(
    input: Tensor, output_size: OutputSize, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """Maximum over ``output_size`` adaptive bins of (N, C, H, W) input."""
    return _adaptive_max_pool(input, output_size, return_indices, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d(
    input: Tensor, output_size: OutputSize, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """Maximum over ``output_size`` adaptive bins of (N, C, D, H, W) input."""
    return _adaptive_max_pool(input, output_size, return_indices, 3, "adaptive_max_pool3d")


def _max_unpool(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    output_size: Sequence[int] | None,
    d: int,
    op: str,
) -> Tensor:
    """Zeros of the unpooled size with each input value written at its flat index (the last write wins)."""
    x, unbatched = batched(input, d, op)
    if tuple(indices.shape) != tuple(input.shape):
        raise ShapeError(f"{op}: indices {indices.shape} must have the shape of the input {input.shape}")
    kernel = ntuple(kernel_size, d, "kernel_size", op, 1)
    strides = kernel if stride is None else ntuple(stride, d, "stride", op, 1)
    pads = ntuple(padding, d, "padding", op)
    if output_size is None:
        size = tuple((n - 1) * s - 2 * p + k for n, s, p, k in zip(x.shape[2:], strides, pads, kernel))
    else:
        size = tuple(int(v) for v in tuple(output_size)[-d:])
    index = np.asarray(indices._array, dtype=np.int64).reshape(x.shape[0], x.shape[1], -1)
    if index.size and (index.min() < 0 or index.max() >= prod(size)):
        raise IndexError(f"{op}: indices must lie in [0, {prod(size)}) for the output size {size}")
    n_ix = np.arange(x.shape[0])[:, None, None]
    c_ix = np.arange(x.shape[1])[None, :, None]
    zeros = Tensor(np.zeros((x.shape[0], x.shape[1], prod(size)), dtype=x.dtype))
    flat = SetItem.apply(zeros, x.reshape(x.shape[0], x.shape[1], -1), index=(n_ix, c_ix, index))
    out = flat.reshape(tuple(x.shape[:2]) + size)
    return out.squeeze(0) if unbatched else out


def max_unpool1d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """The partial inverse of max_pool1d: each value back at its index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1, "max_unpool1d")


def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """The partial inverse of max_pool2d: each value back at its flat index in H W, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2, "max_unpool2d")


def max_unpool3d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """The partial inverse of max_pool3d: each value back at its flat index in D H W, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3, "max_unpool3d")


def _fractional_max_pool(
    input: Tensor,
    kernel_size: Size,
    output_size: Size | None,
    output_ratio: float | Sequence[float] | None,
    return_indices: bool,
    samples: Tensor | None,
    d: int,
    op: str,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over windows of ``kernel_size`` starting at pseudo-random, increasing offsets (Graham's
    fractional max pooling): start_i = floor((i + u) a) - floor(u a), a = (n - k) / (out - 1), the
    last window ending at the input's end; u uniform per (sample, channel, axis). Given samples are
    read as PyTorch's kernels read them: the first n rows, and in 2-D the W axis's u first."""
    x, unbatched = batched(input, d, op)
    kernel = ntuple(kernel_size, d, "kernel_size", op, 1)
    if output_size is not None:
        sizes = ntuple(output_size, d, "output_size", op, 1)
    elif output_ratio is not None:
        ratios = (output_ratio,) * d if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
        sizes = tuple(int(n * r) for n, r in zip(x.shape[2:], ratios))
    else:
        raise ValueError(f"{op}: give output_size or output_ratio")
    if any(o + k - 1 > n for o, k, n in zip(sizes, kernel, x.shape[2:])):
        raise ShapeError(f"{op}: output {sizes} with kernel {kernel} does not fit the input {x.shape}")
    n, c = x.shape[:2]
    if samples is not None and (samples.ndim != 3 or samples.shape[0] < n or tuple(samples.shape[1:]) != (c, d)):
        raise ShapeError(f"{op}: _random_samples must have shape (at least {n}, {c}, {d}), got {samples.shape}")
    u = samples._array[:n] if samples is not None else generator().random((n, c, d))
    if d == 2:
        u = u[..., ::-1]
    coords = []
    for axis, (size, k, o) in enumerate(zip(x.shape[2:], kernel, sizes)):
        alpha = (size - k) / (o - 1) if o > 1 else 0.0
        ua = u[:, :, axis : axis + 1].astype(np.float64)
        starts = np.floor((np.arange(o) + ua) * alpha) - np.floor(ua * alpha)
        starts[..., -1] = size - k
        shape = [n, c] + [1] * (2 * d)
        shape[2 + axis] = o
        offsets = [1] * (2 + 2 * d)
        offsets[2 + d + axis] = k
        coords.append(starts.astype(np.int64).reshape(shape) + np.arange(k).reshape(offsets))
    out, index = window_max(x, coords)
    if unbatched:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def fractional_max_pool2d(
    input: Tensor,
    kernel_size: Size,
    output_size: Size | None = None,
    output_ratio: float | Sequence[float] | None = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """Fractional max pooling of (N, C, H, W) input to ``output_size`` (or ``output_ratio`` of the input)."""
    return _fractional_max_pool(
        input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 2, "fractional_max_pool2d"
    )


def fractional_max_pool3d(
    input: Tensor,
    kernel_size: Size,
    output_size: Size | None = None,
    output_ratio: float | Sequence[float] | None = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """Fractional max pooling of (N, C, D, H, W) input to ``output_size`` (or ``output_ratio`` of the input)."""
    return _fractional_max_pool(
        input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 3, "fractional_max_pool3d"
    )
