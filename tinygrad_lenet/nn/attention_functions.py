"""Attention and embeddings: scaled_dot_product_attention, embedding, embedding_bag, and bilinear.

Re-exported by ``nn.functional`` (this module's ``__all__``). Each is composed of primitive ops
(row lookup by GetItem, matmul, softmax), so its gradient needs no rule of its own.
"""

from __future__ import annotations

import math

import numpy as np

from ..base.errors import DTypeError, ShapeError
from ..tensor.functions import stack
from ..tensor.tensor import Tensor
from .activation import _dropout

__all__: list[str] = ["bilinear", "embedding", "embedding_bag", "scaled_dot_product_attention"]


def _indices(input: Tensor | np.ndarray, rows: int, op: str) -> np.ndarray:
    """Integer row indices, each in [0, rows)."""
    idx = np.asarray(input._array if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise DTypeError(f"{op}: expected integer indices, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        raise IndexError(f"{op}: indices must be in [0, {rows - 1}], found {idx.min()}..{idx.max()}")
    return idx


def _padding_row(padding_idx: int | None, rows: int, op: str) -> int | None:
    """``padding_idx`` as a row number (negative counts from the end)."""
    if padding_idx is None:
        return None
    if not -rows <= padding_idx < rows:
        raise ValueError(f"{op}: padding_idx must be in [-{rows}, {rows - 1}], got {padding_idx}")
    return padding_idx % rows


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float | None, norm_type: float) -> None:
    """In place, as PyTorch: rescale each looked-up row whose ``norm_type``-norm exceeds ``max_norm`` to that norm."""
    if max_norm is None:
        return
    rows = np.unique(idx)
    w = weight._array
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None]


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer ``input``: shape input.shape + (dim,).

    The row ``padding_idx`` gets no gradient; ``max_norm`` rescales the looked-up rows of ``weight``
    in place; ``scale_grad_by_freq`` divides each row's gradient by how often the batch uses it.
    ``sparse`` gradients do not exist here: the gradient is always dense.
    """
    if weight.ndim != 2:
        raise ShapeError(f"embedding: weight must be a 2-d (num_embeddings, dim) matrix, got {weight.shape}")
    idx = _indices(input, weight.shape[0], "embedding")
    pad = _padding_row(padding_idx, weight.shape[0], "embedding")
    _renorm_rows(weight, idx, max_norm, norm_type)
    out = weight[idx]
    if scale_grad_by_freq:
        counts = np.bincount(idx.reshape(-1), minlength=weight.shape[0])[idx][..., None].astype(weight.dtype)
        out = out * Tensor._make(1.0 / counts) + (out * Tensor._make(1.0 - 1.0 / counts)).detach()
    if pad is not None:
        out = out.where((idx != pad)[..., None], out.detach())
    return out


def _bags(idx: np.ndarray, offsets: Tensor | None, include_last_offset: bool) -> list[np.ndarray]:
    """The positions in the flattened indices of each bag."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: offsets must be None for 2-d input (each row is a bag)")
        return [np.arange(r * idx.shape[1], (r + 1) * idx.shape[1]) for r in range(idx.shape[0])]
    if idx.ndim != 1 or offsets is None:
        raise ValueError("embedding_bag: expected 2-d input, or 1-d input with 1-d offsets")
    starts = np.asarray(offsets._array).astype(np.int64).tolist()
    ends = starts[1:] + [idx.shape[0]]
    if include_last_offset:
        starts, ends = starts[:-1], ends[:-1]
    return [np.arange(a, b) for a, b in zip(starts, ends)]


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """The sum, mean or max of the embedding rows of each bag: (bags, dim). A bag is a row of 2-d
    ``input``, or a run of 1-d ``input`` starting at each offset. Entries equal to ``padding_idx``
    are left out; an empty bag gives zeros; ``per_sample_weights`` scale the rows (mode "sum" only)."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"embedding_bag: mode must be 'sum', 'mean' or 'max', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError(f"embedding_bag: per_sample_weights need mode='sum', got mode={mode!r}")
    idx = _indices(input, weight.shape[0], "embedding_bag")
    bags = _bags(idx, offsets, include_last_offset)
    flat = idx.reshape(-1)
    pad = _padding_row(padding_idx, weight.shape[0], "embedding_bag")
    rows = embedding(Tensor._make(flat), weight, None, max_norm, norm_type, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    bags = [b[flat[b] != pad] for b in bags]
    if mode == "max":
        zeros = Tensor._make(np.zeros(weight.shape[1], dtype=weight.dtype))
        return stack([rows[b].amax(0) if b.size else zeros for b in bags])
    mix = np.zeros((len(bags), flat.shape[0]), dtype=weight.dtype)
    for i, b in enumerate(bags):
        mix[i, b] = 1.0 / max(b.size, 1) if mode == "mean" else 1.0
    return Tensor._make(mix) @ rows


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_k = x1^T W_k x2 + b_k for ``weight`` (out, in1, in2), over any leading dims shared by x1 and x2."""
    if weight.ndim != 3 or input1.shape[-1:] != weight.shape[1:2] or input2.shape[-1:] != weight.shape[2:]:
        raise ShapeError(
            f"bilinear: weight (out, in1, in2) {weight.shape} does not fit "
            f"input1 {input1.shape} and input2 {input2.shape}"
        )
    if input1.shape[:-1] != input2.shape[:-1]:
        raise ShapeError(f"bilinear: input1 {input1.shape} and input2 {input2.shape} must share their leading dims")
    out_features, in1, in2 = weight.shape
    lead = input1.shape[:-1]
    n = math.prod(lead)
    x1, x2 = input1.reshape(n, in1), input2.reshape(n, 1, in2)
    mixed = (x1 @ weight.permute(1, 0, 2).reshape(in1, out_features * in2)).reshape(n, out_features, in2)
    out = (mixed * x2).sum(2).reshape(*lead, out_features)
    return out if bias is None else out + bias


def _attention_bias(
    attn_mask: Tensor | None, is_causal: bool, length: int, source: int, dtype: np.dtype
) -> Tensor | None:
    """What to add to the attention scores: -inf where a bool mask is False or above the causal
    diagonal, or a float mask itself."""
    if is_causal:
        if attn_mask is not None:
            raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal=True, not both")
        attn_mask = Tensor._make(np.tril(np.ones((length, source), dtype=bool)))
    if attn_mask is None:
        return None
    if attn_mask.dtype != np.bool_ and attn_mask.dtype.kind != "f":
        raise DTypeError(f"scaled_dot_product_attention: attn_mask must be bool or floating, got {attn_mask.dtype}")
    rows, cols = ((1, 1) + attn_mask.shape)[-2:]
    if rows not in (1, length) or cols not in (1, source):
        raise ShapeError(
            f"scaled_dot_product_attention: attn_mask {attn_mask.shape} must broadcast to the scores "
            f"(..., {length}, {source})"
        )
    if attn_mask.dtype == np.bool_:
        return Tensor._make(np.where(attn_mask._array, 0.0, -np.inf).astype(dtype))
    return attn_mask


def attend(
    query: Tensor, key: Tensor, value: Tensor, bias: Tensor | None, dropout_p: float, scale: float, quiet_rows: bool
) -> tuple[Tensor, Tensor]:
    """softmax(Q K^T scale + bias) V and the attention weights (after dropout). A query row whose
    every score is -inf (all of it masked) attends to nothing: with ``quiet_rows`` its weights and
    output are 0, as PyTorch's scaled_dot_product_attention; without, NaN, as its softmax."""
    scores = (query @ key.transpose(-2, -1)) * scale
    if bias is not None:
        scores = scores + bias
    dead = np.isneginf(scores._array).all(-1, keepdims=True) if quiet_rows and bias is not None else None
    if dead is not None and dead.any():
        alive = Tensor._make(np.logical_not(dead))
        weights = scores.where(alive, 0.0).softmax(-1).where(alive, 0.0)
    else:
        weights = scores.softmax(-1)
    weights = _dropout(weights, dropout_p, True, weights.shape, "attention")
    return weights @ value, weights


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(Q K^T scale + mask) V over the last two dims (L, E) x (S, E) -> (L, Ev); ``scale``
    defaults to 1/sqrt(E); a bool ``attn_mask`` says where to attend (True), a float one is added
    to the scores; a query row that may attend nowhere gives zeros, as PyTorch's; ``enable_gqa``
    repeats each key/value head for its group of query heads; ``dropout_p`` drops attention weights
    (with this package's generator)."""
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2 or query.shape[-1] != key.shape[-1]:
        raise ShapeError(
            f"scaled_dot_product_attention: query {query.shape} and key {key.shape} must end in (L, E) and (S, E)"
        )
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        groups = query.shape[-3] // key.shape[-3]
        key = key.unsqueeze(-3).expand(*key.shape[:-2], groups, *key.shape[-2:]).flatten(-4, -3)
        value = value.unsqueeze(-3).expand(*value.shape[:-2], groups, *value.shape[-2:]).flatten(-4, -3)
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    bias = _attention_bias(attn_mask, is_causal, query.shape[-2], key.shape[-2], query.dtype)
    return attend(query, key, value, bias, dropout_p, factor, quiet_rows=True)[0]
