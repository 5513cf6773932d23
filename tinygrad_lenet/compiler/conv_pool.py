"""Convolution -> ReLU -> 2x2 max-pooling as one pool-blocked matrix product (a rewrite of ``tl.compile``).

LeNet-5's first convolution is a (6 x 25) weight matrix times columns of 25 pixels, one column per
output pixel: a product too thin for BLAS to run fast (22-44 GFLOP/s), with 25 column entries for
every output pixel. Blocked by the pooling windows, each column holds the (kh+1) x (kw+1) input patch under a
2x2 pooling window (36 pixels for 5x5), and the weights become W' of shape (4 O, C (kh+1)(kw+1)):
row (a, b, o) is filter o shifted by (a, b) inside the patch, zero elsewhere. One product
Y' = W' X' gives the four convolution outputs of every pooling window at once (a 24 x 36 product
for conv1, at 105-115 GFLOP/s), and the columns hold (kh+1)(kw+1) = 36 numbers per pooling window
instead of kh kw = 25 per output pixel: 7,056 instead of 19,600 per 32x32 image for conv1.

Then, exactly (max and ReLU are monotone, and adding a bias commutes with max):

    pool(relu(conv(x) + b)) = relu(max_{a,b} Y'[a, b] + b)

so the bias and the ReLU run on the pooled output, a quarter of the size. The columns X' are kept
for the backward pass, which needs them for dW (eager mode builds them again):

    g <- g [y > 0]                                   (ReLU)
    dY'[a, b] = g where (a, b) holds its window's first maximum (row-major, as PyTorch), else 0
    dW'  = dY' X'^T,   dW[o, c, u, v] = sum_{a,b} dW'[(a, b, o), (c, u + a, v + b)]
    db   = sum of g,   dX = col2im(W'^T dY')         (patches at stride 2)

Results equal eager mode's up to float round-off (the products sum in another order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.function import Grads
from ..ops.conv import _col2im_chwn, _windows_chwn, to_chwn
from .kernels import Kernel

if TYPE_CHECKING:
    from .capture import Node

BLOCK_BYTES = 1 << 18
"""Columns built and multiplied a block of pooled rows at a time, each block about this size, so it is
multiplied while it is still in the cache (conv1 at batch 64: ~1,800 columns a block)."""


def fits(conv: Node, pool: Node, x_shape: tuple[int, ...]) -> bool:
    """True when the pattern is one this kernel computes: a 4-D float input, a plain convolution
    (stride 1, no dilation, one group) and a 2x2 max-pool of stride 2 without padding."""
    k = conv.kwargs
    p = pool.kwargs
    return (
        len(x_shape) == 4
        and conv.dtype.kind == "f"
        and k["stride"] == (1, 1)
        and k["dilation"] == (1, 1)
        and k["groups"] == 1
        and p["kernel"] == (2, 2)
        and p["stride"] == (2, 2)
        and p["padding"] == (0, 0)
        and pool.shape[2] >= 1
        and pool.shape[3] >= 1
    )


class ConvPoolKernel(Kernel):
    """The fused pattern of the module docstring: ``nodes`` are Conv2d, optionally Relu, MaxPool2d."""

    owns_output = True

    def __init__(self, nodes: list[Node], x_shape: tuple[int, ...], w_shape: tuple[int, ...]) -> None:
        conv = nodes[0]
        super().__init__(nodes, conv.args, conv.needs_input_grad)
        self.relu = len(nodes) == 3
        dtype = conv.dtype
        n, c, h, w = x_shape
        o, _, kh, kw = w_shape
        self.pad = conv.kwargs["padding"]
        ph, pw = self.pad
        _, _, self.oh, self.ow = nodes[-1].shape
        self.kernel = (kh, kw)
        self.k = c * (kh + 1) * (kw + 1)
        rows = max(1, BLOCK_BYTES // max(1, self.k * self.ow * n * np.dtype(dtype).itemsize))
        self.blocks = [slice(r, min(r + rows, self.oh)) for r in range(0, self.oh, rows)]
        # for backward, the columns, products and row maxima of every block are kept; without
        # gradients (inference) one block's worth is reused block after block, staying in cache
        self.keep = self.requires_grad
        span = self.oh if self.keep else min(rows, self.oh)
        if ph or pw:  # the zero border is written once; each call copies the image inside it
            self.xp = self.buffer("x padded", (c, h + 2 * ph, w + 2 * pw, n), dtype, zero=True)
        self.cols = self.buffer("columns X'", (c, kh + 1, kw + 1, span, self.ow, n), dtype)
        self.wp = self.buffer("weights W'", (2, 2, o, c, kh + 1, kw + 1), dtype, zero=True)
        self.y = self.buffer("Y' = W' X'", (4 * o, span, self.ow * n), dtype)
        self.top = self.buffer("max of top row", (o, span * self.ow * n), dtype)
        self.bottom = self.buffer("max of bottom row", self.top.shape, dtype)
        self.pooled = self.buffer("output", (o, self.oh, self.ow, n), dtype)
        if self.keep:
            self.dy = self.buffer("dY'", (4, o, self.oh * self.ow * n), dtype)
        if self.needs[1] and self.keep:
            self.dw = self.buffer("dW", w_shape, dtype)
        if self.needs[0] and self.keep:
            self.dxp = self.buffer("dX padded", (c, h + 2 * ph, w + 2 * pw, n), dtype)

    def forward(self, arrays: list[np.ndarray], kwargs: dict[str, Any]) -> np.ndarray:
        x, w, *bias = arrays
        o, (kh, kw), (ph, pw) = w.shape[0], self.kernel, self.pad
        xc = to_chwn(x)
        if ph or pw:
            np.copyto(self.xp[:, ph : ph + xc.shape[1], pw : pw + xc.shape[2]], xc)
            xc = self.xp
        for a in range(2):
            for b in range(2):
                self.wp[a, b, :, :, a : a + kh, b : b + kw] = w
        wp = self.wp.reshape(4 * o, self.k)
        win = _windows_chwn(xc, (kh + 1, kw + 1), (2, 2), (1, 1))
        span = self.y.shape[1]
        cols = self.cols.reshape(self.k, span, -1)
        q = self.y.reshape(4, o, span, -1)
        top, bottom = self.top.reshape(o, span, -1), self.bottom.reshape(o, span, -1)
        pooled = self.pooled.reshape(o, self.oh, -1)
        for block in self.blocks:  # each block multiplied and pooled while its columns and products are in cache
            at = block if self.keep else slice(0, block.stop - block.start)
            np.copyto(self.cols[:, :, :, at], win[:, :, :, block])
            np.matmul(wp, cols[:, at].reshape(self.k, -1), out=self.y[:, at].reshape(4 * o, -1))
            np.maximum(q[0, :, at], q[1, :, at], out=top[:, at])
            np.maximum(q[2, :, at], q[3, :, at], out=bottom[:, at])
            out = np.maximum(top[:, at], bottom[:, at], out=pooled[:, block])
            if bias:
                out += bias[0][:, None, None]
            if self.relu:
                np.maximum(out, 0, out=out)
        return self.pooled.transpose(3, 0, 1, 2)  # (N, O, OH, OW), laid out batch-innermost as eager conv

    def backward(self, grad: np.ndarray) -> Grads:
        o = self.top.shape[0]
        g = to_chwn(grad).reshape(o, -1)
        if self.relu:
            g = g * (self.pooled.reshape(o, -1) > 0)
        q, dy = self.y.reshape(4, o, -1), self.dy
        g_top = np.multiply(g, self.top >= self.bottom, out=dy[1])  # dy[1], dy[3] hold g_top, g_bottom first
        g_bottom = np.subtract(g, g_top, out=dy[3])
        np.multiply(g_top, q[0] >= q[1], out=dy[0])
        np.subtract(g_top, dy[0], out=dy[1])
        np.multiply(g_bottom, q[2] >= q[3], out=dy[2])
        np.subtract(g_bottom, dy[2], out=dy[3])
        dy2 = dy.reshape(4 * o, -1)
        dx = dw = None
        if self.needs[1]:
            kh, kw = self.kernel
            dwp = (self.cols.reshape(self.k, -1) @ dy2.T).T.reshape(2, 2, o, -1, kh + 1, kw + 1)
            np.copyto(self.dw, dwp[0, 0, :, :, :kh, :kw])
            for a, b in ((0, 1), (1, 0), (1, 1)):
                self.dw += dwp[a, b, :, :, a : a + kh, b : b + kw]
            dw = self.dw
        if self.needs[0]:
            (ph, pw), (_, h, w, _) = self.pad, self.dxp.shape
            self.dxp.fill(0)
            dcols = self.wp.reshape(4 * o, self.k).T @ dy2
            _col2im_chwn(dcols.reshape(self.cols.shape), self.dxp, 0, (2, 2), (1, 1))
            dx = self.dxp[:, ph : h - ph, pw : w - pw].transpose(3, 0, 1, 2)
        if len(self.needs) == 3:
            return dx, dw, (g.sum(axis=1) if self.needs[2] else None)
        return dx, dw
