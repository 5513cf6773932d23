"""Reductions over chosen dims: sum and max (min, mean and var are built from them)."""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads


def _expand_back(grad: np.ndarray, axes: tuple[int, ...], keepdim: bool) -> np.ndarray:
    """Put the reduced axes back as size 1 so ``grad`` broadcasts against the input."""
    return grad if keepdim else np.expand_dims(grad, axes)


class Sum(Function):
    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, axes: tuple[int, ...], keepdim: bool) -> np.ndarray:
        self.in_shape, self.axes, self.keepdim = x.shape, axes, keepdim
        return x.sum(axis=axes, keepdims=keepdim)

    def backward(self, grad: np.ndarray) -> Grads:
        """d sum(x)/dx_i = 1: the output gradient is copied to every summed element."""
        return (np.broadcast_to(_expand_back(grad, self.axes, self.keepdim), self.in_shape),)


class Amax(Function):
    def forward(self, x: np.ndarray, axes: tuple[int, ...], keepdim: bool) -> np.ndarray:
        out = x.max(axis=axes, keepdims=True)
        self.save_for_backward(x, out)
        self.axes, self.keepdim = axes, keepdim
        return out if keepdim else np.squeeze(out, axes)

    def backward(self, grad: np.ndarray) -> Grads:
        """d max(x)/dx_i = [x_i = max] / (number of elements equal to the max): ties split evenly."""
        x, out = self.saved_tensors
        share = (x == out).astype(x.dtype)
        share /= share.sum(axis=self.axes, keepdims=True)
        return (_expand_back(grad, self.axes, self.keepdim) * share,)


class Prod(Function):
    def forward(self, x: np.ndarray, axes: tuple[int, ...], keepdim: bool) -> np.ndarray:
        self.save_for_backward(x)
        self.axes, self.keepdim = axes, keepdim
        return x.prod(axis=axes, keepdims=keepdim)

    def backward(self, grad: np.ndarray) -> Grads:
        """d prod(x)/dx_i = prod_{j != i} x_j, formed as (product of the elements before i) times (product of
        those after i), never by dividing by x_i, so it is exact where x holds zeros."""
        (x,) = self.saved_tensors
        if not x.size:
            return (np.zeros_like(x),)
        rest = [a for a in range(x.ndim) if a not in self.axes]
        moved = np.transpose(x, rest + list(self.axes))
        flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
        ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
        before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        after = np.flip(np.cumprod(np.flip(np.concatenate([flat[..., 1:], ones], axis=-1), -1), axis=-1), -1)
        others = np.transpose((before * after).reshape(moved.shape), np.argsort(rest + list(self.axes)))
        return (_expand_back(grad, self.axes, self.keepdim) * others,)
