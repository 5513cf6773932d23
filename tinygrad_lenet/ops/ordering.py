"""Ordering ops: picking elements by computed indices (sort, topk, kthvalue, median, mode, cummax, ...).

Every ordering op splits into an index computation outside the graph (numpy's argsort and friends) and one
differentiable primitive, :class:`TakeAlong`, that gathers the chosen elements; its backward routes each output
gradient back to the element it was taken from.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads


def full_index(indices: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """An index tuple that picks, at every position of ``indices``, element ``indices[...]`` along ``axis``."""
    grid: list[np.ndarray] = list(np.indices(indices.shape, sparse=True))
    grid[axis] = indices
    return tuple(grid)


class TakeAlong(Function):
    def forward(self, x: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
        self.in_shape, self.dtype, self.index = x.shape, x.dtype, full_index(indices, axis)
        return x[self.index]

    def backward(self, grad: np.ndarray) -> Grads:
        """d out_j / d x_i = [i = index_j]: each output gradient is added to the element it was taken from
        (elements taken more than once, as by cummax, get the sum)."""
        out = np.zeros(self.in_shape, dtype=grad.dtype)
        np.add.at(out, self.index, grad)
        return (out,)


def sort_order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """The stable sorting permutation along ``axis``; NaN counts as larger than every number, as in PyTorch."""
    if x.dtype == np.bool_:
        x = x.astype(np.int8)
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    nan_last = ~np.isnan(x) if x.dtype.kind == "f" else np.ones(x.shape, dtype=bool)
    return np.lexsort((-x.astype(np.float64) if x.dtype.kind == "u" else -x, nan_last), axis=axis)


def running_extreme_index(x: np.ndarray, axis: int, largest: bool) -> np.ndarray:
    """For cummax (cummin): at each position along ``axis``, the index of the largest (smallest) element so far;
    the latest of equal ones, and a NaN once one is seen (PyTorch's choice)."""
    moved = np.moveaxis(x, axis, -1)
    index = np.zeros(moved.shape, dtype=np.int64)
    if moved.shape[-1] == 0:
        return np.moveaxis(index, -1, axis)
    best, best_index = moved[..., 0].copy(), np.zeros(moved.shape[:-1], dtype=np.int64)
    nan = np.isnan if x.dtype.kind == "f" else np.zeros_like
    for k in range(moved.shape[-1]):
        value = moved[..., k]
        better = (value >= best) if largest else (value <= best)
        take = better | nan(value).astype(bool)
        best = np.where(take, value, best)
        best_index = np.where(take, k, best_index)
        index[..., k] = best_index
    return np.moveaxis(index, -1, axis)
