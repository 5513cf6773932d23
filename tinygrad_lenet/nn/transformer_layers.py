"""One layer of a transformer: ``TransformerEncoderLayer`` and ``TransformerDecoderLayer``.

PyTorch's submodule names (self_attn, multihead_attn, linear1, dropout, linear2, norm1..3,
dropout1..3), so that a state_dict moves both ways; PyTorch's math, post-norm (the original
transformer) or pre-norm (``norm_first``). PyTorch's eval "fast path" computes the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..base.devices import check_device
from ..tensor.tensor import Tensor
from . import functional as F
from .attention import MultiheadAttention
from .dropout import Dropout
from .layer_norm import LayerNorm
from .layers import Linear
from .module import Module

Activation = str | Callable[[Tensor], Tensor]


def activation_fn(activation: Activation) -> Callable[[Tensor], Tensor]:
    """ "relu" or "gelu" as F.relu / F.gelu; a callable (a function or a module) as it is."""
    if callable(activation):
        return activation
    if activation in ("relu", "gelu"):
        return F.relu if activation == "relu" else F.gelu
    raise ValueError(f"transformer layer: activation must be 'relu', 'gelu' or a callable, got {activation!r}")


class _FeedForward(Module):
    """What both layers share: their submodules in PyTorch's order (self-attention, the decoder's
    attention to memory, the feed-forward block linear2(dropout(activation(linear1(x)))), a norm and a
    dropout per residual block), the self-attention block, and attention without weights returned."""

    def _build(
        self,
        blocks: int,
        d_model: int,
        nhead: int,
        dim_feedforward: int,
        dropout: float,
        activation: Activation,
        layer_norm_eps: float,
        batch_first: bool,
        norm_first: bool,
        bias: bool,
        dtype: Any,
    ) -> None:
        """Register the submodules of a layer with ``blocks`` residual blocks (2 encoding, 3 decoding)."""
        for name in ("self_attn", "multihead_attn")[: blocks - 1]:
            setattr(self, name, MultiheadAttention(d_model, nhead, dropout, bias, batch_first=batch_first, dtype=dtype))
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.activation = activation_fn(activation)
        self.norm_first = norm_first
        for i in range(1, blocks + 1):
            setattr(self, f"norm{i}", LayerNorm(d_model, layer_norm_eps, bias=bias, dtype=dtype))
        for i in range(1, blocks + 1):
            setattr(self, f"dropout{i}", Dropout(dropout))

    def _sa_block(self, x: Tensor, mask: Tensor | None, padding: Tensor | None, causal: bool) -> Tensor:
        return self.dropout1(self._attend(self.self_attn, x, x, mask, padding, causal))

    def _ff_block(self, x: Tensor, dropout: Dropout) -> Tensor:
        return dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    @staticmethod
    def _attend(
        attn: MultiheadAttention, x: Tensor, memory: Tensor, mask: Tensor | None, padding: Tensor | None, causal: bool
    ) -> Tensor:
        return attn(x, memory, memory, attn_mask=mask, key_padding_mask=padding, need_weights=False, is_causal=causal)[
            0
        ]


class TransformerEncoderLayer(_FeedForward):
    """Self-attention then a feed-forward network, each added back to its input (a residual) and
    layer-normalised: x = norm1(x + sa(x)); x = norm2(x + ff(x)); with ``norm_first``,
    x = x + sa(norm1(x)); x = x + ff(norm2(x)). Inputs (S, N, E), (N, S, E) with ``batch_first``,
    or one unbatched sequence (S, E).
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        self._build(
            2,
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
            dtype,
        )

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """``src_mask`` (S, S) or (N * nhead, S, S) and ``src_key_padding_mask`` (N, S): bool (True:
        may not attend) or float (added to the scores); ``is_causal`` hints src_mask is causal."""
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x, self.dropout2))


class TransformerDecoderLayer(_FeedForward):
    """Self-attention over the target, attention from the target to the encoder's output
    (``memory``), then a feed-forward network; each added back to its input and layer-normalised,
    after (default) or before (``norm_first``), as in TransformerEncoderLayer.
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        self._build(
            3,
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
            dtype,
        )

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Masks as in TransformerEncoderLayer: ``tgt_mask`` (T, T) and ``tgt_key_padding_mask``
        (N, T) for the self-attention, ``memory_mask`` (T, S) and ``memory_key_padding_mask`` (N, S)
        for the attention to memory."""
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
        return self.norm3(x + self._ff_block(x, self.dropout3))

    def _mha_block(
        self, x: Tensor, memory: Tensor, mask: Tensor | None, padding: Tensor | None, causal: bool
    ) -> Tensor:
        return self.dropout2(self._attend(self.multihead_attn, x, memory, mask, padding, causal))
