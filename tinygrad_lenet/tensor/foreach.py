"""``torch._foreach_*`` in place: one update over a list of tensors, as weight averages and optimizers use them.

``_foreach_lerp_(averages, weights, 1 - decay)`` is an exponential moving average of a model's weights in
one call. When nothing records a graph (inside ``no_grad()``, or no tensor involved requires grad) each
update is a few numpy operations on the tensors' own arrays, with no Tensor made per operation, and each
tensor's version counter goes up as for any in-place change. Otherwise, or where a pair does not fit that
path (shapes or dtypes differ, a read-only array), the tensor's own in-place method runs (``lerp_``,
``mul_``, ``add_``), with its rules and errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.grad_mode import STATE
from ..base.recording import note_graph_break

if TYPE_CHECKING:
    from .tensor import Tensor


def _check(name: str, *lists: Sequence[Any]) -> None:
    """PyTorch's checks: no empty list, lists of one length."""
    if not lists[0]:
        raise ValueError(f"{name}: the tensor list must have at least one tensor")
    lengths = [len(x) for x in lists]
    if len(set(lengths)) > 1:
        raise ValueError(f"{name}: the tensor lists must have the same number of tensors, got {lengths}")


def _per_tensor(value: Any, n: int) -> list[Any]:
    """A scalar (or one-element tensor) for each of ``n`` tensors, from one or from a list of ``n``."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"expected {n} scalars, one per tensor, got {len(value)}")
        return list(value)
    return [value] * n


def _scalar(value: Any, dtype: np.dtype) -> Any:
    """``value`` (a number or a one-element tensor) as a numpy scalar of ``dtype``."""
    if isinstance(value, (int, float)):
        return dtype.type(value)
    return np.asarray(getattr(value, "_array", value), dtype=dtype).reshape(())[()]


def _direct(tensor: Tensor, others: Sequence[Tensor] = (), scalars: Sequence[Any] = ()) -> bool:
    """Whether ``tensor`` can be written directly: nothing records, its array is a writeable float one,
    and each of ``others`` is a tensor of its shape (``scalars``: numbers or one-element tensors)."""
    operands = (tensor, *others, *scalars)
    if STATE.grad_enabled and any(getattr(o, "requires_grad", False) for o in operands):
        return False
    array = tensor._array
    if array.dtype.kind != "f" or not array.flags.writeable:
        return False
    return all(hasattr(o, "_array") and o.shape == array.shape for o in others)


def _foreach_lerp_(self: Sequence[Tensor], tensors1: Sequence[Tensor], weight: Any) -> None:
    """For each pair: self_i += weight_i (tensors1_i - self_i), in place (``torch._foreach_lerp_``).

    As PyTorch, a weight of magnitude 0.5 or more is applied as end - (end - self)(1 - weight), which is
    exact at weight 1. ``weight``: a number, a one-element tensor, or one of those per tensor."""
    _check("_foreach_lerp_", self, tensors1)
    weights = _per_tensor(weight, len(self))
    note_graph_break("_foreach_lerp_ wrote into tensors' arrays in place")
    for t, end, w in zip(self, tensors1, weights):
        if not _direct(t, [end], [w]):
            t.lerp_(end, w)
            continue
        a = t._array
        e = end._array.astype(a.dtype, copy=False)
        w = _scalar(w, a.dtype)
        if abs(w) < 0.5:
            a += w * (e - a)
        else:
            np.subtract(e, (e - a) * (1 - w), out=a)
        t._version += 1


def _foreach_mul_(self: Sequence[Tensor], scalar: Any) -> None:
    """For each tensor: self_i *= scalar_i, in place (``torch._foreach_mul_``; a number, a one-element
    tensor, or one per tensor)."""
    _check("_foreach_mul_", self)
    note_graph_break("_foreach_mul_ wrote into tensors' arrays in place")
    for t, s in zip(self, _per_tensor(scalar, len(self))):
        if not _direct(t, scalars=[s]):
            t.mul_(s)
            continue
        t._array *= _scalar(s, t._array.dtype)
        t._version += 1


def _foreach_add_(self: Sequence[Tensor], other: Any, alpha: float = 1) -> None:
    """For each tensor: self_i += alpha other_i, in place (``torch._foreach_add_``; ``other`` a list of
    tensors, a number, or one number per tensor)."""
    others = list(other) if isinstance(other, (list, tuple)) else [other] * len(self)
    _check("_foreach_add_", self, others)
    note_graph_break("_foreach_add_ wrote into tensors' arrays in place")
    for t, o in zip(self, others):
        tensor = hasattr(o, "_array")
        if not _direct(t, [o] if tensor else [], [] if tensor else [o]):
            t.add_(o, alpha=alpha)
            continue
        a = t._array
        value = o._array.astype(a.dtype, copy=False) if tensor else _scalar(o, a.dtype)
        a += value if alpha == 1 else _scalar(alpha, a.dtype) * value
        t._version += 1
