"""A convolution with its columns kept for the backward pass, and the ReLU and 2x2 max-pool after
it fused in (a rewrite of ``tl.compile`` for convolutions with many filters).

Eager mode builds a convolution's im2col columns X (C kh kw rows, one column per output pixel) in
forward and again in backward, for dW. Here they are built once, a block of output rows at a time,
into a planned buffer, each block multiplied while in cache:

    Y = W X (+ b),   then ReLU in place, then the 2x2 max-pool of the four quarter views a b / c d
    backward:  g <- g [out > 0];  the pool sends g to each window's first maximum (row-major, as
               PyTorch);  dW = g X^T,  db = sum of g,  dX = col2im(W^T g)

With the pool, the bias and the ReLU run on the pooled quarter (exact: max commutes with adding b
and with the ReLU). For few filters the pool-blocked product of ``conv_pool.py`` is faster (its
product is wider); for many (the pytorch/examples network's 64) it does 16/9 times the work of this
one for no gain in speed: ``program.lower`` chooses by the number of filters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.function import Grads
from ..ops.conv import _col2im_chwn, _windows_chwn, to_chwn
from .conv_pool import BLOCK_BYTES
from .kernels import Kernel

if TYPE_CHECKING:
    from .capture import Node


def fits(conv: Node, x_shape: tuple[int, ...]) -> bool:
    """A plain convolution this kernel computes: 4-D float input, stride 1, no dilation, one group."""
    k = conv.kwargs
    return (
        len(x_shape) == 4
        and conv.dtype.kind == "f"
        and k["stride"] == (1, 1)
        and k["dilation"] == (1, 1)
        and k["groups"] == 1
        and min(conv.shape) >= 1
    )


def pool_fits(pool: Node) -> bool:
    """The 2x2 max-pool of stride 2 without padding that this kernel fuses."""
    p = pool.kwargs
    return p["kernel"] == (2, 2) and p["stride"] == (2, 2) and p["padding"] == (0, 0) and min(pool.shape) >= 1


class ConvKernel(Kernel):
    """``nodes``: Conv2d, then optionally Relu, then optionally MaxPool2d (module docstring)."""

    owns_output = True

    def __init__(self, nodes: list[Node], x_shape: tuple[int, ...], w_shape: tuple[int, ...]) -> None:
        conv = nodes[0]
        super().__init__(nodes, conv.args, conv.needs_input_grad)
        names = [node.name for node in nodes]
        self.relu, self.pool = "Relu" in names, "MaxPool2d" in names
        dtype = conv.dtype
        n, c, h, w = x_shape
        o, _, kh, kw = w_shape
        self.pad, self.kernel = conv.kwargs["padding"], (kh, kw)
        ph, pw = self.pad
        _, _, oh, ow = conv.shape
        self.k = c * kh * kw
        if ph or pw:  # the zero border is written once; each call copies the image inside it
            self.xp = self.buffer("x padded", (c, h + 2 * ph, w + 2 * pw, n), dtype, zero=True)
        self.cols = self.buffer("columns X", (c, kh, kw, oh, ow, n), dtype)
        self.y = self.buffer("Y = W X", (o, oh, ow, n), dtype)
        self.g = self.buffer("dY", (o, oh, ow, n), dtype, zero=self.pool)  # odd sizes: the unpooled edge stays 0
        if self.pool:
            _, _, qh, qw = nodes[-1].shape
            self.quarters = tuple(self.y[:, i : 2 * qh : 2, j : 2 * qw : 2] for i in (0, 1) for j in (0, 1))
            self.top = self.buffer("max of top row", (o, qh, qw, n), dtype)
            self.bottom = self.buffer("max of bottom row", (o, qh, qw, n), dtype)
            self.pooled = self.buffer("output", (o, qh, qw, n), dtype)
        if self.needs[1]:
            self.dw = self.buffer("dW", w_shape, dtype)
        if self.needs[0]:
            self.dxp = self.buffer("dX padded", (c, h + 2 * ph, w + 2 * pw, n), dtype)
        rows = max(1, BLOCK_BYTES // max(1, (self.k + o) * ow * n * np.dtype(dtype).itemsize))
        self.blocks = [slice(r, min(r + rows, oh)) for r in range(0, oh, rows)]

    def forward(self, arrays: list[np.ndarray], kwargs: dict[str, Any]) -> np.ndarray:
        x, w, *bias = arrays
        o, (ph, pw) = w.shape[0], self.pad
        self.w = w.reshape(o, self.k)
        xc = to_chwn(x)
        if ph or pw:
            np.copyto(self.xp[:, ph : ph + xc.shape[1], pw : pw + xc.shape[2]], xc)
            xc = self.xp
        win = _windows_chwn(xc, self.kernel, (1, 1), (1, 1))
        cols, y = self.cols.reshape(self.k, self.y.shape[1], -1), self.y.reshape(o, self.y.shape[1], -1)
        for block in self.blocks:
            np.copyto(self.cols[:, :, :, block], win[:, :, :, block])
            np.matmul(self.w, cols[:, block].reshape(self.k, -1), out=y[:, block].reshape(o, -1))
        out = self.y
        if self.pool:
            a, b, c, d = self.quarters
            np.maximum(a, b, out=self.top)
            np.maximum(c, d, out=self.bottom)
            out = np.maximum(self.top, self.bottom, out=self.pooled)
        if bias:
            out += bias[0][:, None, None, None]
        if self.relu:
            np.maximum(out, 0, out=out)
        return out.transpose(3, 0, 1, 2)  # (N, O, OH, OW), laid out batch-innermost as eager conv

    def backward(self, grad: np.ndarray) -> Grads:
        g = to_chwn(grad)
        if self.pool:
            if self.relu:
                g = g * (self.pooled > 0)
            a, b, c, d = self.quarters
            g_top = g * (self.top >= self.bottom)
            for i, rows, left, right in ((0, g_top, a, b), (1, g - g_top, c, d)):
                g_left = self.g[:, i : 2 * g.shape[1] : 2, 0 : 2 * g.shape[2] : 2]
                np.multiply(rows, left >= right, out=g_left)
                np.subtract(rows, g_left, out=self.g[:, i : 2 * g.shape[1] : 2, 1 : 2 * g.shape[2] : 2])
            g = self.g
        elif self.relu:
            g = np.multiply(g, self.y > 0, out=self.g)
        o = g.shape[0]
        g2 = g.reshape(o, -1)
        dx = dw = None
        if self.needs[1]:
            dw = self.dw
            np.copyto(dw, (self.cols.reshape(self.k, -1) @ g2.T).T.reshape(dw.shape))
        if self.needs[0]:
            (ph, pw), (_, h, w, _) = self.pad, self.dxp.shape
            self.dxp.fill(0)
            _col2im_chwn((self.w.T @ g2).reshape(self.cols.shape), self.dxp, 0, (1, 1), (1, 1))
            dx = self.dxp[:, ph : h - ph, pw : w - pw].transpose(3, 0, 1, 2)
        if len(self.needs) == 3:
            return dx, dw, (g2.sum(axis=1) if self.needs[2] else None)
        return dx, dw
