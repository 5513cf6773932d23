"""``F.multi_head_attention_forward``: what ``nn.MultiheadAttention`` computes, with PyTorch's signature.

Re-exported by ``nn.functional`` (this module's ``__all__``). Composed of linear, matmul, softmax
and reshapes (no gradient rule of its own), in PyTorch's layout: sequences first, (L, N, E), the
heads folded into the batch as (N * num_heads, L, E / num_heads).
"""

from __future__ import annotations

import math

import numpy as np

from ..base.errors import DTypeError, ShapeError
from ..ops.linear import Linear as LinearOp
from ..ops.movement import Pad
from ..tensor.functions import cat
from ..tensor.tensor import Tensor
from .attention_functions import attend

__all__: list[str] = ["multi_head_attention_forward"]


def float_mask(mask: Tensor | None, name: str, dtype: np.dtype) -> Tensor | None:
    """A bool mask (True: may not attend) as 0 / -inf in ``dtype``; a float mask (added to the
    scores) as it is."""
    if mask is None or mask.dtype.kind == "f":
        return mask
    if mask.dtype != np.bool_:
        raise DTypeError(f"multi_head_attention_forward: {name} must be bool or floating, got {mask.dtype}")
    return Tensor._make(np.where(mask._array, -np.inf, 0.0).astype(dtype))


def _check_batched(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None) -> bool:
    """Whether the inputs are batched (L, N, E) rather than one sequence (L, E); refuses a mix."""
    if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
        raise ShapeError(
            "multi_head_attention_forward: query, key and value must all be 3-d (L, N, E) or all 2-d (L, E), "
            f"got {query.shape}, {key.shape} and {value.shape}"
        )
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise ShapeError(
            f"multi_head_attention_forward: key_padding_mask must be {query.ndim - 1}-d (N, S) or (S,) "
            f"for {query.ndim}-d query, got {key_padding_mask.shape}"
        )
    return query.ndim == 3


def _projections(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    weights: tuple[Tensor, Tensor, Tensor],
    in_proj_bias: Tensor | None,
) -> tuple[Tensor, Tensor, Tensor]:
    """q, k, v = x W^T + b for each of query, key and value, each with its third of the packed bias."""
    biases = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
    q, k, v = (LinearOp.apply(x, w, *_present(b)) for x, w, b in zip((query, key, value), weights, biases))
    return q, k, v


def _present(bias: Tensor | None) -> tuple[Tensor, ...]:
    """The optional bias as the trailing inputs of the Linear op: none, or itself."""
    return () if bias is None else (bias,)


def _pad_last(mask: Tensor | None) -> Tensor | None:
    """One more key column, attended to (0) by every query: for bias_k/bias_v and add_zero_attn."""
    if mask is None:
        return None
    return Pad.apply(mask, widths=((0, 0),) * (mask.ndim - 1) + ((0, 1),), value=0.0)


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention of query (L, N, E) over key (S, N, Ek) and value (S, N, Ev), or of
    unbatched (L, E), (S, Ek), (S, Ev): the output (L, N, E) and, with ``need_weights``, the
    attention weights (N, L, S), averaged over the heads unless ``average_attn_weights=False``
    gives (N, num_heads, L, S).

    Masks, bool (True: may not attend) or float (added to the scores): ``key_padding_mask`` (N, S)
    per key, ``attn_mask`` (L, S) or (N * num_heads, L, S). ``is_causal`` is a hint that
    ``attn_mask`` is the causal mask. A query that may attend nowhere gives NaN weights, as
    PyTorch's; with ``need_weights=False``, a zero output, as its scaled_dot_product_attention.
    """
    batched = _check_batched(query, key, value, key_padding_mask)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    length, batch, embed_dim = query.shape
    key_padding_mask = float_mask(key_padding_mask, "key_padding_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise ValueError("multi_head_attention_forward: is_causal=True needs the causal attn_mask too")
    causal = is_causal and key_padding_mask is None and not need_weights
    attn_mask = None if causal else float_mask(attn_mask, "attn_mask", query.dtype)
    if embed_dim != embed_dim_to_check or embed_dim % num_heads:
        raise ShapeError(
            f"multi_head_attention_forward: query's embedding dim {embed_dim} must be embed_dim={embed_dim_to_check}, "
            f"divisible by num_heads={num_heads}"
        )
    head_dim = embed_dim // num_heads
    if use_separate_proj_weight:
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise ValueError("multi_head_attention_forward: use_separate_proj_weight needs q/k/v_proj_weight")
        packed = (q_proj_weight, k_proj_weight, v_proj_weight)
    elif in_proj_weight is None:
        raise ValueError("multi_head_attention_forward: in_proj_weight is None and use_separate_proj_weight False")
    else:
        packed = in_proj_weight.chunk(3)  # type: ignore[assignment]
    if key.shape[:2] != value.shape[:2]:
        raise ShapeError(f"multi_head_attention_forward: key {key.shape} and value {value.shape} must match in (S, N)")
    q, k, v = _projections(query, key, value, packed, in_proj_bias)
    if attn_mask is not None:
        expected = (length, key.shape[0]) if attn_mask.ndim == 2 else (batch * num_heads, length, key.shape[0])
        if attn_mask.shape != expected:
            raise ShapeError(
                f"multi_head_attention_forward: attn_mask must have shape {expected}, got {attn_mask.shape}"
            )
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.ndim == 2 else attn_mask
    if bias_k is not None and bias_v is not None:
        k, v = cat([k, bias_k.repeat(1, batch, 1)]), cat([v, bias_v.repeat(1, batch, 1)])
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    q = q.reshape(length, batch * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], batch * num_heads, head_dim).transpose(0, 1) if static_k is None else static_k
    v = v.reshape(v.shape[0], batch * num_heads, head_dim).transpose(0, 1) if static_v is None else static_v
    if add_zero_attn:
        zeros = Tensor._make(np.zeros((batch * num_heads, 1, head_dim), dtype=k.dtype))
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    source = k.shape[1]
    if key_padding_mask is not None:
        if key_padding_mask.shape != (batch, source):
            raise ShapeError(
                f"multi_head_attention_forward: key_padding_mask must have shape {(batch, source)}, "
                f"got {key_padding_mask.shape}"
            )
        per_head = key_padding_mask.reshape(batch, 1, 1, source).expand(batch, num_heads, 1, source)
        per_head = per_head.reshape(batch * num_heads, 1, source)
        attn_mask = per_head if attn_mask is None else attn_mask + per_head
    if causal:
        attn_mask = Tensor._make(np.triu(np.full((length, source), -np.inf, dtype=q.dtype), 1))
    out, weights = attend(
        q, k, v, attn_mask, dropout_p if training else 0.0, 1.0 / math.sqrt(head_dim), quiet_rows=not need_weights
    )
    flat = out.transpose(0, 1).reshape(length * batch, embed_dim)
    out = LinearOp.apply(flat, out_proj_weight, *_present(out_proj_bias)).reshape(length, batch, -1)
    if not need_weights:
        return (out if batched else out.squeeze(1)), None
    weights = weights.reshape(batch, num_heads, length, source)
    if average_attn_weights:
        weights = weights.mean(1)
    return (out, weights) if batched else (out.squeeze(1), weights.squeeze(0))
