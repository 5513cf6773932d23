"""Functions of tensors in the ``torch.*`` namespace: ``cat``, ``stack``, ``where``, ``maximum``, ``flatten``, ...

They take tensors (or a tensor and Python scalars) and call a Tensor method or a movement op, so
``torch.exp(x)`` and ``x.exp()`` are one computation; the backward rules live with the ops.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from ..base.dims import normalize_dim, with_numpy_names
from ..base.errors import ShapeError
from .math import Dims, ValuesIndices
from .structure import join
from .tensor import Tensor


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """``input`` where ``condition`` holds, else ``other``; either may be a Python scalar."""
    like = input if isinstance(input, Tensor) else other
    if not isinstance(like, Tensor):
        like = Tensor(input)
    return like._operand(input).where(condition, like._operand(other))


def maximum(input: Tensor, other: Any) -> Tensor:
    """Elementwise larger of two tensors (ties share the gradient evenly)."""
    return input.maximum(other)


def minimum(input: Tensor, other: Any) -> Tensor:
    """Elementwise smaller of two tensors (ties share the gradient evenly)."""
    return input.minimum(other)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dim; all other dims must agree (1-D empty tensors may join any)."""
    return join(tensors, dim)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    if any(t.shape != tensors[0].shape for t in tensors):
        raise ShapeError(f"stack: all tensors must have the same shape, got {[tuple(t.shape) for t in tensors]}")
    axis = normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(axis) for t in tensors], dim=axis)


# --- one tensor in, the method of the same name -------------------------------------------------------------
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """``input.flatten(start_dim, end_dim)``: the dimensions from start_dim to end_dim merged into one."""
    return input.flatten(start_dim, end_dim)


def sum(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``input.sum(dim, keepdim)``: the sum over ``dim`` (all elements when None)."""
    return input.sum(dim, keepdim, dtype=dtype)


def mean(input: Tensor, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``input.mean(dim, keepdim)``: the mean over ``dim`` (all elements when None)."""
    return input.mean(dim, keepdim, dtype=dtype)


def std(input: Tensor, dim: Dims | bool = None, keepdim: bool = False, **kwargs: Any) -> Tensor:
    """``input.std(dim, keepdim, correction=1)``: the standard deviation over ``dim``."""
    return input.std(dim, keepdim, **kwargs)


def var(input: Tensor, dim: Dims | bool = None, keepdim: bool = False, **kwargs: Any) -> Tensor:
    """``input.var(dim, keepdim, correction=1)``: the variance over ``dim``."""
    return input.var(dim, keepdim, **kwargs)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """``input.argmax(dim, keepdim)``: the index of the largest element (over all elements when ``dim`` is None)."""
    return input.argmax(dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """``input.argmin(dim, keepdim)``: the index of the smallest element (over all elements when ``dim`` is None)."""
    return input.argmin(dim, keepdim)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """``max(x)``, ``max(x, dim)`` (values and indices), or ``max(x, y)`` (elementwise), as ``torch.max``."""
    return input.max(dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """``min(x)``, ``min(x, dim)`` (values and indices), or ``min(x, y)`` (elementwise), as ``torch.min``."""
    return input.min(dim, keepdim)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
    """``input.topk(k, dim, largest, sorted)``: the k largest (or smallest) values along ``dim`` and their indices."""
    return input.topk(k, dim, largest, sorted)


def exp(input: Tensor) -> Tensor:
    """``input.exp()``: elementwise e^x."""
    return input.exp()


def log(input: Tensor) -> Tensor:
    """``input.log()``: elementwise natural logarithm."""
    return input.log()


def sqrt(input: Tensor) -> Tensor:
    """``input.sqrt()``: elementwise square root."""
    return input.sqrt()


def abs(input: Tensor) -> Tensor:
    """``input.abs()``: elementwise |x|."""
    return input.abs()


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0); ``inplace`` is accepted (as ``F.relu``) and computes the same out of place."""
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:
    """``input.sigmoid()``: elementwise 1 / (1 + e^-x)."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """``input.tanh()``: elementwise hyperbolic tangent."""
    return input.tanh()


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``input.softmax(dim, dtype)``: e^x / sum(e^x) along ``dim``, computed stably (in ``dtype`` when given)."""
    return input.softmax(dim, dtype)


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``input.log_softmax(dim, dtype)``: log(softmax(x)) along ``dim``, computed stably."""
    return input.log_softmax(dim, dtype)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """``input.clamp(min, max)``: each element limited to [min, max] (numbers, tensors or None)."""
    return input.clamp(min, max)


def clip(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """``torch.clip``, PyTorch's other name for :func:`clamp`."""
    return clamp(input, min, max)


def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input.flip(*dims)``: the order of the elements reversed along ``dims``."""
    return input.flip(*dims)


def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return input.numel()


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a ``Tensor``."""
    return isinstance(obj, Tensor)


# --- products ---------------------------------------------------------------------------------------------
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """``input @ other``: the matrix product, batched and broadcast as numpy's ``matmul``."""
    return input @ other


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """``input.mm(mat2)``: the product of two 2-D matrices."""
    return input.mm(mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """``input.bmm(mat2)``: the batched matrix product of (b, n, m) and (b, m, p) tensors."""
    return input.bmm(mat2)


# --- comparisons of whole tensors ----------------------------------------------------------------------------
def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """``input.isclose(other, ...)``: elementwise |input - other| <= atol + rtol |other|, as a boolean tensor."""
    return input.isclose(other, rtol, atol, equal_nan)


def allclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether every element of ``input`` is close to ``other``: |input - other| <= atol + rtol |other|."""
    return input.allclose(other, rtol, atol, equal_nan)


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both have the same shape and the same values."""
    return input.equal(other)


with_numpy_names(
    sys.modules[__name__],
    ["sum", "mean", "max", "min", "argmax", "argmin", "std", "var", "topk", "softmax", "log_softmax"],
)
