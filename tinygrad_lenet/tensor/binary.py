"""Binary and logical ops with PyTorch's function spellings: add/sub/mul/div with alpha and rounding modes,
powers, atan2, hypot, fmod and remainder, comparisons, logical and bitwise ops.

The Tensor methods live in :class:`TensorBinary` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).
"""

from __future__ import annotations

from .base import TensorBase


class TensorBinary(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()


__all__: list[str] = []
