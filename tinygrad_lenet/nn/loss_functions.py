"""The losses of ``nn.functional``, with PyTorch's names, signatures and reductions.

Each is a composition of primitive ops, except binary cross-entropy, whose fused rule keeps it
finite at predictions of exactly 0 or 1 (``ops/loss.py``). Class-index targets may carry
``ignore_index`` and per-class ``weight``; ``reduction="mean"`` then divides by the summed
weights of the targets counted, as PyTorch does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base.errors import DTypeError, ShapeError
from ..ops.activation import Softplus
from ..ops.loss import BinaryCrossEntropy, CrossEntropy, NLLLoss, check_class_indices
from ..tensor.tensor import Tensor


def _check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    _check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _class_rows(input: Tensor, op: str) -> tuple[Tensor, tuple[int, ...]]:
    """(C,), (N, C) or (N, C, d1, ...) input as (M, C) rows of class scores, and the shape of one
    loss per row: () for (C,), (N, d1, ...) otherwise (the class dim moved last, then flattened)."""
    if input.ndim == 0:
        raise ShapeError(f"{op}: expected input of shape (N, C), (N, C, d1, ...) or unbatched (C,), got a 0-d tensor")
    if input.ndim == 1:
        return input.reshape(1, input.shape[0]), ()
    classes = input.shape[1]
    shape = (input.shape[0],) + tuple(input.shape[2:])
    moved = input.permute(0, *range(2, input.ndim), 1) if input.ndim > 2 else input
    return moved.reshape(math.prod(shape), classes), shape


def _class_targets(
    target: Tensor | np.ndarray,
    shape: tuple[int, ...],
    classes: int,
    op: str,
    ignore_index: int | None = -100,
    check_range: bool = True,
) -> np.ndarray:
    """Class-index targets: integers of the loss ``shape``, each in [0, classes) or ignore_index
    (None: every target counts; ``check_range=False``: the values are the op's to check); returned
    flattened, one per row."""
    t = np.asarray(target._array if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu":
        raise DTypeError(f"{op}: target must hold integer class indices, got dtype {t.dtype}")
    if t.shape != shape:
        raise ShapeError(f"{op}: target must have shape {shape} (the input's without its class dim), got {t.shape}")
    if check_range:
        check_class_indices(t if ignore_index is None else t[t != ignore_index], classes, op)
    return t.reshape(-1)


def _check_targets(input: Tensor, target: Tensor | np.ndarray, op: str, ignore_index: int | None = -100) -> np.ndarray:
    """Class-index targets of (N, C) scores: one integer per row, in [0, C) or ignore_index."""
    if input.ndim != 2:
        raise ShapeError(f"{op}: expected input of shape (N, C), got {input.shape}")
    return _class_targets(target, (input.shape[0],), input.shape[1], op, ignore_index)


def _class_weights(weight: Tensor | None, classes: int, dtype: np.dtype, op: str) -> np.ndarray:
    if weight is None:
        return np.ones(classes, dtype=dtype)
    w = np.asarray(weight._array if isinstance(weight, Tensor) else weight, dtype=dtype)
    if w.shape != (classes,):
        raise ShapeError(f"{op}: weight must have one entry per class, shape ({classes},), got {w.shape}")
    return w


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: -weight[t] input[t] for log-probabilities with the classes along dim 1
    ((N, C), (N, C, d1, ...) or unbatched (C,)); targets equal to ``ignore_index`` count for nothing;
    "mean" divides by the summed weights of the others."""
    rows, shape = _class_rows(input, "nll_loss")
    w = _class_weights(weight, rows.shape[1], input.dtype, "nll_loss")
    return _class_index_loss(
        NLLLoss, "nll_loss", rows, shape, target, weight=w, ignore_index=ignore_index, reduction=reduction
    )


def _class_index_loss(
    op: type[CrossEntropy] | type[NLLLoss], name: str, rows: Tensor, shape: tuple[int, ...], target: Any, **options: Any
) -> Tensor:
    """A fused class-index loss ``op`` of (M, C) ``rows`` with ``target`` of the loss ``shape``: its dtype, shape
    and reduction checked here, its values inside the op (so a compiled replay checks them too)."""
    _class_targets(target, shape, rows.shape[1], name, options["ignore_index"], check_range=False)
    _check_reduction(options["reduction"])
    targets = (target if isinstance(target, Tensor) else Tensor(np.asarray(target))).reshape(-1)
    losses = op.apply(rows, targets, **options)
    return losses.reshape(shape) if options["reduction"] == "none" else losses


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy of logits with the classes along dim 1 ((N, C), (N, C, d1, ...) or (C,)):
    with class-index targets ``nll_loss(log_softmax)`` (and ``label_smoothing`` e mixing in e/C of
    every class), one fused op (``ops.loss.CrossEntropy``), or with class probabilities of the input's
    shape ``-sum_c weight_c target_c log_softmax_c``."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    rows, shape = _class_rows(input, "cross_entropy")
    classes = rows.shape[1]
    w = Tensor._make(_class_weights(weight, classes, input.dtype, "cross_entropy"))
    if isinstance(target, Tensor) and target.dtype.kind == "f":  # probabilities per class
        if target.shape != input.shape:
            raise ShapeError(
                f"cross_entropy: probability targets must have the input's shape {input.shape}, got {target.shape}"
            )
        soft = _class_rows(target, "cross_entropy")[0] * (1 - label_smoothing) + label_smoothing / classes
        return _reduce(-(rows.log_softmax(1) * soft * w).sum(1).reshape(shape), reduction)
    options = {"ignore_index": ignore_index, "label_smoothing": label_smoothing, "reduction": reduction}
    return _class_index_loss(CrossEntropy, "cross_entropy", rows, shape, target, weight=w._array, **options)


def _check_same_shape(input: Tensor, target: Tensor, op: str) -> Tensor:
    target = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=input.dtype))
    if input.shape != target.shape:
        raise ShapeError(f"{op}: input {input.shape} and target {target.shape} must have the same shape")
    return target


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error: (input - target)^2."""
    diff = input - _check_same_shape(input, target, "mse_loss")
    return _reduce(diff * diff, reduction)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error: |input - target|."""
    return _reduce((input - _check_same_shape(input, target, "l1_loss")).abs(), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target)."""
    d = (input - _check_same_shape(input, target, "smooth_l1_loss")).abs()
    if beta == 0:
        return _reduce(d, reduction)
    return _reduce(
        d.where(d >= beta, d * d * (0.5 / beta)) + (d >= beta).astype(input.dtype) * (-0.5 * beta), reduction
    )


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """0.5 d^2 where |d| <= delta, else delta (|d| - 0.5 delta) (d = input - target)."""
    d = (input - _check_same_shape(input, target, "huber_loss")).abs()
    return _reduce((d * d * 0.5).where(d <= delta, (d - 0.5 * delta) * delta), reduction)


def kl_div(input: Tensor, target: Tensor, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """target (log target - input) for log-probabilities ``input`` (0 where target is 0, NaN where it
    is negative or NaN, as PyTorch);
    ``reduction="batchmean"`` divides the sum by the batch size, the mathematically right mean."""
    target = _check_same_shape(input, target, "kl_div")
    if log_target:
        pointwise = target.exp() * (target - input)
    else:
        safe = target.where(target._array != 0, 1.0)  # 0 log 0 = 0; a negative or NaN target gives NaN
        pointwise = target * safe.log() - target * input
    if reduction == "batchmean":  # a 0-d input is its own batch of one, as PyTorch
        return pointwise.sum() * (1.0 / input.shape[0]) if input.ndim else pointwise.sum()
    return _reduce(pointwise, reduction)


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, reduction: str = "mean"
) -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1]; logs clamped at -100."""
    target = _check_same_shape(input, target, "binary_cross_entropy")
    if input._array.size and (input._array.min() < 0 or input._array.max() > 1):
        raise ValueError("binary_cross_entropy: input must hold probabilities in [0, 1] (apply sigmoid first)")
    losses = BinaryCrossEntropy.apply(input, target)
    return _reduce(losses if weight is None else losses * weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed stably from the logits:
    pos_weight t softplus(-x) + (1 - t) softplus(x)."""
    target = _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    positive = Softplus.apply(-input, beta=1.0) * target
    if pos_weight is not None:
        positive = positive * pos_weight
    losses = positive + Softplus.apply(input, beta=1.0) * (1 - target)
    return _reduce(losses if weight is None else losses * weight, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """log(1 + e^(-y x)) for labels y of +-1, computed as softplus(-y x)."""
    target = _check_same_shape(input, target, "soft_margin_loss")
    return _reduce(Softplus.apply(-(input * target), beta=1.0), reduction)


def margin_ranking_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, reduction: str = "mean"
) -> Tensor:
    """max(0, -y (x1 - x2) + margin): y = 1 asks x1 to rank above x2 by ``margin``, y = -1 below."""
    if not (input1.shape == input2.shape == target.shape):
        raise ShapeError(
            f"margin_ranking_loss: input1 {input1.shape}, input2 {input2.shape} and target {target.shape} "
            "must have the same shape"
        )
    return _reduce((-(input1 - input2) * target + margin).relu(), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1 (as PyTorch, a label that is neither adds both)."""
    t = np.asarray(target._array if isinstance(target, Tensor) else target)
    if t.shape != input.shape:
        raise ShapeError(f"hinge_embedding_loss: input {input.shape} and target {t.shape} must have the same shape")
    beyond = (-input + margin).relu().where(t != 1, 0.0)
    return _reduce(beyond + input.where(t != -1, 0.0), reduction)


def _unbatched_rows(input: Tensor, op: str) -> tuple[Tensor, bool]:
    """0-d, (C,) or (N, C) input as (N, C) rows, and whether it was unbatched (one loss, shape ())."""
    if input.ndim > 2:
        raise ShapeError(f"{op}: expected input of shape (N, C), (C,) or (), got {input.shape}")
    if input.ndim == 2:
        return input, False
    return input.reshape(1, max(input.numel(), 1) if input.ndim else 1), True


def _reduce_rows(losses: Tensor, unbatched: bool, reduction: str) -> Tensor:
    return _reduce(losses.reshape(()) if unbatched and reduction == "none" else losses, reduction)


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-class hinge loss: sum over classes i != y of weight[y] max(0, margin - x[y] + x[i])^p / C."""
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: p must be 1 or 2, got {p}")
    rows, unbatched = _unbatched_rows(input, "multi_margin_loss")
    n, classes = rows.shape
    t = _class_targets(target, (n,) if target.ndim else (), classes, "multi_margin_loss", None).reshape(-1)
    if t.shape != (n,):
        raise ShapeError(f"multi_margin_loss: expected {n} targets for input {input.shape}, got {target.shape}")
    picked = rows[np.arange(n), t].reshape(n, 1)
    others = (np.arange(classes) != t[:, None]).astype(input.dtype)
    hinge = (rows - picked + margin).relu() * Tensor._make(others)
    if p == 2:
        hinge = hinge * hinge
    w = _class_weights(weight, classes, input.dtype, "multi_margin_loss")[t]
    losses = hinge.sum(1) * (1.0 / classes) if weight is None else hinge.sum(1) * Tensor._make(w / classes)
    return _reduce_rows(losses, unbatched, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Multi-label hinge loss: each row's target lists class indices up to the first -1; the loss is
    sum over listed classes j and unlisted classes i of max(0, 1 - (x[j] - x[i])) / C."""
    rows, unbatched = _unbatched_rows(input, "multilabel_margin_loss")
    n, classes = rows.shape
    t = np.asarray(target._array if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu" or t.size != n * classes:
        raise ShapeError(
            f"multilabel_margin_loss: target must hold integer class indices, the input's shape {input.shape}, "
            f"got {t.shape} of {t.dtype}"
        )
    t = t.reshape(n, classes)
    listed = np.cumprod(t >= 0, axis=1).astype(bool)  # the entries before the first -1
    if (t[listed] >= classes).any():
        raise ValueError(f"multilabel_margin_loss: target values must be class indices in [0, {classes - 1}] or -1")
    counts = np.zeros((n, classes), dtype=input.dtype)
    np.add.at(counts, (np.nonzero(listed)[0], t[listed]), 1)
    pairs = counts[:, :, None] * (counts == 0)[:, None, :].astype(input.dtype)
    hinge = (rows.reshape(n, 1, classes) - rows.reshape(n, classes, 1) + 1.0).relu() * Tensor._make(pairs)
    return _reduce_rows(hinge.sum((1, 2)) * (1.0 / classes), unbatched, reduction)


def multilabel_soft_margin_loss(
    input: Tensor, target: Tensor, weight: Tensor | None = None, reduction: str = "mean"
) -> Tensor:
    """-mean over classes of weight (y log sigmoid(x) + (1 - y) log sigmoid(-x)), one loss per row."""
    target = _check_same_shape(input, target, "multilabel_soft_margin_loss")
    losses = Softplus.apply(-input, beta=1.0) * target + Softplus.apply(input, beta=1.0) * (1 - target)
    if weight is not None:
        losses = losses * weight
    return _reduce(losses.mean(-1) if input.ndim else losses, reduction)


def gaussian_nll_loss(
    input: Tensor,
    target: Tensor,
    var: Tensor | float,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """(log max(var, eps) + (input - target)^2 / max(var, eps)) / 2 (+ log(2 pi) / 2 when ``full``);
    the clamp at eps passes the gradient through unchanged, as PyTorch's. ``var`` has the input's
    shape, or one size 1 (or one dim fewer) where one variance is shared."""
    if not isinstance(var, Tensor):
        var = input._operand(var).expand(*input.shape)
    if (var._array < 0).any():
        raise ValueError("gaussian_nll_loss: var has negative entries")
    if var.shape != input.shape:
        if var.shape == input.shape[:-1]:
            var = var.unsqueeze(-1)
        elif var.ndim != input.ndim or sum(v != i for v, i in zip(var.shape, input.shape)) != 1 or 1 not in var.shape:
            raise ShapeError(f"gaussian_nll_loss: var {var.shape} does not fit input {input.shape}")
    var = var + (var.clamp(min=eps) - var).detach()
    diff = input - target
    loss = (var.log() + diff * diff / var) * 0.5
    return _reduce(loss + 0.5 * math.log(2 * math.pi) if full else loss, reduction)


def poisson_nll_loss(
    input: Tensor,
    target: Tensor,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: str = "mean",
) -> Tensor:
    """Poisson negative log-likelihood: e^x - t x for log-rates x (``log_input``), else x - t log(x + eps);
    ``full`` adds Stirling's t log t - t + log(2 pi t) / 2 where t > 1."""
    target = _check_same_shape(input, target, "poisson_nll_loss")
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        big = target._array > 1
        safe = target.where(big, 2.0)
        stirling = safe * safe.log() - safe + (safe * (2 * math.pi)).log() * 0.5
        loss = loss + stirling.where(big, 0.0)
    return _reduce(loss, reduction)


def linear_cross_entropy(
    input: Tensor,
    linear_weight: Tensor,
    target: Tensor,
    *,
    linear_bias: Tensor | None = None,
    weight: Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options: object = None,
) -> Tensor:
    """cross_entropy(linear(input, linear_weight, linear_bias), target): ``linear_weight`` is
    (C, in) or (C, d1, ..., in), the logits then (N, C, d1, ...). PyTorch's ``options`` choose how
    it chunks the batch to save memory; the result is the same, so they are accepted and not used.
    ``ignore_index=None`` (every target counts) is taken as PyTorch's default -100."""
    if linear_weight.ndim < 2 or linear_weight.shape[-1] != input.shape[-1]:
        raise ShapeError(
            f"linear_cross_entropy: linear_weight {linear_weight.shape} must end in the input's features "
            f"{input.shape[-1:]}"
        )
    out_shape = linear_weight.shape[:-1]
    logits = input @ linear_weight.reshape(math.prod(out_shape), input.shape[-1]).transpose(0, 1)
    logits = logits.reshape(*input.shape[:-1], *out_shape)
    if linear_bias is not None:
        logits = logits + linear_bias
    index = -100 if ignore_index is None else ignore_index
    return cross_entropy(logits, target, weight, index, reduction, label_smoothing)
