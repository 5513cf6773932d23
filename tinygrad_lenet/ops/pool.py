"""Max and average pooling over sliding 2-D windows (im2col views, col2im backward)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..autodiff.function import Function, Grads
from ..base.errors import ShapeError
from .im2col import col2im, in_layout_of, out_size, pad_images, unpad_images, windows

if TYPE_CHECKING:
    from ..tensor.tensor import Tensor


class _Pool2d(Function):
    """Shared argument checks of the pooling ops."""

    @classmethod
    def apply(  # type: ignore[override]  # its own inputs, checked first
        cls, x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int]
    ) -> Tensor:
        op = cls.__name__
        if x.ndim != 4:
            raise ShapeError(f"{op}: expected input of shape (N, C, H, W), got {x.shape}")
        for k, s, p, size in zip(kernel, stride, padding, x.shape[2:]):
            if k < 1 or s < 1 or p < 0:
                raise ValueError(
                    f"{op}: kernel_size and stride must be >= 1 and padding >= 0, "
                    f"got kernel_size={kernel}, stride={stride}, padding={padding}"
                )
            if 2 * p > k:
                raise ValueError(f"{op}: padding {padding} must be at most half the kernel size {kernel}")
            if out_size(size, k, s, p) < 1:
                raise ShapeError(f"{op}: kernel {kernel} is larger than the padded input {x.shape} (padding {padding})")
        return super().apply(x, kernel=kernel, stride=stride, padding=padding)


class MaxPool2d(_Pool2d):
    """y = max of each window. Computed as a running maximum over the kh*kw window offsets, each
    step one vectorized np.maximum over the whole batch (far faster than an argmax over a
    window axis); the backward pass finds each window's first maximum again."""

    def forward(
        self, x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int]
    ) -> np.ndarray:
        self.halving = kernel == stride == (2, 2) and padding == (0, 0) and x.shape[2] % 2 == 0 and x.shape[3] % 2 == 0
        if self.halving:
            return self._halve(x)
        xp = pad_images(x, padding, value=-np.inf)
        win = windows(xp, kernel, stride)
        out = win[:, :, 0, 0].copy(order="K")  # keeps the input's memory layout (batch-innermost after a conv)
        for i, j in np.ndindex(*kernel):
            np.maximum(out, win[:, :, i, j], out=out)
        self.save_for_backward(xp, out)
        self.kernel, self.stride, self.padding = kernel, stride, padding
        return out

    def _halve(self, x: np.ndarray) -> np.ndarray:
        """The common 2x2, stride-2 case on the four quarter views a b / c d of each window: the
        row maxima are kept for the backward pass, which then needs three comparisons only."""
        a, b, c, d = x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2], x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2]
        top, bottom = np.maximum(a, b), np.maximum(c, d)
        self.save_for_backward(a, b, c, d, top, bottom)
        self.in_shape, self.batch_innermost = x.shape, _batch_innermost(x)
        return np.maximum(top, bottom)

    def _halve_backward(self, grad: np.ndarray) -> np.ndarray:
        """The first maximum in row-major order takes g: the top row when its maximum is not below
        the bottom row's, then the left element when it is not below the right one. Each right
        element takes what its left one did not (g - g_left: exact, g_left is g or 0)."""
        a, b, c, d, top, bottom = self.saved_tensors
        grad = in_layout_of(top, grad)
        n, ch, h, w = self.in_shape  # dx in the input's layout, so the op before reads it as it is
        dx = (
            np.empty((ch, h, w, n), grad.dtype).transpose(3, 0, 1, 2)
            if self.batch_innermost
            else np.empty(self.in_shape, grad.dtype)
        )
        g_top = grad * (top >= bottom)
        for i, g, left, right in ((0, g_top, a, b), (1, grad - g_top, c, d)):
            g_left = dx[:, :, i::2, 0::2]  # written in place: no temporary per quarter
            np.multiply(g, left >= right, out=g_left)
            np.subtract(g, g_left, out=dx[:, :, i::2, 1::2])
        return dx

    def backward(self, grad: np.ndarray) -> Grads:
        """d max(window)/dx_i = 1 for the first maximal element of the window (row-major, as
        PyTorch), 0 for every other element: ties do not share the gradient."""
        if self.halving:
            return (self._halve_backward(grad),)
        xp, out = self.saved_tensors
        win = windows(xp, self.kernel, self.stride)
        (sh, sw), (oh, ow) = self.stride, out.shape[2:]
        dxp = np.zeros_like(xp, dtype=grad.dtype)  # in the input's layout, so the op before reads it as it is
        grad = in_layout_of(out, grad)
        unclaimed = np.ones_like(out, dtype=bool)
        for i, j in np.ndindex(*self.kernel):
            first = (win[:, :, i, j] == out) & unclaimed
            unclaimed &= ~first
            dxp[:, :, i : i + sh * oh : sh, j : j + sw * ow : sw] += grad * first
        return (unpad_images(dxp, self.padding),)


def _batch_innermost(a: np.ndarray) -> bool:
    """True when an (N, C, H, W) array is laid out (C, H, W, N) in memory, as convolutions leave it."""
    n, c, h, w = a.shape
    return a.strides == (a.itemsize, h * w * n * a.itemsize, w * n * a.itemsize, n * a.itemsize)


class AvgPool2d(_Pool2d):
    def forward(
        self, x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int]
    ) -> np.ndarray:
        xp = pad_images(x, padding)
        win = windows(xp, kernel, stride)
        self.padded_shape, self.window_shape, self.stride, self.padding = xp.shape, win.shape, stride, padding
        return win.mean(axis=(2, 3))

    def backward(self, grad: np.ndarray) -> Grads:
        """d mean(window)/dx_i = 1 / (kh kw) for every element of the window (padding included)."""
        return (self._spread(grad, 1.0),)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Linear: d2E/dx_i2 = (1 / (kh kw))^2 d2E/dy2, summed over the windows x_i is in (exact)."""
        _, _, kh, kw, _, _ = self.window_shape
        return (self._spread(h, 1.0 / (kh * kw)),)

    def _spread(self, grad: np.ndarray, scale: float) -> np.ndarray:
        """grad * scale / (kh kw) sent to every element of each window."""
        n, c, kh, kw, oh, ow = self.window_shape
        share = np.broadcast_to((grad * (scale / (kh * kw)))[:, :, None, None], self.window_shape)
        return unpad_images(col2im(share, self.padded_shape, self.stride), self.padding)
