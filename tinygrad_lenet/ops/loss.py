"""Loss primitives with a fused rule: binary cross-entropy, to stay finite at the edges of its domain;
softmax cross-entropy with class-index targets, one op instead of a dozen (log-softmax, gather, weights,
smoothing, reduction) on the path of every classifier's training step; and the negative log-likelihood
that follows a log_softmax, as pytorch/examples trains. Both take the targets as a tensor input, so
``tl.compile`` replays them with new targets."""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads
from .softmax import _logsumexp

LOG_FLOOR = -100.0
"""Logs are clamped here, as PyTorch does, so a prediction of exactly 0 or 1 costs 100, not inf."""


class BinaryCrossEntropy(Function):
    def forward(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        log_p = np.maximum(np.log(p), LOG_FLOOR)
        log_q = np.maximum(np.log1p(-p), LOG_FLOOR)
        self.save_for_backward(p, t, log_p, log_q)
        return -(t * log_p + (1 - t) * log_q)

    def backward(self, grad: np.ndarray) -> Grads:
        """For l = -(t log p + (1-t) log(1-p)): dl/dp = (p - t) / max(p (1-p), 1e-12),
        dl/dt = log(1-p) - log(p)."""
        p, t, log_p, log_q = self.saved_tensors
        dp = grad * (p - t) / np.maximum(p * (1 - p), 1e-12) if self.needs_input_grad[0] else None
        dt = grad * (log_q - log_p) if self.needs_input_grad[1] else None
        return dp, dt


def check_class_indices(counted: np.ndarray, classes: int, op: str) -> None:
    """Every target that counts must be a class index in [0, classes)."""
    if counted.size and (counted.min() < 0 or counted.max() >= classes):
        raise ValueError(
            f"{op}: target values must be class indices in [0, {classes - 1}], found {counted.min()}..{counted.max()}"
        )


def counted_targets(t: np.ndarray, classes: int, ignore_index: int, op: str) -> tuple[np.ndarray, np.ndarray]:
    """Which class-index targets count (``t != ignore_index``), and the targets with the others set to 0.
    Checked here, inside the op, so that a compiled replay checks new targets too."""
    keep = t != ignore_index
    check_class_indices(t[keep], classes, op)
    return keep, np.where(keep, t, 0)


def reduced(losses: np.ndarray, v: np.ndarray, reduction: str) -> tuple[np.ndarray, float | None]:
    """The per-row ``losses`` reduced: "none" (as they are), "sum", or "mean" (the sum over sum_i v_i, the
    weights of the targets that count; NaN when that is 0, as PyTorch's); and the scale of the gradient
    of each row's loss (None for "none", 1 for "sum", 1 / sum_i v_i for "mean", 0 where that is 0)."""
    if reduction == "none":
        return losses.astype(v.dtype, copy=False), None
    total = v.sum() if reduction == "mean" else 1.0
    scale = 1.0 / total if total else 0.0
    return np.asarray(losses.sum() * scale if total else np.nan, v.dtype), scale


class CrossEntropy(Function):
    """Softmax cross-entropy of class scores ``z`` (M, C) with class indices ``t`` (M,) (a tensor input, so a
    recording sees new targets), ``label_smoothing`` e, class ``weight`` w (C,) and ``ignore_index``.

    With log p = log_softmax(z), k_i = [t_i != ignore_index] and v_i = k_i w[t_i], each row's loss is

        l_i = -(1 - e) v_i log p_i[t_i] - (e / C) k_i sum_c w_c log p_ic,

    reduced by ``reduction``: "none" (M,), "sum", or "mean" (the sum over sum_i v_i; NaN when that is 0).
    """

    def forward(
        self,
        z: np.ndarray,
        t: np.ndarray,
        weight: np.ndarray,
        ignore_index: int,
        label_smoothing: float,
        reduction: str,
    ) -> np.ndarray:
        keep, target = counted_targets(t, z.shape[1], ignore_index, "cross_entropy")
        log_p = z - _logsumexp(z, 1)
        w = weight.astype(z.dtype, copy=False)
        v = np.where(keep, w[target], 0)
        losses = -(1 - label_smoothing) * v * log_p[np.arange(len(target)), target]
        if label_smoothing:
            losses -= (label_smoothing / z.shape[1]) * keep * (log_p @ w)
        self.save_for_backward(log_p, target, keep, v, w)
        self.label_smoothing = label_smoothing
        loss, self.scale = reduced(losses, v, reduction)
        return loss

    def backward(self, grad: np.ndarray) -> Grads:
        """dl_i/dz_ic = (1 - e) v_i (p_ic - [c = t_i]) + (e / C) k_i (W p_ic - w_c), with p = softmax(z) and
        W = sum_c w_c; times dL/dl_i (dL/dL times 1 for "sum", 1 / sum_i v_i for "mean", 0 where that is 0)."""
        log_p, target, keep, v, w = self.saved_tensors
        p = np.exp(log_p)
        e = self.label_smoothing
        dz = ((1 - e) * v)[:, None] * p
        dz[np.arange(len(target)), target] -= (1 - e) * v
        if e:
            dz += (e / p.shape[1]) * keep[:, None] * (w.sum() * p - w)
        rows = grad[:, None] if self.scale is None else grad * self.scale
        return (dz * rows).astype(log_p.dtype, copy=False), None


class NLLLoss(Function):
    """Negative log-likelihood of log-probabilities ``x`` (M, C) at class indices ``t`` (M,) (a tensor input,
    so a recording sees new targets), with class ``weight`` w (C,) and ``ignore_index``:

        l_i = -v_i x_i[t_i],  v_i = [t_i != ignore_index] w[t_i],

    reduced as :class:`CrossEntropy`'s losses are."""

    def forward(
        self, x: np.ndarray, t: np.ndarray, weight: np.ndarray, ignore_index: int, reduction: str
    ) -> np.ndarray:
        keep, target = counted_targets(t, x.shape[1], ignore_index, "nll_loss")
        v = np.where(keep, weight.astype(x.dtype, copy=False)[target], 0)
        losses = np.where(keep, -v * x[np.arange(len(target)), target], 0)  # (0, not -0 * -inf, where ignored)
        self.save_for_backward(target, v)
        self.shape = x.shape
        loss, self.scale = reduced(losses, v, reduction)
        return loss

    def backward(self, grad: np.ndarray) -> Grads:
        """dl_i/dx_ic = -v_i [c = t_i], times dL/dl_i (as in :meth:`CrossEntropy.backward`)."""
        target, v = self.saved_tensors
        dx = np.zeros(self.shape, dtype=v.dtype)
        dx[np.arange(len(target)), target] = -v * (grad if self.scale is None else grad * self.scale)
        return dx, None
