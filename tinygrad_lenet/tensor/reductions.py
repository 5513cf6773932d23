"""Reductions, cumulative ops and ordering: prod, any/all over dims, median, mode, quantile, sort, argsort,
kthvalue, unique, cumsum, cumprod, cummax, logcumsumexp, ...

The Tensor methods live in :class:`TensorReductions` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).
"""

from __future__ import annotations

from .base import TensorBase


class TensorReductions(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()


__all__: list[str] = []
