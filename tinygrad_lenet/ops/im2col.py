"""Sliding windows over images (im2col) and their adjoint, col2im, shared by conv and pooling.

``windows`` is a zero-copy strided view; ``col2im`` adds each window's values back to the pixels
they came from, which is exactly the backward rule of taking the windows.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


def out_size(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Output length along one axis: floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def in_layout_of(like: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``a`` (the shape of ``like``) in the memory order of ``like``, copied only when the two differ.

    An elementwise op over arrays laid out in different orders, (N, C, H, W) against the
    batch-innermost (C, H, W, N) of a convolution's output, visits one of them with long strides:
    about 8x slower than one copy into the same order first (docs/performance.md)."""
    if all(sa * like.itemsize == sl * a.itemsize for sa, sl in zip(a.strides, like.strides)):
        return a
    out = np.empty_like(like, dtype=a.dtype)
    np.copyto(out, a)
    return out


def pad_images(x: np.ndarray, padding: tuple[int, int], value: float = 0.0) -> np.ndarray:
    """Pad the last two axes of an (N, C, H, W) array by ``padding`` on each side."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def unpad_images(x: np.ndarray, padding: tuple[int, int]) -> np.ndarray:
    """Cut ``padding`` off each side of the last two axes (the adjoint of zero padding)."""
    ph, pw = padding
    return x[:, :, ph : x.shape[2] - ph, pw : x.shape[3] - pw]


def windows(
    x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int] = (1, 1)
) -> np.ndarray:
    """A read-only view of shape (N, C, kh, kw, OH, OW): [n, c, i, j, y, x] = x[n, c, sy + di i, sx + dj j]."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = out_size(h, kh, sh, 0, dh), out_size(w, kw, sw, 0, dw)
    s0, s1, s2, s3 = x.strides
    return as_strided(
        x, shape=(n, c, kh, kw, oh, ow), strides=(s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw), writeable=False
    )


def col2im(
    cols: np.ndarray, shape: tuple[int, ...], stride: tuple[int, int], dilation: tuple[int, int] = (1, 1)
) -> np.ndarray:
    """The adjoint of ``windows``: sum each window entry back into an array of ``shape``.

    ``cols`` has shape (N, C, kh, kw, OH, OW); the loop runs over the kh*kw kernel offsets only,
    each step adding a whole (N, C, OH, OW) block.
    """
    _, _, kh, kw, oh, ow = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros(shape, dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh : i * dh + sh * oh : sh, j * dw : j * dw + sw * ow : sw] += cols[:, :, i, j]
    return out
