"""Pointwise math beyond the basics: trigonometric and hyperbolic functions and their inverses, logs and
exponentials of other bases, rounding, sign, error and gamma functions, and tests of floating-point classes.

The Tensor methods live in :class:`TensorPointwise` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).
"""

from __future__ import annotations

from .base import TensorBase


class TensorPointwise(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()


__all__: list[str] = []
