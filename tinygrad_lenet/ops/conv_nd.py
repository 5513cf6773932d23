"""Sliding windows in any number of spatial dims (N-d im2col, ``Unfold``) and their adjoint (``Fold``).

The two are each other's backward pass: taking the windows copies every pixel into each window it
lies in, so its gradient adds each window entry back to its pixel (col2im), and the other way
round. Convolutions in 1 and 3 dims, transposed convolutions and ``F.unfold`` / ``F.fold`` are
built from them and a matrix product (nn/conv_functions.py); average pooling sums their windows.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autodiff.function import Function, Grads

Ints = tuple[int, ...]


def grid_size(size: Ints, kernel: Ints, stride: Ints, padding: Ints, dilation: Ints) -> Ints:
    """Window positions along each axis: floor((n + 2 p - d (k - 1) - 1) / s) + 1."""
    return tuple(
        (n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, s, p, d in zip(size, kernel, stride, padding, dilation)
    )


def window_view(x: np.ndarray, kernel: Ints, stride: Ints, dilation: Ints) -> np.ndarray:
    """A read-only view (N, C, *kernel, *grid) of an (N, C, *spatial) array:
    [n, c, *i, *y] = x[n, c, *(s y + d i)]."""
    grid = grid_size(x.shape[2:], kernel, stride, (0,) * len(kernel), dilation)
    spatial = x.strides[2:]
    strides = (
        x.strides[:2] + tuple(t * d for t, d in zip(spatial, dilation)) + tuple(t * s for t, s in zip(spatial, stride))
    )
    return as_strided(x, shape=x.shape[:2] + tuple(kernel) + grid, strides=strides, writeable=False)


def _pad_spatial(x: np.ndarray, padding: Ints, value: float = 0.0) -> np.ndarray:
    if not any(padding):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding), constant_values=value)


def fold_into(cols: np.ndarray, size: Ints, stride: Ints, padding: Ints, dilation: Ints) -> np.ndarray:
    """Add each window entry of ``cols`` (N, C, *kernel, *grid) back to its pixel of an (N, C, *size)
    array (padding cut off); the loop runs over the kernel offsets, each adding a whole block."""
    d = len(size)
    kernel, grid = cols.shape[2 : 2 + d], cols.shape[2 + d :]
    out = np.zeros(cols.shape[:2] + tuple(n + 2 * p for n, p in zip(size, padding)), dtype=cols.dtype)
    for offset in np.ndindex(*kernel):
        where = tuple(slice(i * dl, i * dl + s * g, s) for i, dl, s, g in zip(offset, dilation, stride, grid))
        out[(slice(None), slice(None)) + where] += cols[(slice(None), slice(None)) + offset]
    return out[(slice(None), slice(None)) + tuple(slice(p, p + n) for p, n in zip(padding, size))]


class Unfold(Function):
    """y[n, c, *i, *o] = x_pad[n, c, *(s o + d i)]: every window of the zero-padded input, copied."""

    def forward(self, x: np.ndarray, kernel: Ints, stride: Ints, padding: Ints, dilation: Ints) -> np.ndarray:
        self.size, self.stride, self.padding, self.dilation = x.shape[2:], stride, padding, dilation
        return np.ascontiguousarray(window_view(_pad_spatial(x, padding), kernel, stride, dilation))

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx[p] = sum of dL/dy over the window entries that copied pixel p (col2im)."""
        return (fold_into(grad, self.size, self.stride, self.padding, self.dilation),)


class Fold(Function):
    """y[n, c, p] = sum of x[n, c, *i, *o] over the window entries (s o + d i - padding = p): col2im."""

    def forward(self, cols: np.ndarray, size: Ints, stride: Ints, padding: Ints, dilation: Ints) -> np.ndarray:
        self.kernel, self.stride, self.padding, self.dilation = cols.shape[2 : 2 + len(size)], stride, padding, dilation
        self.grid = cols.shape[2 + len(size) :]
        return fold_into(cols, size, stride, padding, dilation)

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx[*i, *o] = dL/dy at the pixel the entry was added to (im2col of dL/dy)."""
        padded = _pad_spatial(grad, self.padding)
        need = tuple(
            (g - 1) * s + d * (k - 1) + 1 for g, s, d, k in zip(self.grid, self.stride, self.dilation, self.kernel)
        )
        extra = tuple(max(0, n - m) for n, m in zip(need, padded.shape[2:]))
        if any(extra):
            padded = np.pad(padded, ((0, 0), (0, 0)) + tuple((0, e) for e in extra))
        view = window_view(padded, self.kernel, self.stride, self.dilation)
        return (np.ascontiguousarray(view[(Ellipsis,) + tuple(slice(0, g) for g in self.grid)]),)
