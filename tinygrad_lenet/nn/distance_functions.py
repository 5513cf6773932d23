"""Distances: cosine_similarity, pairwise_distance, pdist, cdist, and the losses built on them
(cosine_embedding_loss, triplet_margin_loss, triplet_margin_with_distance_loss).

All are compositions of elementwise ops, sums and indexing, so their gradients come from those.
Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..base.dims import normalize_dim
from ..base.errors import ShapeError
from ..tensor.tensor import Tensor
from .loss_functions import _reduce

__all__ = [
    "cosine_similarity",
    "pairwise_distance",
    "pdist",
    "cdist",
    "cosine_embedding_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]


def vector_norm(x: Tensor, p: float, dim: int, keepdim: bool = False) -> Tensor:
    """The p-norm along ``dim``: (sum |x|^p)^(1/p); max |x| for p = inf, min |x| for -inf, the
    count of non-zeros for p = 0 (a zero gradient)."""
    if p == np.inf:
        return x.abs().amax(dim, keepdim)
    if p == -np.inf:
        return x.abs().amin(dim, keepdim)
    if p == 0:
        return (x != 0).astype(x.dtype).sum(dim, keepdim) + x.abs().clip(max=0.0).sum(dim, keepdim)
    if p == 1:
        return x.abs().sum(dim, keepdim)
    if p == 2:
        return (x * x).sum(dim, keepdim).sqrt()
    return (x.abs() ** p).sum(dim, keepdim) ** (1.0 / p)


def _check_p(p: float, op: str) -> None:
    """pdist and cdist take p >= 0 only, as PyTorch."""
    if p < 0:
        raise ValueError(f"{op}: p must be a non-negative number, got {p}")


def _legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """PyTorch's deprecated size_average / reduce flags mapped onto ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps)) along ``dim`` (the inputs broadcast together)."""
    a, b = x1._operands(x2)
    shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape)) or (1,)
    a, b = a.expand(*shape), b.expand(*shape)
    axis = normalize_dim(dim, len(shape), "cosine_similarity")
    na, nb = vector_norm(a, 2, axis, True).maximum(eps), vector_norm(b, 2, axis, True).maximum(eps)
    out = ((a / na) * (b / nb)).sum(axis)
    return out.reshape(()) if x1.ndim == x2.ndim == 0 else out


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """The p-norm of x1 - x2 + eps along the last dim (the inputs broadcast together; p may be negative)."""
    a, b = x1._operands(x2)
    diff = a - b + eps
    if diff.ndim == 0:
        return vector_norm(diff.reshape(1), p, 0)
    return vector_norm(diff, p, diff.ndim - 1, keepdim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The p-norm distances between the rows of (N, M) input, for each pair i < j in row-major order."""
    _check_p(p, "pdist")
    if input.ndim != 2:
        raise ShapeError(f"pdist: expected a 2-D input (N, M), got {tuple(input.shape)}")
    i, j = np.triu_indices(input.shape[0], 1)
    return vector_norm(input[i] - input[j], p, 1)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row of x1 (*, P, M) and each row of x2 (*, R, M): (*, P, R)."""
    _check_p(p, "cdist")
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(
            "cdist: expected (*, P, M) and (*, R, M) inputs with the same M, got "
            f"{tuple(x1.shape)} and {tuple(x2.shape)}"
        )
    a, b = x1._operands(x2)
    return vector_norm(a.unsqueeze(-2) - b.unsqueeze(-3), p, -1)


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1, with
    cos = x1.x2 / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12)) along the last dim."""
    if input1.ndim not in (1, 2) or input1.shape != input2.shape or target.ndim != input1.ndim - 1:
        raise ShapeError(
            "cosine_embedding_loss: expected (N, D) or (D,) inputs of one shape and an (N,) or 0-d target, got "
            f"{tuple(input1.shape)}, {tuple(input2.shape)} and {tuple(target.shape)}"
        )
    a, b = input1._operands(input2)
    dim = a.ndim - 1
    cos = (a * b).sum(dim) / (((a * a).sum(dim) + 1e-12) * ((b * b).sum(dim) + 1e-12)).sqrt()
    t = target._array
    loss = (1 - cos).where(t == 1, 0.0) + (cos - margin).clip(min=0.0).where(t == -1, 0.0)
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def _triplet(dist_pos: Tensor, dist_neg: Tensor, dist_swap: Tensor | None, margin: float, reduction: str) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)), d(a, n) first lowered to d(p, n) where that is smaller (swap)."""
    if dist_swap is not None:
        dist_neg = dist_neg.minimum(dist_swap)
    return _reduce((margin + dist_pos - dist_neg).clip(min=0.0), reduction)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)) with d the pairwise p-norm distance (``swap``: d(a, n)
    replaced by d(p, n) where that is smaller)."""
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ShapeError(
            "triplet_margin_loss: anchor, positive and negative must have the same number of dims, got "
            f"{tuple(anchor.shape)}, {tuple(positive.shape)} and {tuple(negative.shape)}"
        )
    swapped = pairwise_distance(positive, negative, p, eps) if swap else None
    return _triplet(
        pairwise_distance(anchor, positive, p, eps),
        pairwise_distance(anchor, negative, p, eps),
        swapped,
        margin,
        _legacy_reduction(size_average, reduce, reduction),
    )


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """``triplet_margin_loss`` with any distance (default ``pairwise_distance``)."""
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: margin must be positive, got {margin}")
    distance = distance_function if distance_function is not None else pairwise_distance
    swapped = distance(positive, negative) if swap else None
    return _triplet(distance(anchor, positive), distance(anchor, negative), swapped, margin, reduction)
