"""``MultiheadAttention``: PyTorch's module, its parameters by the same names, its math.

The forward is ``F.multi_head_attention_forward`` (nn/multi_head_attention_functions.py). PyTorch's
"fast path" (a fused kernel it takes in eval without gradients) computes the same values, so it has
no counterpart here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.dims import positive_int
from ..tensor.tensor import Tensor
from . import functional as F
from . import init
from .layers import Linear
from .module import Module, Parameter


class MultiheadAttention(Module):
    """Attention of ``num_heads`` heads, each over embed_dim / num_heads features:
    out = concat(head_1 .. head_h) W_o + b_o, head_i = softmax(Q_i K_i^T / sqrt(d) + mask) V_i, with
    Q_i, K_i, V_i the heads' parts of x W^T + b for the query, key and value.

    The projections are ``in_proj_weight`` (3 E, E) and ``in_proj_bias`` (3 E,), or, when ``kdim``
    or ``vdim`` differ from ``embed_dim``, ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``;
    ``out_proj`` is a Linear (E, E). ``add_bias_kv`` learns one more key and value (``bias_k``,
    ``bias_v``, (1, 1, E)); ``add_zero_attn`` appends a zero key and value. Inputs are (L, N, E),
    (N, L, E) with ``batch_first``, or one unbatched sequence (L, E).
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        self.embed_dim = positive_int(embed_dim, "embed_dim", "MultiheadAttention")
        self.num_heads = positive_int(num_heads, "num_heads", "MultiheadAttention")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim={embed_dim} must be divisible by num_heads={num_heads}")
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.dropout, self.batch_first, self.add_zero_attn = dropout, batch_first, add_zero_attn
        self.head_dim = embed_dim // num_heads
        dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)

        def empty(*shape: int) -> Parameter:
            return Parameter(np.empty(shape, dtype=dt))

        same = self._qkv_same_embed_dim
        self.in_proj_weight: Parameter | None = empty(3 * embed_dim, embed_dim) if same else None
        self.q_proj_weight: Parameter | None = None if same else empty(embed_dim, embed_dim)
        self.k_proj_weight: Parameter | None = None if same else empty(embed_dim, self.kdim)
        self.v_proj_weight: Parameter | None = None if same else empty(embed_dim, self.vdim)
        self.in_proj_bias = empty(3 * embed_dim) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dt)
        self.bias_k = empty(1, 1, embed_dim) if add_bias_kv else None
        self.bias_v = empty(1, 1, embed_dim) if add_bias_kv else None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's initialisation: Xavier-uniform projections, zero biases, Xavier-normal bias_k/v."""
        for weight in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if weight is not None:
                init.xavier_uniform_(weight)
        for bias in (self.in_proj_bias, self.out_proj.bias):
            if bias is not None:
                init.constant_(bias, 0.0)
        for extra in (self.bias_k, self.bias_v):
            if extra is not None:
                init.xavier_normal_(extra)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """The attention output, shaped like ``query``, and with ``need_weights`` the attention
        weights (N, L, S), or (N, num_heads, L, S) without ``average_attn_weights``.

        Masks are bool (True: may not attend) or float (added to the scores): ``key_padding_mask``
        (N, S), ``attn_mask`` (L, S) or (N * num_heads, L, S); ``is_causal`` hints that attn_mask
        is the causal mask.
        """
        batched = query.ndim == 3
        if self.batch_first and batched:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        out, weights = F.multi_head_attention_forward(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            training=self.training,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights,
            attn_mask=attn_mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights,
            is_causal=is_causal,
        )
        return (out.transpose(0, 1) if self.batch_first and batched else out), weights
