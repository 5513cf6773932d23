"""Tensor methods that change a tensor's values in place: ``add_``, ``x += y``, ``x[i] = v``, ``fill_``, ...

The rules are PyTorch's. Outside ``no_grad()``, a leaf that requires grad (a parameter) cannot
be changed in place: its gradient would no longer describe the values. When nothing records a
graph (inside ``no_grad()``, or when no tensor involved requires grad) the new values are written
into the tensor's own memory, so every reference, view and ``.numpy()`` array sees them, and the
tensor's version counter goes up: an op that saved the old values for its backward then refuses
to run backward (``GradError``) instead of silently using the new ones. When the change is part of
a recorded graph (``y = x * 2; y += 1``), the op is recorded out of place and the tensor becomes
its result: gradients are exact, but views taken earlier keep the old values.
Mixed into ``Tensor``; it never imports the tensor module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.grad_mode import STATE
from ..base.errors import DTypeError, GradError, ShapeError
from ..base.random import generator
from ..base.recording import note_graph_break
from ..ops.movement import SetItem
from .base import TensorBase

if TYPE_CHECKING:
    from typing_extensions import Self

    from .tensor import Tensor


class TensorInPlace(TensorBase):
    """In-place methods of a Tensor; each returns the tensor itself, as in PyTorch."""

    __slots__ = ()

    def _inplace(self, name: str, compute: Callable[[Tensor], Tensor]) -> Self:
        """Give this tensor the values ``compute(self as it was)``, in place (see the module docstring)."""
        if STATE.grad_enabled and self.requires_grad and self.grad_fn is None:
            raise GradError(
                f"{name}: a leaf tensor that requires grad cannot be changed in place outside no_grad() "
                "(its gradient would no longer describe it); do it inside `with no_grad():`, as optimizers do, "
                "or change a copy (.clone())"
            )
        before = self._make(self._array, self.requires_grad, self.grad_fn)
        result = compute(before)
        if result.shape != self.shape:
            raise ShapeError(
                f"{name}: the result has shape {result.shape}, which cannot be written into a tensor of "
                f"shape {self.shape} in place"
            )
        if result.dtype != self.dtype and not np.can_cast(result.dtype, self.dtype, casting="same_kind"):
            raise DTypeError(f"{name}: a {result.dtype} result cannot be written into a {self.dtype} tensor in place")
        if result.requires_grad:
            result = result.astype(self.dtype)
            fresh = result._array.base is None and result._array.flags.writeable
            self._array = result._array if fresh else np.array(result._array)
            self.grad_fn, self.requires_grad = result.grad_fn, True
        else:
            note_graph_break(f"{name} wrote into a tensor's array in place")
            np.copyto(self._array, result._array, casting="same_kind")
        self._version += 1
        return self

    # --- arithmetic -----------------------------------------------------------------------------------
    def add_(self, other: Any, alpha: float = 1) -> Self:
        """In place: self += alpha * other; returns self (see 'in-place changes' in the autograd guide)."""
        return self._inplace("add_", lambda x: x + (other if alpha == 1 else other * alpha))

    def sub_(self, other: Any, alpha: float = 1) -> Self:
        """In place: self -= alpha * other; returns self."""
        return self._inplace("sub_", lambda x: x - (other if alpha == 1 else other * alpha))

    def mul_(self, other: Any) -> Self:
        """In place: self *= other; returns self."""
        return self._inplace("mul_", lambda x: x * other)

    def div_(self, other: Any) -> Self:
        """In place: self /= other; returns self."""
        return self._inplace("div_", lambda x: x / other)

    def lerp_(self, end: Any, weight: Any) -> Self:
        """In place: self += weight * (end - self); returns self (an EMA step: ``ema.lerp_(w, 1 - decay)``)."""
        return self._inplace("lerp_", lambda x: x.lerp(end, weight))

    def clamp_(self, min: float | None = None, max: float | None = None) -> Self:
        """In place: each element limited to [min, max]; returns self."""
        return self._inplace("clamp_", lambda x: x.clamp(min, max))

    clip_ = clamp_

    def __iadd__(self, other: Any) -> Self:
        return self.add_(other)

    def __isub__(self, other: Any) -> Self:
        return self.sub_(other)

    def __imul__(self, other: Any) -> Self:
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> Self:
        return self.div_(other)

    # --- filling ----------------------------------------------------------------------------------------
    def _replaced(self, x: Tensor, value: Any) -> Tensor:
        """``value`` broadcast to ``x``'s shape, as a result of ``x`` whose gradient to ``x`` is 0
        (``where`` with a condition that is false everywhere; NaN in ``x`` does not leak through)."""
        return x.where(self._make(np.zeros(x.shape, dtype=bool)), value)

    def fill_(self, value: Any) -> Self:
        """Every element set to ``value`` (a number or a one-element tensor)."""
        return self._inplace("fill_", lambda x: self._replaced(x, value))

    def zero_(self) -> Self:
        """In place: every element set to 0; returns self."""
        return self.fill_(0)

    def copy_(self, src: Any) -> Self:
        """The values of ``src``, broadcast to this tensor's shape and cast to its dtype."""
        return self._inplace("copy_", lambda x: self._replaced(x, self._operand(src).astype(self.dtype)))

    def masked_fill_(self, mask: Any, value: Any) -> Self:
        """In place: the elements where ``mask`` is true set to ``value``; returns self."""
        return self._inplace("masked_fill_", lambda x: x.masked_fill(mask, value))

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """``value`` where ``mask`` is True, this tensor elsewhere (``mask`` broadcasts)."""
        mask_t = self._operand(mask)
        if mask_t.dtype != np.bool_:
            raise DTypeError(f"masked_fill: the mask must be a bool tensor, got {mask_t.dtype}")
        return self.where(self._make(~mask_t._array), value)

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> Self:
        """Values drawn uniformly from [a, b) by the package's generator (see ``manual_seed``)."""
        drawn = generator().uniform(a, b, self.shape).astype(self.dtype)
        return self._inplace("uniform_", lambda x: self._replaced(x, self._make(drawn)))

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> Self:
        """Values drawn from N(mean, std²) by the package's generator (see ``manual_seed``)."""
        drawn = generator().normal(mean, std, self.shape).astype(self.dtype)
        return self._inplace("normal_", lambda x: self._replaced(x, self._make(drawn)))

    def masked_scatter_(self, mask: Any, source: Any) -> Self:
        """In place: the elements where ``mask`` is true set to the first elements of ``source``; returns self."""
        return self._inplace("masked_scatter_", lambda x: x.masked_scatter(mask, source))

    # --- indexing -----------------------------------------------------------------------------------------
    def scatter_(self, dim: int, index: Any, src: Any = None, value: Any = None, *, reduce: str | None = None) -> Self:
        """In place: ``self.scatter(dim, index, src, reduce=...)``; returns self."""
        return self._inplace("scatter_", lambda x: x.scatter(dim, index, src, value, reduce=reduce))

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Self:
        """In place: ``self.scatter_add(dim, index, src)``; returns self."""
        return self._inplace("scatter_add_", lambda x: x.scatter_add(dim, index, src))

    def scatter_reduce_(self, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Self:
        """In place: ``self.scatter_reduce(dim, index, src, reduce, include_self=...)``; returns self."""
        return self._inplace(
            "scatter_reduce_", lambda x: x.scatter_reduce(dim, index, src, reduce, include_self=include_self)
        )

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Self:
        """In place: ``self.index_add(dim, index, source, alpha=...)``; returns self."""
        return self._inplace("index_add_", lambda x: x.index_add(dim, index, source, alpha=alpha))

    def index_copy_(self, dim: int, index: Any, source: Any) -> Self:
        """In place: ``self.index_copy(dim, index, source)``; returns self."""
        return self._inplace("index_copy_", lambda x: x.index_copy(dim, index, source))

    def index_fill_(self, dim: int, index: Any, value: Any) -> Self:
        """In place: ``self.index_fill(dim, index, value)``; returns self."""
        return self._inplace("index_fill_", lambda x: x.index_fill(dim, index, value))

    def index_reduce_(self, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True) -> Self:
        """In place: ``self.index_reduce(dim, index, source, reduce, include_self=...)``; returns self."""
        return self._inplace(
            "index_reduce_", lambda x: x.index_reduce(dim, index, source, reduce, include_self=include_self)
        )

    def index_put_(self, indices: Any, values: Any, accumulate: bool = False) -> Self:
        """In place: ``self.index_put(indices, values, accumulate)``; returns self."""
        return self._inplace("index_put_", lambda x: x.index_put(indices, values, accumulate))

    def put_(self, index: Any, source: Any, accumulate: bool = False) -> Self:
        """In place: ``self.put(index, source, accumulate)``; returns self."""
        return self._inplace("put_", lambda x: x.put(index, source, accumulate))

    def __setitem__(self, index: Any, value: Any) -> None:
        """``x[index] = value`` for ints, slices, bool masks and index tensors (numpy's rules)."""
        idx = self._numpy_index(index)
        v = self._operand(value)
        if not (STATE.grad_enabled and (self.requires_grad or v.requires_grad)):  # nothing records: write directly
            note_graph_break("x[index] = ... wrote into a tensor's array in place")
            try:
                self._array[idx] = v._array
            except (IndexError, ValueError) as e:
                raise IndexError(f"x[{index!r}] = ... does not fit a tensor of shape {self.shape}: {e}") from None
            self._version += 1
            return

        def write(x: Tensor) -> Tensor:
            try:
                return SetItem.apply(x, v.astype(x.dtype) if v.dtype != x.dtype else v, index=idx)
            except (IndexError, ValueError) as e:
                raise IndexError(f"x[{index!r}] = ... does not fit a tensor of shape {x.shape}: {e}") from None

        self._inplace("setitem", write)
