"""Stacks of transformer layers: ``TransformerEncoder``, ``TransformerDecoder`` and ``Transformer``.

PyTorch's signatures and submodule names (``layers.0.self_attn.in_proj_weight``, ``norm.weight``,
``encoder.layers.0...``), so a PyTorch state_dict loads into them. PyTorch's eval fast path
(fused kernels, nested tensors for padded batches) is an implementation detail with no
counterpart: the math is the same, except that PyTorch's nested-tensor path gives 0 at padded
positions of a TransformerEncoder's output (before its final norm), where this one computes them.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.errors import ShapeError
from ..tensor.tensor import Tensor
from . import functional as F
from . import init
from .containers import ModuleList
from .layer_norm import LayerNorm
from .module import Module
from .transformer_layers import Activation, TransformerDecoderLayer, TransformerEncoderLayer


def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
    """The causal mask (sz, sz): 0 on and below the diagonal, -inf above (position i sees 0..i)."""
    check_device(device or "cpu")
    dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)
    return Tensor(np.triu(np.full((sz, sz), -np.inf, dtype=dt), 1))


def _is_causal(mask: Tensor | None, is_causal: bool | None, size: int) -> bool:
    """``is_causal`` when given; otherwise whether ``mask`` is the causal mask of ``size``
    (float -inf, or bool True, exactly above the diagonal), as PyTorch detects it."""
    if is_causal is not None or mask is None:
        return bool(is_causal)
    above = np.triu(np.ones((size, size), dtype=bool), 1)
    expected = above if mask.dtype == np.bool_ else np.where(above, -np.inf, 0.0)
    return mask.shape == expected.shape and bool(np.array_equal(mask._array, expected))


def _sequence_length(x: Tensor, batch_first: bool) -> int:
    return x.shape[0] if x.ndim == 2 else x.shape[1 if batch_first else 0]


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` (each with its own parameters, all starting
    equal), applied in turn, then the optional final ``norm``. ``enable_nested_tensor`` and
    ``mask_check`` are accepted for PyTorch's signature and change nothing (they steer its fast path).
    """

    def __init__(
        self,
        encoder_layer: TransformerEncoderLayer,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        """``mask`` (S, S) and ``src_key_padding_mask`` (N, S) as in TransformerEncoderLayer;
        ``is_causal=None`` detects whether ``mask`` is the causal mask."""
        batch_first = bool(self.layers[0].self_attn.batch_first) if len(self.layers) else False
        causal = _is_causal(mask, is_causal, _sequence_length(src, batch_first))
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=causal)
        return output if self.norm is None else self.norm(output)


class TransformerDecoder(Module):
    """``num_layers`` copies of ``decoder_layer``, each attending to the same ``memory``, then the
    optional final ``norm``."""

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Masks as in TransformerDecoderLayer; ``tgt_is_causal=None`` detects whether ``tgt_mask``
        is the causal mask."""
        batch_first = bool(self.layers[0].self_attn.batch_first) if len(self.layers) else False
        causal = _is_causal(tgt_mask, tgt_is_causal, _sequence_length(tgt, batch_first))
        output = tgt
        for layer in self.layers:
            output = layer(
                output,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=causal,
                memory_is_causal=memory_is_causal,
            )
        return output if self.norm is None else self.norm(output)


class Transformer(Module):
    """The encoder-decoder transformer of "Attention Is All You Need": an encoder of
    ``num_encoder_layers`` layers over ``src`` and a decoder of ``num_decoder_layers`` layers over
    ``tgt`` attending to the encoder's output, each stack ending in a LayerNorm. Every weight
    matrix starts Xavier-uniform, as PyTorch's. ``custom_encoder`` / ``custom_decoder`` replace the
    stacks.
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        sizes = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias)
        if custom_encoder is None:
            encoder_layer = TransformerEncoderLayer(*sizes, dtype=dtype)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            custom_encoder = TransformerEncoder(encoder_layer, num_encoder_layers, norm)
        if custom_decoder is None:
            decoder_layer = TransformerDecoderLayer(*sizes, dtype=dtype)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            custom_decoder = TransformerDecoder(decoder_layer, num_decoder_layers, norm)
        self.encoder, self.decoder = custom_encoder, custom_decoder
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Tensor | None = None,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """src (S, N, E) and tgt (T, N, E) ((N, S, E), (N, T, E) with ``batch_first``; or unbatched
        (S, E), (T, E)) -> (T, N, E). Masks as in the encoder and decoder layers; a causal
        ``tgt_mask`` comes from :meth:`generate_square_subsequent_mask`."""
        batch_dim = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch_dim] != tgt.shape[batch_dim]):
            raise ShapeError(f"Transformer: src {src.shape} and tgt {tgt.shape} must have the same batch size")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ShapeError(
                f"Transformer: src {src.shape} and tgt {tgt.shape} must both end in d_model={self.d_model}"
            )
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    generate_square_subsequent_mask = staticmethod(generate_square_subsequent_mask)
