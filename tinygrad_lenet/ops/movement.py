"""Movement ops: they rearrange, select or copy elements and compute nothing new.

Every backward rule routes each output gradient back to the element it came from.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autodiff.function import Function, Grads


class Reshape(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        self.in_shape = x.shape
        return x.reshape(shape)

    def backward(self, grad: np.ndarray) -> Grads:
        """Reshape moves no element: dL/dx = reshape(dL/dy, shape of x)."""
        return (grad.reshape(self.in_shape),)


class Permute(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
        self.dims = dims
        return np.transpose(x, dims)

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx = permute(dL/dy, inverse permutation)."""
        return (np.transpose(grad, np.argsort(self.dims)),)


class Expand(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return np.broadcast_to(x, shape)

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx = dL/dy summed over the copies; the engine's ``unbroadcast`` does the sum."""
        return (grad,)


def is_advanced_index(index: Any) -> bool:
    """True when the index holds an array, a list or a bool (numpy's 'advanced' indexing)."""
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (np.ndarray, list, bool, np.bool_)) for i in items)


class GetItem(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, index: Any) -> np.ndarray:
        self.in_shape, self.dtype, self.index = x.shape, x.dtype, index
        return x[index]

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx = zeros with dL/dy added at the selected places (repeated indices accumulate)."""
        dx = np.zeros(self.in_shape, dtype=self.dtype)
        if is_advanced_index(self.index):
            np.add.at(dx, self.index, grad)
        else:
            dx[self.index] = grad
        return (dx,)


class Clone(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.array(x, copy=True, order="C")

    def backward(self, grad: np.ndarray) -> Grads:
        """A copy moves nothing: dL/dx = dL/dy."""
        return (grad,)


class Flip(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
        self.dims = dims
        return np.flip(x, dims)

    def backward(self, grad: np.ndarray) -> Grads:
        """Flipping is its own inverse: dL/dx = flip(dL/dy, the same dims)."""
        return (np.flip(grad, self.dims),)


class SetItem(Function):
    """y = x with ``y[index] = v``: what ``x[index] = v`` records when it is part of the graph."""

    def forward(self, x: np.ndarray, v: np.ndarray, index: Any) -> np.ndarray:
        self.index = index
        out = x.copy()
        out[index] = v
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx = dL/dy with the written places zeroed (they no longer depend on x);
        dL/dv = dL/dy at the written places (the engine sums it back to v's shape)."""
        dx = None
        if self.needs_input_grad[0]:
            dx = grad.copy()
            dx[self.index] = 0
        dv = np.asarray(grad[self.index]) if self.needs_input_grad[1] else None
        return dx, dv


class Pad(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, widths: tuple[tuple[int, int], ...], value: float) -> np.ndarray:
        self.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        return np.pad(x, widths, constant_values=value)

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx = dL/dy with the padding cut off (padding is constant: no gradient flows)."""
        return (grad[self.inner],)


class Cat(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, *arrays: np.ndarray, dim: int) -> np.ndarray:
        self.dim = dim
        self.splits = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx_k = the slice of dL/dy that x_k occupies along ``dim``."""
        return tuple(np.split(grad, self.splits, axis=self.dim))
