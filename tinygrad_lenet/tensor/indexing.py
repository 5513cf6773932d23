"""Indexing by tensors of indices and masks: gather, scatter and scatter_add/reduce,
index_select/add/copy/fill/put, take, masked_fill/select/scatter, nonzero.

The Tensor methods live in :class:`TensorIndexing` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).
"""

from __future__ import annotations

from .base import TensorBase


class TensorIndexing(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()


__all__: list[str] = []
