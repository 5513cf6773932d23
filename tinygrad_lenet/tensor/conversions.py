"""Conversions and new tensors made from a tensor: the dtype shortcuts (byte, short, bfloat16, ...),
new_zeros/new_ones/new_full/new_empty, and PyTorch's memory-format and device keywords.

The Tensor methods live in :class:`TensorConversions` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).
"""

from __future__ import annotations

from .base import TensorBase


class TensorConversions(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()


__all__: list[str] = []
