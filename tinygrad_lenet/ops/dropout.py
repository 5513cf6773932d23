"""Dropout as primitive ops: the keep mask is drawn inside ``forward``, from the package's generator.

Drawing inside the op (not outside, as a constant multiplied in) makes the op the unit that
carries the randomness: an op replayed from a recording draws a fresh mask from the same
generator, in the same order as eager mode, and ``manual_seed`` reproduces a run.

A mask of the input's full shape is drawn in the input's memory order, so that the mask, the
product and the gradient all share the input's layout: a convolution hands on an (N, C, H, W)
view of a batch-innermost (C, H, W, N) array, and an elementwise op between arrays laid out in
different orders visits one of them with long strides (~9x slower, docs/performance.md). For a
C-contiguous input the draws are those of ``random(shape)``, the same numbers as before the op
existed. A mask with size-1 axes (one draw per channel: dropout1d/2d/3d) is drawn in its own
C order and broadcast.
"""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.function import Function, Grads
from ..base.random import generator
from .im2col import in_layout_of


def keep_mask(x: np.ndarray, p: float, mask_shape: tuple[int, ...]) -> np.ndarray:
    """A boolean mask of ``mask_shape``, True with probability 1 - p, from the package's generator.

    When ``mask_shape`` is x's shape the uniform draws are laid out in x's memory order (numpy's
    'K' order: the axes by decreasing stride, what ``np.empty_like`` keeps), so the mask has x's
    strides up to its itemsize; otherwise they fill ``mask_shape`` in C order."""
    if mask_shape != x.shape:
        return generator().random(mask_shape) >= p
    strides = np.empty_like(x, dtype=np.bool_).strides  # dense, in x's memory order
    order = sorted(range(x.ndim), key=lambda axis: -strides[axis])
    drawn = generator().random(x.size).reshape([x.shape[axis] for axis in order])
    return (drawn >= p).transpose(np.argsort(order))


class _MaskedLinear(Function):
    """An op whose output is linear in x through a saved keep mask m: dy/dx = m s elementwise, with
    ``scale`` s set by the subclass's ``forward`` (which saves m, a boolean array)."""

    scale: float

    def backward(self, grad: np.ndarray) -> Grads:
        """dy/dx = m s elementwise, so dx = g m s (summed over a channel mask's broadcast axes by
        the engine's ``unbroadcast``: the mask is constant there, the gradient is g m s per element).

        g is first copied into the mask's memory order when the two differ (the gradient of a
        flatten arrives C-ordered, the mask is batch-innermost): a copy and two same-order
        products are ~3x faster than one product across layouts, and dx then has x's layout."""
        (keep,) = self.saved_tensors
        return (_scaled(grad, keep, self.scale),)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Linear in x: d2E/dx2 = (m s)^2 d2E/dy2 = m s^2 d2E/dy2 (m^2 = m; exact)."""
        (keep,) = self.saved_tensors
        return (_scaled(h, keep, self.scale * self.scale),)


def _scaled(a: np.ndarray, keep: np.ndarray, scale: float) -> np.ndarray:
    """a m scale, in the mask's memory order when a has the mask's shape."""
    laid = in_layout_of(keep, a) if keep.shape == a.shape else a
    out = np.multiply(laid, np.asarray(scale, dtype=a.dtype), out=None if laid is a else laid)
    out *= keep
    return out


class Dropout(_MaskedLinear):
    """y = x m s with m a 0/1 keep mask (1 with probability 1 - p) and s = 1/(1-p) (0 when p = 1).

    ``forward(x, p, mask_shape)`` draws m (``keep_mask``) and saves it as booleans: multiplying by
    the scale and then by the boolean mask in place is faster than building a scaled float mask
    (forward 0.50 vs 0.64 ms, backward about equal, on a (64, 64, 12, 12) batch-innermost input)
    and keeps 1 byte per element instead of 4. The values are those of x * (m s) in x's dtype.
    The backward rule is ``_MaskedLinear``'s: dx = g m s.
    """

    def forward(self, x: np.ndarray, p: float, mask_shape: tuple[int, ...]) -> np.ndarray:
        keep = keep_mask(x, p, mask_shape)
        self.scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
        self.save_for_backward(keep)
        out = np.multiply(x, np.asarray(self.scale, dtype=x.dtype))
        out *= keep
        return out


class AlphaDropout(_MaskedLinear):
    """Dropout for SELU networks: y = a x m + b(m), with b = alpha' a p where m = 1 and
    b = alpha' a (p - 1) where m = 0: dropped elements take SELU's limit -alpha' (``saturation`` =
    alpha', SELU's alpha times its scale), then the affine map a z + alpha' a p with
    a = 1 / sqrt((alpha'^2 p + 1)(1 - p)) keeps a zero-mean unit-variance input so. When p = 1, y = 0 x.

    The backward rule is ``_MaskedLinear``'s with s = a: dx = g m a, and d2E/dx2 = m a^2 d2E/dy2.
    """

    def forward(self, x: np.ndarray, p: float, mask_shape: tuple[int, ...], saturation: float) -> np.ndarray:
        keep = keep_mask(x, p, mask_shape)
        self.save_for_backward(keep)
        if p == 1.0:
            self.scale = 0.0
            return x * np.asarray(0.0, dtype=x.dtype)
        self.scale = a = 1.0 / math.sqrt((saturation**2 * p + 1) * (1 - p))
        out = np.multiply(x, np.asarray(a, dtype=x.dtype))
        out *= keep
        out += np.where(keep, saturation * a * p, saturation * a * (p - 1)).astype(x.dtype, copy=False)
        return out
