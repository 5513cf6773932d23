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
    """y[n, o] = sum_{c in o's group, i, j} w[o, c, i, j] x_pad[n, c, s y + d i, s x + d j] + b[o].

    With the windows of x laid out as columns, X_col (N, G, C/G kh kw, OH OW) for G groups, this
    is one batched matrix product per group: Y_g = W_g X_col_g with W_g the group's weights
    reshaped to (O/G, C/G kh kw). ``d`` is the dilation (the spacing of the kernel's taps).
    """

    @classmethod
    def apply(  # type: ignore[override]
        cls, x: "Tensor", weight: "Tensor", *bias: "Tensor", stride: tuple[int, int], padding: tuple[int, int],
        dilation: tuple[int, int] = (1, 1), groups: int = 1,
    ) -> "Tensor":
        if x.ndim != 4:
            raise ShapeError(f"conv2d: expected input of shape (N, C, H, W), got {x.shape}")
        if weight.ndim != 4:
            raise ShapeError(
                f"conv2d: expected weight of shape (out_channels, in_channels / groups, kh, kw), got {weight.shape}"
            )
        if groups < 1 or x.shape[1] % groups or weight.shape[0] % groups:
            raise ShapeError(f"conv2d: groups={groups} must divide the input channels {x.shape[1]} and the output "
                             f"channels {weight.shape[0]}")
        if x.shape[1] != weight.shape[1] * groups:
            raise ShapeError(
                f"conv2d: input has {x.shape[1]} channels (shape {x.shape}) but the weight "
                f"{weight.shape} expects {weight.shape[1] * groups}" + (f" (groups={groups})" if groups > 1 else "")
            )
        if bias and bias[0].shape != (weight.shape[0],):
            raise ShapeError(f"conv2d: bias must have shape ({weight.shape[0]},), got {bias[0].shape}")
        for axis, name in ((2, "height"), (3, "width")):
            k, size, p, s, d = weight.shape[axis], x.shape[axis], padding[axis - 2], stride[axis - 2], dilation[axis - 2]
            if s < 1 or p < 0 or d < 1:
                raise ValueError(f"conv2d: stride must be >= 1, dilation >= 1 and padding >= 0, got stride={stride}, "
                                 f"padding={padding}, dilation={dilation}")
            if out_size(size, k, s, p, d) < 1:
                raise ShapeError(
                    f"conv2d: kernel {name} {k}{f' (dilation {d})' if d > 1 else ''} is larger than the padded input "
                    f"{name} {size + 2 * p} "
                    f"(input {x.shape}, padding {padding})"
                )
        return super().apply(x, weight, *bias, stride=stride, padding=padding, dilation=dilation, groups=groups)

    def forward(self, x: np.ndarray, w: np.ndarray, *bias: np.ndarray, stride: tuple[int, int],
                padding: tuple[int, int], dilation: tuple[int, int], groups: int) -> np.ndarray:
        n = x.shape[0]
        o, cg, kh, kw = w.shape
        xp = pad_images(x, padding)
        win = windows(xp, (kh, kw), stride, dilation)
        oh, ow = win.shape[4:]
        cols = win.reshape(n, groups, cg * kh * kw, oh * ow)
        w_mat = w.reshape(groups, o // groups, cg * kh * kw)
        out = (w_mat @ cols).reshape(n, o, oh * ow)
        if bias:
            out += bias[0][:, None]
        self.save_for_backward(cols, w_mat)
        self.padded_shape, self.window_shape, self.stride, self.padding = xp.shape, win.shape, stride, padding
        self.dilation = dilation
        return out.reshape(n, o, oh, ow)

    def backward(self, grad: np.ndarray) -> Grads:
        """Per group g: dW_g = sum_n dY_ng X_col_ng^T,  dX = col2im(W_g^T dY_g),  db = sum of dY over n, y, x."""
        cols, w_mat = self.saved_tensors
        n, o = grad.shape[:2]
        groups = w_mat.shape[0]
        g = grad.reshape(n, groups, o // groups, -1)
        dx = dw = None
        if self.needs_input_grad[0]:
            dcols = (w_mat.transpose(0, 2, 1) @ g).reshape(self.window_shape)
            dx = unpad_images(col2im(dcols, self.padded_shape, self.stride, self.dilation), self.padding)
        if self.needs_input_grad[1]:
            dw = (g @ cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(o, -1, *self.window_shape[2:4])
        if len(self.needs_input_grad) == 3:
            return dx, dw, (g.sum(axis=(0, 3)).reshape(o) if self.needs_input_grad[2] else None)
        return dx, dw
