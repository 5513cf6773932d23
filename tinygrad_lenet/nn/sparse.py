"""``Embedding``: a table of learned vectors looked up by integer index (PyTorch's ``nn.Embedding``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base.dims import positive_int
from ..base.errors import DTypeError
from ..tensor.tensor import Tensor
from . import init
from .module import Module, Parameter


class Embedding(Module):
    """``weight[indices]`` for an int tensor of indices: (..., ) -> (..., embedding_dim).

    The weight starts from N(0, 1), as in PyTorch; the row of ``padding_idx`` (if given) starts
    at zero. The gradient adds up at each row looked up (the ``GetItem`` backward rule).
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None, dtype: Any = None
    ) -> None:
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        self.padding_idx = padding_idx
        self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype or np.float32))
        init.normal_(self.weight)
        if padding_idx is not None:
            self.weight._array[padding_idx] = 0

    def forward(self, indices: Tensor) -> Tensor:
        if indices.dtype.kind not in "iu":
            raise DTypeError(f"Embedding: indices must be integers, got {indices.dtype}")
        if indices.numel() and (indices.amin().item() < 0 or indices.amax().item() >= self.num_embeddings):
            raise IndexError(
                f"Embedding: indices must be in [0, {self.num_embeddings - 1}], "
                f"found {indices.amin().item()}..{indices.amax().item()}"
            )
        return self.weight[indices]

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}" + (
            f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        )
