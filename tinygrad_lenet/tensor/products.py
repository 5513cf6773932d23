"""Products beyond matmul: dot, vdot, inner, outer, mv, the add-and-multiply family (addmm, addmv,
addbmm, baddbmm, addr), tensordot, kron, einsum, trace, cross, block_diag, meshgrid, cartesian_prod.

The Tensor methods live in :class:`TensorProducts` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).
"""

from __future__ import annotations

from .base import TensorBase


class TensorProducts(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()


__all__: list[str] = []
