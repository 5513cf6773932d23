"""Structure: tril/triu, diag and diagonals, roll, rot90, movedim, splitting and stacking,
tile, repeat_interleave, broadcasting, views and their _copy variants.

The Tensor methods live in :class:`TensorStructure` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).
"""

from __future__ import annotations

from .base import TensorBase


class TensorStructure(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()


__all__: list[str] = []
