"""Structure ops: triangles, diagonals, roll, repeat_interleave and sliding windows (unfold).

Like the movement ops they compute nothing new: each output element is an input element (or a
zero), so every backward rule routes the output gradient back to where the element came from.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads


class Tril(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, diagonal: int) -> np.ndarray:
        self.diagonal = diagonal
        return np.tril(x, diagonal)

    def backward(self, grad: np.ndarray) -> Grads:
        """y = x on and below the diagonal, 0 above: dL/dx = tril(dL/dy) (the same mask)."""
        return (np.tril(grad, self.diagonal),)


class Triu(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, diagonal: int) -> np.ndarray:
        self.diagonal = diagonal
        return np.triu(x, diagonal)

    def backward(self, grad: np.ndarray) -> Grads:
        """y = x on and above the diagonal, 0 below: dL/dx = triu(dL/dy) (the same mask)."""
        return (np.triu(grad, self.diagonal),)


def diagonal_positions(rows: int, cols: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the ``offset`` diagonal of a rows x cols matrix (above it when > 0)."""
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    steps = np.arange(length)
    return (steps, steps + offset) if offset >= 0 else (steps - offset, steps)


def take_diagonal(a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """The ``offset`` diagonal of the (dim1, dim2) matrices of ``a``, as a new last dim."""
    matrices = np.moveaxis(a, (dim1, dim2), (-2, -1))
    rows, cols = diagonal_positions(a.shape[dim1], a.shape[dim2], offset)
    return matrices[..., rows, cols]


def put_diagonal(values: np.ndarray, size: tuple[int, int], offset: int, dim1: int, dim2: int) -> np.ndarray:
    """Zero matrices of ``size`` in dims (dim1, dim2) with the last dim of ``values`` on the ``offset`` diagonal."""
    matrices = np.zeros(values.shape[:-1] + size, dtype=values.dtype)
    rows, cols = diagonal_positions(size[0], size[1], offset)
    matrices[..., rows, cols] = values
    return np.moveaxis(matrices, (-2, -1), (dim1, dim2))


class Diagonal(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2
        self.size = (x.shape[dim1], x.shape[dim2])
        return take_diagonal(x, offset, dim1, dim2)

    def backward(self, grad: np.ndarray) -> Grads:
        """y = the diagonal of x; its adjoint is diag_embed: dL/dx = zeros with dL/dy on that diagonal."""
        return (put_diagonal(grad, self.size, self.offset, self.dim1, self.dim2),)


class DiagEmbed(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2
        n = x.shape[-1] + abs(offset)
        return put_diagonal(x, (n, n), offset, dim1, dim2)

    def backward(self, grad: np.ndarray) -> Grads:
        """y = zeros with x on a diagonal; its adjoint is diagonal: dL/dx = the diagonal of dL/dy."""
        return (take_diagonal(grad, self.offset, self.dim1, self.dim2),)


class Roll(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, shifts: tuple[int, ...], dims: tuple[int, ...] | None) -> np.ndarray:
        self.shifts, self.dims = shifts, dims
        return np.roll(x, shifts if dims is not None else shifts[0], dims)

    def backward(self, grad: np.ndarray) -> Grads:
        """Rolling by s moves element i to i + s: dL/dx = dL/dy rolled by -s."""
        back = tuple(-s for s in self.shifts)
        return (np.roll(grad, back if self.dims is not None else back[0], self.dims),)


class RepeatInterleave(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, repeats: np.ndarray, dim: int) -> np.ndarray:
        self.dim, self.in_shape = dim, x.shape
        self.source = np.repeat(np.arange(x.shape[dim]), repeats)
        return np.take(x, self.source, axis=dim)

    def backward(self, grad: np.ndarray) -> Grads:
        """y_j = x_source(j): dL/dx_i = the sum of dL/dy_j over the repeats j of element i."""
        dx = np.zeros(self.in_shape, dtype=grad.dtype)
        np.add.at(np.moveaxis(dx, self.dim, 0), self.source, np.moveaxis(grad, self.dim, 0))
        return (dx,)


class Unfold(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, dim: int, size: int, step: int) -> np.ndarray:
        self.dim, self.in_shape = dim, x.shape
        count = (x.shape[dim] - size) // step + 1
        self.windows = np.arange(count)[:, None] * step + np.arange(size)[None, :]
        moved = np.moveaxis(x, dim, 0)[self.windows]  # (count, size, other dims...)
        return np.moveaxis(moved, (0, 1), (dim, -1))

    def backward(self, grad: np.ndarray) -> Grads:
        """Window w holds x[w*step : w*step + size] along dim: dL/dx adds each window's gradient back
        where the window was taken from (overlapping windows accumulate)."""
        dx = np.zeros(self.in_shape, dtype=grad.dtype)
        np.add.at(np.moveaxis(dx, self.dim, 0), self.windows, np.moveaxis(grad, (self.dim, -1), (0, 1)))
        return (dx,)
