"""``Embedding``: a table of learned vectors looked up by integer index (PyTorch's ``nn.Embedding``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
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
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        if max_norm is not None or scale_grad_by_freq or _weight is not None or _freeze:
            raise NotImplementedError(
                "Embedding: max_norm, scale_grad_by_freq, _weight and _freeze are not supported here; "
                "set weights with load_state_dict or embedding.weight.data.copy_(...)"
            )
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        self.padding_idx = padding_idx
        self.weight = Parameter(
            np.empty((num_embeddings, embedding_dim), dtype=np.float32 if dtype is None else dtypes.to_dtype(dtype))
        )
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
