"""2-D convolution (cross-correlation, as in PyTorch) by im2col and one matrix multiply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autodiff.function import Function, Grads
from ..base.errors import ShapeError
from .im2col import out_size

if TYPE_CHECKING:
    from ..tensor.tensor import Tensor


class Conv2d(Function):
    """y[n, o] = sum_{c in o's group, i, j} w[o, c, i, j] x_pad[n, c, s y + d i, s x + d j] + b[o].

    With the windows of x laid out as columns, X_col (N, G, C/G kh kw, OH OW) for G groups, this
    is one batched matrix product per group: Y_g = W_g X_col_g with W_g the group's weights
    reshaped to (O/G, C/G kh kw). ``d`` is the dilation (the spacing of the kernel's taps).

    The data is laid out batch-innermost, (C, H, W, N), inside the op: the windows are then runs of
    OW*N contiguous floats, so im2col is one copy of long runs and col2im adds long runs, about
    twice as fast as in (N, C, H, W). The result is an (N, C, H, W)-shaped view of that layout;
    pooling and elementwise ops keep it, so the next convolution reads it without a copy
    (docs/performance.md). The columns are built and multiplied a block of output rows at a
    time (``row_blocks``), so that at big batches each block is used while it is in the cache.
    """

    @classmethod
    def apply(  # type: ignore[override]  # its own inputs, checked first
        cls,
        x: Tensor,
        weight: Tensor,
        *bias: Tensor,
        stride: tuple[int, int],
        padding: tuple[int, int],
        dilation: tuple[int, int] = (1, 1),
        groups: int = 1,
    ) -> Tensor:
        if x.ndim != 4:
            raise ShapeError(f"conv2d: expected input of shape (N, C, H, W), got {x.shape}")
        if weight.ndim != 4:
            raise ShapeError(
                f"conv2d: expected weight of shape (out_channels, in_channels / groups, kh, kw), got {weight.shape}"
            )
        if groups < 1 or x.shape[1] % groups or weight.shape[0] % groups:
            raise ShapeError(
                f"conv2d: groups={groups} must divide the input channels {x.shape[1]} and the output "
                f"channels {weight.shape[0]}"
            )
        if x.shape[1] != weight.shape[1] * groups:
            raise ShapeError(
                f"conv2d: input has {x.shape[1]} channels (shape {x.shape}) but the weight "
                f"{weight.shape} expects {weight.shape[1] * groups}" + (f" (groups={groups})" if groups > 1 else "")
            )
        if bias and bias[0].shape != (weight.shape[0],):
            raise ShapeError(f"conv2d: bias must have shape ({weight.shape[0]},), got {bias[0].shape}")
        for axis, name in ((2, "height"), (3, "width")):
            k, size, p, s, d = (
                weight.shape[axis],
                x.shape[axis],
                padding[axis - 2],
                stride[axis - 2],
                dilation[axis - 2],
            )
            if s < 1 or p < 0 or d < 1:
                raise ValueError(
                    f"conv2d: stride must be >= 1, dilation >= 1 and padding >= 0, got stride={stride}, "
                    f"padding={padding}, dilation={dilation}"
                )
            if out_size(size, k, s, p, d) < 1:
                raise ShapeError(
                    f"conv2d: kernel {name} {k}{f' (dilation {d})' if d > 1 else ''} is larger than the padded input "
                    f"{name} {size + 2 * p} "
                    f"(input {x.shape}, padding {padding})"
                )
        return super().apply(x, weight, *bias, stride=stride, padding=padding, dilation=dilation, groups=groups)

    def forward(
        self,
        x: np.ndarray,
        w: np.ndarray,
        *bias: np.ndarray,
        stride: tuple[int, int],
        padding: tuple[int, int],
        dilation: tuple[int, int],
        groups: int,
    ) -> np.ndarray:
        n, c = x.shape[:2]
        o, cg, kh, kw = w.shape
        xp = _pad_chwn(to_chwn(x), padding)
        win = _windows_chwn(xp, (kh, kw), stride, dilation)
        oh, ow = win.shape[3:5]
        self.rows = row_blocks(oh, (c * kh * kw + o) * ow * n * x.itemsize)  # columns and products of a row
        w_mat = w.reshape(groups, o // groups, cg * kh * kw)
        out = np.empty((o, oh, ow, n), dtype=np.result_type(x, w))
        for block, cols in self._columns(win, groups):
            np.matmul(w_mat, cols, out=out[:, block].reshape(groups, o // groups, -1))
        if bias:
            out += bias[0][:, None, None, None]
        self.save_for_backward(win, w_mat)  # a view of the (padded) input: the columns are rebuilt in backward
        self.padded_shape, self.stride, self.padding, self.dilation = xp.shape, stride, padding, dilation
        return out.transpose(3, 0, 1, 2)  # (N, O, OH, OW), laid out batch-innermost

    def _columns(self, win: np.ndarray, groups: int, squared: bool = False) -> Iterator[tuple[slice, np.ndarray]]:
        """im2col a block of output rows at a time: each block's columns (G, C/G kh kw, rows OW N),
        copied from the window view in runs of OW*N floats into one reused buffer (squared
        elementwise for ``diag_gn``)."""
        c, kh, kw, _, ow, n = win.shape
        buffer = np.empty((c, kh, kw, self.rows[0].stop, ow, n), dtype=win.dtype)
        for block in self.rows:
            part = buffer[:, :, :, : block.stop - block.start]
            np.copyto(part, win[:, :, :, block])
            if squared:
                np.square(part, out=part)
            yield block, part.reshape(groups, c // groups * kh * kw, -1)

    def backward(self, grad: np.ndarray) -> Grads:
        """Per group g: dW_g = dY_g X_col,g^T,  dX = col2im(W_g^T dY_g),  db = sum of dY over n, y, x.

        Both products run over the blocks of output rows of the forward pass and are summed; the
        columns of each block are built again (cheaper than keeping them all: they are kh*kw
        times the input, and written out whole they leave the cache)."""
        win, w_mat = self.saved_tensors
        return self._input_products(grad, win, w_mat, squared=False)

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """Linear in x, W and b, so the same products with squares (exact for this layer):
        d2E/dX2 = col2im((W_g^2)^T d2E/dY2),  d2E/dW2 = d2E/dY2 (X_col^2)^T,  d2E/db2 = sum of d2E/dY2."""
        win, w_mat = self.saved_tensors
        return self._input_products(h, win, w_mat * w_mat, squared=True)

    def _input_products(self, grad: np.ndarray, win: np.ndarray, w_mat: np.ndarray, squared: bool) -> Grads:
        groups, og, _ = w_mat.shape
        c, kh, kw, oh, ow, n = win.shape
        g = to_chwn(grad).reshape(groups, og, oh, ow * n)
        dx = dw = None
        if self.needs_input_grad[0]:
            dxp = np.zeros(self.padded_shape, dtype=grad.dtype)
            for block in self.rows:
                dcols = w_mat.transpose(0, 2, 1) @ g[:, :, block].reshape(groups, og, -1)
                rows = block.stop - block.start  # not -1: an empty batch has no size to infer it from
                _col2im_chwn(dcols.reshape(c, kh, kw, rows, ow, n), dxp, block.start, self.stride, self.dilation)
            (ph, pw), (_, h, w, _) = self.padding, dxp.shape
            dx = dxp[:, ph : h - ph, pw : w - pw].transpose(3, 0, 1, 2)
        if self.needs_input_grad[1]:
            # (X_col g^T)^T is dY X_col^T computed with the long axis P inner to both operands: ~1.6x faster
            dw_t = sum(
                cols @ g[:, :, block].reshape(groups, og, -1).transpose(0, 2, 1)
                for block, cols in self._columns(win, groups, squared)
            )
            dw = dw_t.transpose(0, 2, 1).reshape(groups * og, -1, kh, kw)
        if len(self.needs_input_grad) == 3:
            return dx, dw, (g.sum(axis=(2, 3)).reshape(-1) if self.needs_input_grad[2] else None)
        return dx, dw


BLOCK_BYTES = 640 << 10
"""The GEMM operands of one block of output rows (its columns and its products) stay under this."""


def row_blocks(rows: int, bytes_per_row: int) -> list[slice]:
    """Output rows in blocks of about ``BLOCK_BYTES`` each (at least one row each).

    A convolution's columns are kh*kw times its input (25x for 5x5): at batch 256 they are
    tens of MB. Built and multiplied a block at a time, each block is consumed while in the
    cache instead of going out to memory and back (docs/performance.md). An empty batch (0 bytes
    per row) is one block. ``Conv2d`` passes the bytes of a row's GEMM operands, the columns and
    the products: (C kh kw + O) OW N itemsize, K + M floats per column of the product.

    The rule, from forward + backward of the op alone (one OpenBLAS thread, float32, ms; the
    two-thread medians collapsed under the machine's load at the time), by rows per block:

    | shape (M = O, K = C kh kw, columns per row OW N) | 1 row | 2 | 3 | 4 | 6 | 9 |
    | --- | --- | --- | --- | --- | --- | --- |
    | LeNet-5 conv1, batch 64 (M 6, K 25, 1,792) | 0.98 | 1.00 | 0.93 | 1.82 | 1.77 | 1.79 |
    | examples conv1, batch 64 (M 32, K 9, 1,664) | 1.81 | 1.66 | 2.45 | 2.45 | 2.41 | 2.48 |
    | LeNet-5 conv2, batch 64 (M 16, K 150, 640) | 2.68 | 2.60 | 2.54 | 2.64 | 2.59 | 2.58 |
    | LeNet-5 conv1, batch 256 (M 6, K 25, 7,168) | 10.9 | 11.2 | 11.6 | 11.7 | 11.8 | 12.5 |

    The time doubles once a block's operands pass about 700-800 KB: 667 KB fast and 889 KB slow
    for LeNet-5's conv1, 546 KB fast and 819 KB slow for the examples' conv1. 640 KiB sits
    between (2 rows for both); the shapes with more channels (LeNet-5's conv2, the examples'
    conv2 with M 64, K 288: 2.2 MB a row) run one row per block, flat within the noise. The
    block of 1 MiB of columns alone (K floats per column) that this replaced ran 5 rows of
    LeNet-5's conv1 (1.8 ms) and 17 of the examples' conv1 (2.5 ms)."""
    step = max(1, BLOCK_BYTES // max(1, bytes_per_row))
    return [slice(y, min(y + step, rows)) for y in range(0, rows, step)]


def to_chwn(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) as a C-contiguous (C, H, W, N) array: no copy when x is a view of such an array
    (what this op and the pooling and elementwise ops after it hand on)."""
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0))


def _pad_chwn(x: np.ndarray, padding: tuple[int, int]) -> np.ndarray:
    ph, pw = padding
    return x if ph == 0 and pw == 0 else np.pad(x, ((0, 0), (ph, ph), (pw, pw), (0, 0)))


def _windows_chwn(
    x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> np.ndarray:
    """A view (C, kh, kw, OH, OW, N) of a (C, H, W, N) array: [c, i, j, y, x, n] = x[c, s y + d i, s x + d j, n]."""
    c, h, w, n = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = out_size(h, kh, sh, 0, dh), out_size(w, kw, sw, 0, dw)
    s0, s1, s2, s3 = x.strides
    return as_strided(
        x, shape=(c, kh, kw, oh, ow, n), strides=(s0, s1 * dh, s2 * dw, s1 * sh, s2 * sw, s3), writeable=False
    )


def _col2im_chwn(
    cols: np.ndarray, out: np.ndarray, first_row: int, stride: tuple[int, int], dilation: tuple[int, int]
) -> None:
    """The adjoint of ``_windows_chwn``: adds the columns (C, kh, kw, rows, OW, N) of output rows
    ``first_row ...`` back into the padded input gradient ``out`` (C, H, W, N). Each of the kh*kw
    steps adds a whole block with runs of OW*N floats."""
    _, kh, kw, rows, ow, _ = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    top = sh * first_row
    for i in range(kh):
        for j in range(kw):
            out[:, top + i * dh : top + i * dh + sh * rows : sh, j * dw : j * dw + sw * ow : sw] += cols[:, i, j]
