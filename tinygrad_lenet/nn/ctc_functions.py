"""``F.ctc_loss``: the connectionist temporal classification loss, over the forward-backward op in ``ops/ctc.py``.

Re-exported by ``nn.functional``. Checks and converts PyTorch's argument forms (padded or concatenated targets,
lengths as tensors or sequences, unbatched input), then reduces the op's per-sample losses as PyTorch does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..base.errors import DTypeError, ShapeError
from ..ops.ctc import CTCLoss
from ..tensor.tensor import Tensor
from .loss_functions import _reduce

__all__ = ["ctc_loss"]


def _lengths(lengths: Tensor | Sequence[int] | int, batch: int, name: str) -> np.ndarray:
    """One non-negative integer per sample."""
    array = np.asarray(lengths._array if isinstance(lengths, Tensor) else lengths)
    if array.dtype.kind not in "iu" or array.reshape(-1).shape != (batch,):
        raise ShapeError(
            f"ctc_loss: {name} must hold {batch} integers (one per sample), got {array.shape} of {array.dtype}"
        )
    array = array.reshape(batch).astype(np.int64)
    if (array < 0).any():
        raise ValueError(f"ctc_loss: {name} must be non-negative, got {array.tolist()}")
    return array


def _padded_labels(targets: np.ndarray, target_lengths: np.ndarray, blank: int) -> np.ndarray:
    """(N, S) labels, each row's target at its start and ``blank`` after it, from padded or concatenated targets."""
    width = max(int(target_lengths.max(initial=0)), 1)
    if targets.ndim == 2:
        if targets.shape[1] < target_lengths.max(initial=0):
            raise ShapeError(f"ctc_loss: targets {targets.shape} are shorter than the longest target length")
        rows = targets[:, :width]
    else:
        if targets.shape[0] != target_lengths.sum():
            raise ShapeError(
                f"ctc_loss: 1-d targets must hold the targets one after another, sum(target_lengths) = "
                f"{target_lengths.sum()} labels, got {targets.shape[0]}"
            )
        starts = np.concatenate([[0], np.cumsum(target_lengths)[:-1]])
        index = np.minimum(starts[:, None] + np.arange(width)[None, :], max(targets.shape[0] - 1, 0))
        rows = targets[index] if targets.size else np.zeros((len(target_lengths), width), np.int64)
    rows = np.pad(rows, ((0, 0), (0, width - rows.shape[1])), constant_values=blank)
    return np.where(np.arange(width)[None, :] < target_lengths[:, None], rows, blank).astype(np.int64)


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor | Sequence[int] | int,
    target_lengths: Tensor | Sequence[int] | int,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """The CTC loss: -log of the probability of each target summed over its alignments to the input frames.

    Parameters
    ----------
    log_probs
        (T, N, C) log-probabilities (a log_softmax over the C classes), or (T, C) for one sample.
    targets
        Integer labels in [0, C), none equal to ``blank``: (N, S) padded rows, or 1-d, the targets one after another.
    input_lengths
        The frames of each sample (at most T).
    target_lengths
        The labels of each sample.
    blank
        The class of the blank label.
    reduction
        "none" (one loss per sample), "sum", or "mean": each loss over its target length, then their mean.
    zero_infinity
        Make the infinite loss (and gradient) of an impossible alignment zero.
    """
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.ndim != 3:
        raise ShapeError(f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), got {log_probs.shape}")
    frames, batch, classes = lp.shape
    if not 0 <= blank < classes:
        raise ValueError(f"ctc_loss: blank must be a class in [0, {classes - 1}], got {blank}")
    labels = np.asarray(targets._array if isinstance(targets, Tensor) else targets)
    if labels.dtype.kind not in "iu":
        raise DTypeError(f"ctc_loss: targets must hold integer labels, got dtype {labels.dtype}")
    inputs, lengths = _lengths(input_lengths, batch, "input_lengths"), _lengths(target_lengths, batch, "target_lengths")
    if (inputs > frames).any():
        raise ValueError(
            f"ctc_loss: input_lengths must be at most the {frames} frames of log_probs, got {inputs.tolist()}"
        )
    labels = _padded_labels(labels.reshape(1, -1) if unbatched else labels, lengths, blank)
    counted = labels[np.arange(labels.shape[1])[None, :] < lengths[:, None]]
    if counted.size and (counted.min() < 0 or counted.max() >= classes or (counted == blank).any()):
        raise ValueError(f"ctc_loss: target labels must be classes in [0, {classes - 1}] other than blank ({blank})")
    losses = CTCLoss.apply(
        lp, labels=labels, input_lengths=inputs, target_lengths=lengths, blank=blank, zero_infinity=zero_infinity
    )
    if reduction == "mean":
        return (losses * Tensor._make(1.0 / np.maximum(lengths, 1).astype(lp.dtype))).mean()
    return _reduce(losses.reshape(()) if unbatched else losses, reduction)
