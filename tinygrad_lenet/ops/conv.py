"""2-D convolution (cross-correlation, as in PyTorch) by im2col and one matrix multiply."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ShapeError
from ..function import Function, Grads
from .im2col import col2im, out_size, pad_images, unpad_images, windows

if TYPE_CHECKING:
    from ..tensor import Tensor


class Conv2d(Function):
    """y[n, o] = sum_{c, i, j} w[o, c, i, j] x_pad[n, c, s*y + i, s*x + j] + b[o].

    With the windows of x laid out as columns, X_col (N, C*kh*kw, OH*OW), this is one batched
    matrix product: Y = W_mat X_col with W_mat = w reshaped to (O, C*kh*kw).
    """

    @classmethod
    def apply(  # type: ignore[override]
        cls, x: "Tensor", weight: "Tensor", *bias: "Tensor", stride: tuple[int, int], padding: tuple[int, int]
    ) -> "Tensor":
        if x.ndim != 4:
            raise ShapeError(f"conv2d: expected input of shape (N, C, H, W), got {x.shape}")
        if weight.ndim != 4:
            raise ShapeError(
                f"conv2d: expected weight of shape (out_channels, in_channels, kh, kw), got {weight.shape}"
            )
        if x.shape[1] != weight.shape[1]:
            raise ShapeError(
                f"conv2d: input has {x.shape[1]} channels (shape {x.shape}) but the weight "
                f"{weight.shape} expects {weight.shape[1]}"
            )
        if bias and bias[0].shape != (weight.shape[0],):
            raise ShapeError(f"conv2d: bias must have shape ({weight.shape[0]},), got {bias[0].shape}")
        for axis, name in ((2, "height"), (3, "width")):
            k, size, p, s = weight.shape[axis], x.shape[axis], padding[axis - 2], stride[axis - 2]
            if s < 1 or p < 0:
                raise ValueError(f"conv2d: stride must be >= 1 and padding >= 0, got stride={stride}, padding={padding}")
            if out_size(size, k, s, p) < 1:
                raise ShapeError(
                    f"conv2d: kernel {name} {k} is larger than the padded input {name} {size + 2 * p} "
                    f"(input {x.shape}, padding {padding})"
                )
        return super().apply(x, weight, *bias, stride=stride, padding=padding)

    def forward(self, x: np.ndarray, w: np.ndarray, *bias: np.ndarray, stride: tuple[int, int], padding: tuple[int, int]) -> np.ndarray:
        n, _, _, _ = x.shape
        o, c, kh, kw = w.shape
        xp = pad_images(x, padding)
        win = windows(xp, (kh, kw), stride)
        oh, ow = win.shape[4:]
        cols = win.reshape(n, c * kh * kw, oh * ow)
        w_mat = w.reshape(o, c * kh * kw)
        out = w_mat @ cols
        if bias:
            out += bias[0][:, None]
        self.save_for_backward(cols, w_mat)
        self.padded_shape, self.window_shape, self.stride, self.padding = xp.shape, win.shape, stride, padding
        return out.reshape(n, o, oh, ow)

    def backward(self, grad: np.ndarray) -> Grads:
        """dW = sum_n dY_n X_col_n^T,  dX = col2im(W_mat^T dY),  db = sum of dY over n, y, x."""
        cols, w_mat = self.saved_tensors
        n, o = grad.shape[:2]
        g = grad.reshape(n, o, -1)
        dx = dw = None
        if self.needs_input_grad[0]:
            dcols = (w_mat.T @ g).reshape(self.window_shape)
            dx = unpad_images(col2im(dcols, self.padded_shape, self.stride), self.padding)
        if self.needs_input_grad[1]:
            dw = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(o, *self.window_shape[1:4])
        if len(self.needs_input_grad) == 3:
            return dx, dw, (g.sum(axis=(0, 2)) if self.needs_input_grad[2] else None)
        return dx, dw
