"""Hypothesis strategies for gradient checks: shapes, and float64 arrays in varied memory layouts.

Values come from a numpy generator seeded by hypothesis (fast to draw, reproducible), and each
array is laid out contiguous, transposed (Fortran order) or strided (every other row of a larger
array), so the ops are checked on non-contiguous inputs too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lenet as tl

LAYOUTS = ("contiguous", "transposed", "strided")

shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3)
nonempty_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)
broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=1, max_side=3)


def layout_copy(values: np.ndarray, layout: str) -> np.ndarray:
    """The same values as an array laid out in memory as ``layout`` says."""
    if values.ndim == 0 or layout == "contiguous":
        return values.copy()
    if layout == "transposed" and values.ndim >= 2:
        return np.asfortranarray(values)  # the transpose of a C-ordered array
    big = np.zeros((values.shape[0] * 2,) + values.shape[1:], dtype=values.dtype)
    big[::2] = values
    return big[::2]


@st.composite
def arrays(
    draw: st.DrawFn,
    shape: tuple[int, ...],
    low: float = -2.0,
    high: float = 2.0,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """A float64 array of ``shape`` with values uniform in [low, high), in a drawn layout."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.uniform(low, high, size=shape)
    if transform is not None:
        values = transform(values)
    return layout_copy(np.asarray(values, dtype=np.float64), draw(st.sampled_from(LAYOUTS)))


def away_from_zero(values: np.ndarray, gap: float = 0.1) -> np.ndarray:
    """Push values at least ``gap`` away from 0 (keeps checks off the kinks of relu, abs, ...)."""
    return np.where(values >= 0, values + gap, values - gap)


def distinct(values: np.ndarray) -> np.ndarray:
    """Values with no ties, at least 0.05 apart (keeps checks off the kinks of max)."""
    ranks = np.argsort(np.argsort(values, axis=None)).reshape(values.shape)
    return ranks * 0.1 - values.size * 0.05


def leaf(array: np.ndarray) -> tl.Tensor:
    """A float64 tensor that requires grad, sharing ``array`` (its layout is kept)."""
    return tl.Tensor(array, requires_grad=True)
