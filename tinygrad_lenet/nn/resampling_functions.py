"""Resampling and padding: interpolate/upsample, pad modes reflect/replicate/circular, pixel_shuffle/unshuffle,
channel_shuffle.

Every resampling here is separable: along each spatial axis the output is either a gather of input
positions (nearest, the padding modes) or a fixed matrix times the input (linear, cubic, area), so
each is composed of indexing or one matrix product per axis and the gradient comes from those.
Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from ..base.errors import ShapeError
from ..ops.movement import Pad
from ..tensor.tensor import Tensor
from .pool_functions import adaptive_avg_pool_nd, along

__all__ = [
    "constant_pad_nd",
    "interpolate",
    "upsample",
    "upsample_nearest",
    "upsample_bilinear",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "grid_sample",
    "grid_sampler_2d",
    "grid_sampler_3d",
]

Offsets = TypeVar("Offsets", np.ndarray, Tensor)

PAD_MODES = ("constant", "reflect", "replicate", "circular")
CUBIC_A = -0.75  # the cubic convolution kernel's parameter, as PyTorch


def _take(x: Tensor, axis: int, index: np.ndarray) -> Tensor:
    """x at positions ``index`` along ``axis`` (a gather; its gradient adds back, repeats summing)."""
    return x[(slice(None),) * axis + (index,)]


def _source(mode: str, j: np.ndarray, n: int) -> np.ndarray:
    """The input position that output position j (counted from the input's first element) copies,
    for replicate and reflect."""
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    period = 2 * (n - 1)
    r = np.mod(np.abs(j), period) if period else np.zeros_like(j)
    return np.where(r > n - 1, period - r, r)


def pad_nd(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """``F.pad``: pad (or, with negative widths, crop) the last ``len(pad) // 2`` dims; ``pad``
    lists (before, after) from the last dim back. constant pads with ``value``; reflect mirrors
    without repeating the edge, replicate repeats it, circular wraps around."""
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim or not all(isinstance(p, (int, np.integer)) for p in pad):
        raise ValueError(f"pad: expected an even number of ints, at most 2 per dim of {tuple(input.shape)}, got {pad}")
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {PAD_MODES}, got {mode!r}")
    d = len(pad) // 2
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(d)]
    if mode == "constant":
        return _constant_pad(input, pairs, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise ValueError(f"pad: value is only for mode='constant', got value={value} with mode={mode!r}")
    if d > 3 or input.ndim not in (d + 1, d + 2):
        raise ShapeError(
            f"pad: mode={mode!r} pads the last 1-3 dims of a batched or unbatched input (1 or 2 more dims), "
            f"got {len(pad)} widths for shape {tuple(input.shape)}"
        )
    x = input
    for i, (before, after) in enumerate(pairs):
        axis, n = input.ndim - 1 - i, input.shape[input.ndim - 1 - i]
        limit = n - 1 if mode == "reflect" else n
        if mode != "replicate" and max(before, after) > limit:
            raise ValueError(f"pad: {mode} padding ({before}, {after}) must be at most {limit} for dim {axis} of {n}")
        if mode == "replicate" and n == 0 and max(before, after) > 0:
            raise ShapeError(f"pad: cannot replicate-pad the empty dim {axis} of {tuple(input.shape)}")
        if mode == "circular":  # wraps around what is left after cropping, as PyTorch
            start, kept = max(-before, 0), n - max(-before, 0) - max(-after, 0)
            index = start + np.mod(np.arange(-max(before, 0), kept + max(after, 0)), max(kept, 1))
        else:
            index = _source(mode, np.arange(-before, n + after), n)
        x = _take(x, axis, index)
    return x


def _constant_pad(input: Tensor, pairs: list[tuple[int, int]], value: float) -> Tensor:
    """Negative widths crop first; the rest is one Pad op."""
    crop = [slice(None)] * input.ndim
    widths = [(0, 0)] * input.ndim
    for i, (before, after) in enumerate(pairs):
        axis = input.ndim - 1 - i
        n = input.shape[axis]
        if n + min(before, 0) + min(after, 0) < 0:
            raise ShapeError(f"pad: cropping ({before}, {after}) is more than dim {axis} of {tuple(input.shape)}")
        crop[axis] = slice(max(-before, 0), n - max(-after, 0))
        widths[axis] = (max(before, 0), max(after, 0))
    x = input[tuple(crop)] if any(s != slice(None) for s in crop) else input
    return Pad.apply(x, widths=tuple(widths), value=value) if any(w != (0, 0) for w in widths) else x


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:
    """``torch.constant_pad_nd``: ``F.pad`` with mode='constant' (negative widths crop)."""
    return pad_nd(input, pad, "constant", value)


def _sizes_and_scales(
    x: Tensor,
    size: int | Sequence[int] | None,
    scale_factor: float | Sequence[float] | None,
    recompute_scale_factor: bool | None,
    d: int,
) -> tuple[tuple[int, ...], tuple[float | None, ...]]:
    """The output size along each spatial axis, and the scale factor the coordinates use (None: in / out)."""
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        sizes = (size,) * d if isinstance(size, int) else tuple(size)
        if len(sizes) != d:
            raise ValueError(f"interpolate: size must be an int or {d} ints for input {tuple(x.shape)}, got {size!r}")
        return tuple(int(s) for s in sizes), (None,) * d
    factors = (scale_factor,) * d if isinstance(scale_factor, (int, float)) else tuple(scale_factor)  # type: ignore[arg-type]
    if len(factors) != d:
        raise ValueError(f"interpolate: scale_factor must be a number or {d} numbers, got {scale_factor!r}")
    sizes = tuple(int(np.floor(float(n) * f)) for n, f in zip(x.shape[2:], factors))
    return sizes, ((None,) * d if recompute_scale_factor else tuple(float(f) for f in factors))


def _nearest_index(n: int, m: int, factor: float | None, exact: bool) -> np.ndarray:
    """Nearest source of each output position, in single precision as PyTorch computes it."""
    if not exact and m == n:
        return np.arange(m)
    if not exact and m == 2 * n:
        return np.arange(m) // 2
    scale = np.float32(1.0 / factor) if factor is not None and factor > 0 else np.float32(n) / np.float32(m)
    position = np.arange(m, dtype=np.float32) + (np.float32(0.5) if exact else np.float32(0.0))
    return np.minimum(np.floor(position * scale).astype(np.int64), n - 1)


def _source_coords(n: int, m: int, factor: float | None, align_corners: bool, cubic: bool) -> np.ndarray:
    """The real input coordinate of each output position (pixel centres, or corners aligned)."""
    if align_corners:
        return np.arange(m) * ((n - 1) / (m - 1) if m > 1 else 0.0)
    scale = 1.0 / factor if factor is not None and factor > 0 else n / m
    src = scale * (np.arange(m) + 0.5) - 0.5
    return src if cubic else np.maximum(src, 0.0)


def _linear_matrix(n: int, m: int, factor: float | None, align_corners: bool) -> np.ndarray:
    src = _source_coords(n, m, factor, align_corners, cubic=False)
    low = np.minimum(np.floor(src).astype(np.int64), n - 1)
    weight = np.clip(src - low, 0.0, 1.0)
    high = low + (low < n - 1)
    matrix = np.zeros((m, n))
    np.add.at(matrix, (np.arange(m), low), 1.0 - weight)
    np.add.at(matrix, (np.arange(m), high), weight)
    return matrix


def _cubic_weights(t: Offsets) -> list[Offsets]:
    """Keys' cubic convolution weights of the taps at -1, 0, 1, 2 for offset t in [0, 1)
    (numpy for the fixed matrices of interpolate, tensors for grid_sample's learned points)."""
    a = CUBIC_A

    def near(x: Offsets) -> Offsets:
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Offsets) -> Offsets:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)]


def _cubic_matrix(n: int, m: int, factor: float | None, align_corners: bool) -> np.ndarray:
    src = _source_coords(n, m, factor, align_corners, cubic=True)
    base = np.floor(src).astype(np.int64)
    matrix = np.zeros((m, n))
    for tap, weight in enumerate(_cubic_weights(src - base)):
        np.add.at(matrix, (np.arange(m), np.clip(base - 1 + tap, 0, n - 1)), weight)
    return matrix


LINEAR_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dims of (N, C, *spatial) input, as ``torch.nn.functional.interpolate``.

    nearest / nearest-exact gather the source pixel of each output pixel; linear, bilinear,
    trilinear and bicubic multiply each axis by its interpolation matrix; area averages adaptive bins."""
    d = input.ndim - 2
    if d not in (1, 2, 3):
        raise ShapeError(f"interpolate: expected a 3-D, 4-D or 5-D input (N, C, *spatial), got {tuple(input.shape)}")
    if mode in LINEAR_DIMS and LINEAR_DIMS[mode] != d:
        raise ShapeError(f"interpolate: mode={mode!r} needs {LINEAR_DIMS[mode] + 2}-D input, got {tuple(input.shape)}")
    if mode not in LINEAR_DIMS and mode not in ("nearest", "nearest-exact", "area"):
        raise ValueError(f"interpolate: unknown mode {mode!r}")
    if align_corners is not None and mode not in LINEAR_DIMS:
        raise ValueError(f"interpolate: align_corners is only for the linear and cubic modes, not {mode!r}")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    sizes, factors = _sizes_and_scales(input, size, scale_factor, recompute_scale_factor, d)
    if min(sizes) < 1:
        raise ValueError(f"interpolate: the output size {sizes} must be positive")
    if mode == "area":
        return adaptive_avg_pool_nd(input, sizes, d, "interpolate")
    x = input
    for axis, (n, m, factor) in enumerate(zip(input.shape[2:], sizes, factors)):
        if mode.startswith("nearest"):
            x = _take(x, 2 + axis, _nearest_index(n, m, factor, mode == "nearest-exact"))
        else:
            build = _cubic_matrix if mode == "bicubic" else _linear_matrix
            x = along(x, 2 + axis, build(n, m, factor, bool(align_corners)))
    return x


def upsample(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """``interpolate`` under its older name."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(
    input: Tensor, size: int | Sequence[int] | None = None, scale_factor: float | Sequence[float] | None = None
) -> Tensor:
    """``interpolate`` with mode='nearest'."""
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(
    input: Tensor, size: int | Sequence[int] | None = None, scale_factor: float | Sequence[float] | None = None
) -> Tensor:
    """``interpolate`` with mode='bilinear' and align_corners=True."""
    return interpolate(input, size, scale_factor, "bilinear", align_corners=True)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): each group of r^2 channels becomes an r x r block."""
    r = upscale_factor
    if input.ndim < 3 or r < 1 or input.shape[-3] % (r * r):
        raise ShapeError(
            f"pixel_shuffle: expected (*, C * {r}^2, H, W) input with upscale_factor >= 1, got {tuple(input.shape)}"
        )
    *batch, c, h, w = input.shape
    lead = len(batch)
    x = input.reshape((*batch, c // (r * r), r, r, h, w))
    x = x.permute(*range(lead), lead, lead + 3, lead + 1, lead + 4, lead + 2)
    return x.reshape((*batch, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of ``pixel_shuffle``."""
    r = downscale_factor
    if input.ndim < 3 or r < 1 or input.shape[-1] % r or input.shape[-2] % r:
        raise ShapeError(
            f"pixel_unshuffle: expected (*, C, H * {r}, W * {r}) input with downscale_factor >= 1, "
            f"got {tuple(input.shape)}"
        )
    *batch, c, h, w = input.shape
    lead = len(batch)
    x = input.reshape((*batch, c, h // r, r, w // r, r))
    x = x.permute(*range(lead), lead, lead + 2, lead + 4, lead + 1, lead + 3)
    return x.reshape((*batch, c * r * r, h // r, w // r))


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, C, *) with channels (g, C/g) reordered as (C/g, g): the channels of the groups interleaved."""
    if input.ndim < 3 or groups < 1 or input.shape[1] % groups:
        raise ShapeError(
            f"channel_shuffle: expected (N, C, *) input with groups={groups} dividing C, got {tuple(input.shape)}"
        )
    n, c, *rest = input.shape
    x = input.reshape((n, groups, c // groups, *rest)).transpose(1, 2)
    return x.reshape((n, c, *rest))


GRID_MODES = ("bilinear", "nearest", "bicubic")
GRID_PADDINGS = ("zeros", "border", "reflection")


def _unnormalize(g: Tensor, size: int, align_corners: bool) -> Tensor:
    """Grid coordinates in [-1, 1] to pixel coordinates: -1 and 1 are the corner pixels' centres
    (``align_corners``) or their outer edges."""
    if align_corners:
        return (g + 1) * ((size - 1) / 2)
    return ((g + 1) * size - 1) / 2


def _reflect(c: Tensor, low: float, high: float) -> Tensor:
    """Coordinates mirrored back into [low, high] as often as needed (slope +-1, so the gradient follows)."""
    if high <= low:
        return c * 0
    span = high - low
    distance = (c - low).abs()
    flips = np.floor(distance._array / span)
    extra = distance - Tensor(flips * span)
    return (extra + low).where(flips % 2 == 0, (span - extra) + low)


def _bounded(c: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """The source coordinate after the padding mode: border clips it, reflection mirrors then clips."""
    if padding_mode == "border":
        return c.clip(0, size - 1)
    if padding_mode == "reflection":
        mirrored = _reflect(c, 0, size - 1) if align_corners else _reflect(c, -0.5, size - 0.5)
        return mirrored.clip(0, size - 1)
    return c


def _bounded_index(i: np.ndarray, size: int, padding_mode: str, align_corners: bool) -> np.ndarray:
    """An integer tap of the bicubic kernel after the padding mode (as ``_bounded``, on integers)."""
    if padding_mode == "zeros":
        return i
    if padding_mode == "reflection":
        low, high = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
        span, distance = high - low, np.abs(i - low)
        flips, extra = np.floor(distance / span) if span > 0 else 0, np.mod(distance, span) if span > 0 else 0
        i = np.where(np.mod(flips, 2) == 0, extra + low, span - extra + low)
    return np.clip(i, 0, size - 1).astype(np.int64)


def _gather_taps(x: Tensor, taps: list[np.ndarray]) -> Tensor:
    """x (N, *S, C) at integer positions ``taps`` (one (N, *O) array per spatial axis); zero outside."""
    size = x.shape[1:-1]
    inside = np.ones(taps[0].shape, dtype=bool)
    for i, n in zip(taps, size):
        inside &= (i >= 0) & (i < n)
    n_ix = np.arange(x.shape[0]).reshape((-1,) + (1,) * (taps[0].ndim - 1))
    values = x[tuple([n_ix, *(np.clip(i, 0, n - 1) for i, n in zip(taps, size))])]
    return values * Tensor(inside[..., None].astype(x.dtype))


def _grid_sample(input: Tensor, grid: Tensor, mode: str, padding_mode: str, align_corners: bool, op: str) -> Tensor:
    d = input.ndim - 2
    if d not in (2, 3) or grid.ndim != d + 2 or grid.shape[-1] != d or grid.shape[0] != input.shape[0]:
        raise ShapeError(
            f"{op}: expected input (N, C, H, W) with grid (N, H_out, W_out, 2), or input (N, C, D, H, W) with grid "
            f"(N, D_out, H_out, W_out, 3), got {tuple(input.shape)} and {tuple(grid.shape)}"
        )
    if mode not in GRID_MODES or padding_mode not in GRID_PADDINGS or (mode == "bicubic" and d == 3):
        raise ValueError(
            f"{op}: mode must be one of {GRID_MODES} (bicubic for 4-D input only) and padding_mode one of "
            f"{GRID_PADDINGS}, got {mode!r} and {padding_mode!r}"
        )
    x, g = input._operands(grid)
    x = x.permute(0, *range(2, d + 2), 1)  # (N, *S, C): the gathered values come out channels-last
    size = tuple(input.shape[2:])
    coords = [_unnormalize(g[..., d - 1 - a], n, align_corners) for a, n in enumerate(size)]
    if mode == "bicubic":
        out = _bicubic_taps(x, coords, padding_mode, align_corners)
    else:
        coords = [_bounded(c, n, padding_mode, align_corners) for c, n in zip(coords, size)]
        if mode == "nearest":
            out = _gather_taps(x, [np.rint(c._array).astype(np.int64) for c in coords])
        else:
            out = _linear_taps(x, coords)
    return out.permute(0, d + 1, *range(1, d + 1))


def _linear_taps(x: Tensor, coords: list[Tensor]) -> Tensor:
    """Sum over the 2^d corners around each point of the corner value times the product of 1 - t
    (near corner) or t (far corner) along each axis, t the point's offset from the near corner."""
    lows = [np.floor(c._array).astype(np.int64) for c in coords]
    fracs = [c - Tensor(low.astype(c.dtype)) for c, low in zip(coords, lows)]
    out: Tensor | None = None
    for corner in np.ndindex(*(2,) * len(coords)):
        weight = fracs[0] if corner[0] else 1 - fracs[0]
        for f, far in zip(fracs[1:], corner[1:]):
            weight = weight * (f if far else 1 - f)
        term = _gather_taps(x, [low + far for low, far in zip(lows, corner)]) * weight.unsqueeze(-1)
        out = term if out is None else out + term
    assert out is not None
    return out


def _bicubic_taps(x: Tensor, coords: list[Tensor], padding_mode: str, align_corners: bool) -> Tensor:
    """Sum over the 4 x 4 taps around each point of the tap value times the cubic convolution
    weights along y and x (Keys, a = -0.75); each tap index goes through the padding mode."""
    h, w = x.shape[1:3]
    lows = [np.floor(c._array).astype(np.int64) for c in coords]
    wy, wx = (_cubic_weights(c - Tensor(low.astype(c.dtype))) for c, low in zip(coords, lows))
    out: Tensor | None = None
    for i in range(4):
        row = _bounded_index(lows[0] - 1 + i, h, padding_mode, align_corners)
        for j in range(4):
            col = _bounded_index(lows[1] - 1 + j, w, padding_mode, align_corners)
            term = _gather_taps(x, [row, col]) * (wy[i] * wx[j]).unsqueeze(-1)
            out = term if out is None else out + term
    assert out is not None
    return out


def grid_sample(
    input: Tensor,
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """Sample (N, C, *S) input at the points of ``grid`` (N, *out, d), coordinates in [-1, 1] ordered
    x, y(, z), by bilinear (trilinear), nearest or bicubic interpolation; ``padding_mode`` says
    what lies outside: zeros, the border value, or the reflected input."""
    return _grid_sample(input, grid, mode, padding_mode, bool(align_corners), "grid_sample")


def grid_sampler_2d(
    input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int, align_corners: bool
) -> Tensor:
    """``torch.grid_sampler_2d``: grid_sample with the modes as numbers (0 bilinear, 1 nearest, 2 bicubic;
    padding 0 zeros, 1 border, 2 reflection)."""
    if input.ndim != 4:
        raise ShapeError(f"grid_sampler_2d: expected a 4-D input (N, C, H, W), got {tuple(input.shape)}")
    return _grid_sample(
        input, grid, GRID_MODES[interpolation_mode], GRID_PADDINGS[padding_mode], align_corners, "grid_sampler_2d"
    )


def grid_sampler_3d(
    input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int, align_corners: bool
) -> Tensor:
    """``torch.grid_sampler_3d``: grid_sample of (N, C, D, H, W) input with the modes as numbers."""
    if input.ndim != 5:
        raise ShapeError(f"grid_sampler_3d: expected a 5-D input (N, C, D, H, W), got {tuple(input.shape)}")
    return _grid_sample(
        input, grid, GRID_MODES[interpolation_mode], GRID_PADDINGS[padding_mode], align_corners, "grid_sampler_3d"
    )
