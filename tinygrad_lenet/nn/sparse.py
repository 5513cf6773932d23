"""``Embedding``: a table of learned vectors looked up by integer index (PyTorch's ``nn.Embedding``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.dims import positive_int
from ..base.errors import DTypeError
from ..tensor.tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter


def _table(rows: int, dim: int, dtype: Any, padding_idx: int | None) -> Parameter:
    """An embedding table drawn from N(0, 1), with the ``padding_idx`` row at zero (PyTorch's start)."""
    weight = Parameter(np.empty((rows, dim), dtype=np.float32 if dtype is None else dtypes.to_dtype(dtype)))
    init.normal_(weight)
    if padding_idx is not None:
        weight._array[padding_idx] = 0
    return weight


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
        self.weight = _table(num_embeddings, embedding_dim, dtype, padding_idx)

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


class EmbeddingBag(Module):
    """The sum, mean or max of the embedding rows of each bag (``F.embedding_bag``): a bag is a row of
    2-d ``input``, or the run of 1-d ``input`` from each of ``offsets`` to the next. The weight starts
    from N(0, 1) (the ``padding_idx`` row at zero, and left out of every bag), as in PyTorch."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Any = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        if max_norm is not None or scale_grad_by_freq or _weight is not None:
            raise NotImplementedError(
                "EmbeddingBag: max_norm, scale_grad_by_freq and _weight are not supported here; "
                "set weights with load_state_dict"
            )
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode must be 'sum', 'mean' or 'max', got {mode!r}")
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "EmbeddingBag")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "EmbeddingBag")
        if padding_idx is not None and not -num_embeddings <= padding_idx < num_embeddings:
            raise ValueError(
                f"EmbeddingBag: padding_idx must be in [-{num_embeddings}, {num_embeddings}), got {padding_idx}"
            )
        self.padding_idx = padding_idx % num_embeddings if padding_idx is not None else None
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        self.weight = _table(num_embeddings, embedding_dim, dtype, self.padding_idx)

    def forward(self, input: Tensor, offsets: Tensor | None = None, per_sample_weights: Tensor | None = None) -> Tensor:
        return F.embedding_bag(
            input,
            self.weight,
            offsets,
            mode=self.mode,
            per_sample_weights=per_sample_weights,
            include_last_offset=self.include_last_offset,
            padding_idx=self.padding_idx,
        )

    def extra_repr(self) -> str:
        shown = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.norm_type != 2:
            shown += f", norm_type={self.norm_type}"
        shown += f", mode={self.mode!r}"
        return shown + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
