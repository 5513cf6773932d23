"""Functions of tensors in the ``torch.*`` namespace: ``cat``, ``stack``, ``where``, ``maximum``, ...

They take several tensors (or a tensor and Python scalars) and mostly call a Tensor method or a
movement op; the backward rules live with the ops.
"""

from __future__ import annotations

from typing import Any, Sequence

from .dims import normalize_dim
from .errors import ShapeError
from .ops.movement import Cat
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
    """Join tensors along an existing dim; all other dims must agree."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat: expected a non-empty sequence of tensors")
    first = tensors[0]
    axis = normalize_dim(dim, first.ndim, "cat")
    for t in tensors[1:]:
        if t.ndim != first.ndim or t.shape[:axis] + t.shape[axis + 1 :] != first.shape[:axis] + first.shape[axis + 1 :]:
            raise ShapeError(
                f"cat: shapes {[tuple(x.shape) for x in tensors]} must agree in every dim except dim {dim}"
            )
    return Cat.apply(*tensors, dim=axis)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    if any(t.shape != tensors[0].shape for t in tensors):
        raise ShapeError(f"stack: all tensors must have the same shape, got {[tuple(t.shape) for t in tensors]}")
    axis = normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(axis) for t in tensors], dim=axis)
